import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import type { S3Client } from '@aws-sdk/client-s3';
import { isS3Url, parseS3Url } from '../source/s3-location.js';
import type { CogOutput } from './cog-writer.js';

export const COG_CONTENT_TYPE = 'image/tiff; application=geotiff; profile=cloud-optimized';

/**
 * Writes a finished COG to a local path (through a .partial file renamed at the end, so a failure
 * never leaves a half file under the real name) or to s3://bucket/key by multipart upload.
 */
export async function saveCog(
  output: CogOutput,
  location: string,
  options: { s3?: S3Client; signal?: AbortSignal } = {},
): Promise<void> {
  if (isS3Url(location)) {
    if (!options.s3) throw new Error(`${location}: writing to S3 needs an S3 client`);
    const { bucket, key } = parseS3Url(location);
    const { Upload } = await import('@aws-sdk/lib-storage');
    const upload = new Upload({
      client: options.s3,
      params: {
        Bucket: bucket,
        Key: key,
        Body: output.stream,
        ContentType: COG_CONTENT_TYPE,
        ContentLength: output.size,
      },
      partSize: 8 * 1024 * 1024,
      queueSize: 2,
      leavePartsOnError: false,
    });
    const abort = (): void => void upload.abort();
    options.signal?.addEventListener('abort', abort, { once: true });
    try {
      await upload.done();
    } finally {
      options.signal?.removeEventListener('abort', abort);
    }
    return;
  }
  const partial = `${location}.partial`;
  try {
    await pipeline(
      output.stream,
      createWriteStream(partial),
      ...(options.signal ? [{ signal: options.signal }] : []),
    );
    await rename(partial, location);
  } catch (error) {
    output.stream.destroy();
    await rm(partial, { force: true });
    throw error;
  }
}
