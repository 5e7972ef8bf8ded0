import { GetObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { checkRange, type ByteSource } from './byte-source.js';
import type { S3Location } from './s3-location.js';
import {
  AccessDeniedError,
  ObjectNotFoundError,
  StorageUnavailableError,
} from './storage-errors.js';

export interface S3SourceOptions {
  /** Per request, in milliseconds (default 30 s). */
  timeoutMs?: number;
  /** Attempts per range after the first (default 3), with exponential back-off. */
  retries?: number;
}

/** Range reads over S3 GetObject, each with a timeout, retried on transient failures. */
export class S3Source implements ByteSource {
  static async open(
    client: S3Client,
    location: S3Location,
    options: S3SourceOptions = {},
  ): Promise<S3Source> {
    const source = new S3Source(client, location, 0, options);
    const head = await source.attempt((signal) =>
      client.send(new HeadObjectCommand({ Bucket: location.bucket, Key: location.key }), {
        abortSignal: signal,
      }),
    );
    source.size = head.ContentLength ?? 0;
    source.etag = head.ETag;
    return source;
  }

  readonly name: string;
  /** A request costs a round trip; reading a little more to save one is cheap. */
  readonly mergeGap = 64 * 1024;
  private etag: string | undefined;

  private constructor(
    private readonly client: S3Client,
    private readonly location: S3Location,
    public size: number,
    private readonly options: S3SourceOptions,
  ) {
    this.name = `s3://${location.bucket}/${location.key}`;
  }

  async read(
    offset: number,
    length: number,
    signal?: AbortSignal,
    into?: Uint8Array,
  ): Promise<Uint8Array> {
    checkRange(this, offset, length);
    if (length === 0) return new Uint8Array(0);
    const bytes = await this.attempt(async (attemptSignal) => {
      const response = await this.client.send(
        new GetObjectCommand({
          Bucket: this.location.bucket,
          Key: this.location.key,
          Range: `bytes=${String(offset)}-${String(offset + length - 1)}`,
          // The object must not change under a reader part way through.
          ...(this.etag === undefined ? {} : { IfMatch: this.etag }),
        }),
        { abortSignal: attemptSignal },
      );
      if (!response.Body) throw new Error(`${this.name}: empty response`);
      return response.Body.transformToByteArray();
    }, signal);
    if (bytes.length !== length) {
      throw new Error(
        `${this.name}: asked for ${String(length)} bytes at ${String(offset)}, got ${String(bytes.length)}`,
      );
    }
    if (!into) return bytes;
    into.set(bytes);
    return into.subarray(0, length);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  private async attempt<T>(
    request: (signal: AbortSignal) => Promise<T>,
    outer?: AbortSignal,
  ): Promise<T> {
    const retries = this.options.retries ?? 3;
    const timeoutMs = this.options.timeoutMs ?? 30_000;
    for (let attempt = 0; ; attempt++) {
      outer?.throwIfAborted();
      const signals = [AbortSignal.timeout(timeoutMs), ...(outer ? [outer] : [])];
      try {
        return await request(AbortSignal.any(signals));
      } catch (error) {
        if (outer?.aborted || attempt >= retries || !isTransient(error))
          throw describe(error, this.name);
        // Exponential back-off with jitter, so readers that failed together do not retry together.
        await new Promise((resolve) =>
          setTimeout(resolve, 100 * 2 ** attempt * (0.5 + Math.random() / 2)),
        );
      }
    }
  }
}

function isTransient(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  if (status !== undefined) return status >= 500 || status === 429;
  return true;
}

function describe(error: unknown, name: string): Error {
  if (!(error instanceof Error)) return new StorageUnavailableError(`${name}: ${String(error)}`);
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  if (status === 404 || error.name === 'NotFound' || error.name === 'NoSuchKey') {
    return new ObjectNotFoundError(`${name}: no such object`);
  }
  if (status === 403) {
    return new AccessDeniedError(
      `${name}: access denied (403): check the S3 credentials and the bucket's policy`,
    );
  }
  if (status === 412) return new Error(`${name}: the object changed while it was being read`);
  if (error.name === 'TimeoutError')
    return new StorageUnavailableError(`${name}: a read timed out`);
  if (isTransient(error)) return new StorageUnavailableError(`${name}: ${error.message}`);
  return error;
}
