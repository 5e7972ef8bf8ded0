import { createHash } from 'node:crypto';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { assertTenantKey, datasetKey, resultKey, type JobResult } from '@harita/contracts';
import { COG_CONTENT_TYPE, rasterInfo, type OutputSummary, type RasterInfo } from '@harita/raster';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import { JobFailure } from './job-failure.js';
import type { ModelServingClient } from './model-serving/client.js';

/** Everything a processor needs for one job, scoped to its tenant. */
export class JobContext {
  constructor(
    readonly tenantId: string,
    readonly jobId: string,
    readonly signal: AbortSignal,
    readonly s3: S3Client,
    readonly models: ModelServingClient,
    readonly config: Config,
    readonly logger: Logger,
    /** Reports the fraction done, 0 to 1. */
    readonly progress: (fraction: number) => void,
  ) {}

  /** The s3:// URL of one of the tenant's dataset files; any other key is refused. */
  inputUrl(input: { dataset_id: string; file: string }): string {
    const key = datasetKey(this.tenantId, input.dataset_id, input.file);
    assertTenantKey(this.tenantId, key);
    return `s3://${this.config.S3_BUCKET}/${key}`;
  }

  /** Where an artifact of this job goes: under the job's own result prefix. */
  resultKey(artifact: string): string {
    return resultKey(this.tenantId, this.jobId, artifact);
  }

  resultUrl(artifact: string): string {
    return `s3://${this.config.S3_BUCKET}/${this.resultKey(artifact)}`;
  }

  /** The raster's header, refused when it is past the configured pixel or byte limit. */
  async checkedRaster(url: string): Promise<RasterInfo> {
    const info = await rasterInfo(url, { s3: this.s3, signal: this.signal });
    const pixels = info.width * info.height;
    if (pixels > this.config.MAX_INPUT_PIXELS) {
      throw new JobFailure(
        'too_large',
        `${String(info.width)} x ${String(info.height)} pixels is over the limit of ${String(this.config.MAX_INPUT_PIXELS)}`,
        true,
      );
    }
    if (info.bytes > this.config.MAX_INPUT_BYTES) {
      throw new JobFailure(
        'too_large',
        `${String(info.bytes)} bytes is over the limit of ${String(this.config.MAX_INPUT_BYTES)}`,
        true,
      );
    }
    return info;
  }

  /** Writes an artifact held in memory (JSON, GeoJSON) under the job's prefix. */
  async putArtifact(artifact: string, body: Buffer, mediaType: string): Promise<JobResult> {
    const key = this.resultKey(artifact);
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.config.S3_BUCKET,
        Key: key,
        Body: body,
        ContentType: mediaType,
      }),
      { abortSignal: this.signal },
    );
    return {
      key,
      media_type: mediaType,
      bytes: body.length,
      sha256: createHash('sha256').update(body).digest('hex'),
    };
  }

  /** The result entry of a COG the raster engine wrote to resultUrl(artifact). */
  cogResult(artifact: string, output: OutputSummary): JobResult {
    return {
      key: this.resultKey(artifact),
      media_type: COG_CONTENT_TYPE,
      bytes: output.bytes,
      sha256: output.sha256,
    };
  }
}
