import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { S3Client } from '@aws-sdk/client-s3';
import { isS3Url, parseS3Url } from '../source/s3-location.js';
import type { CogOutput } from './cog-writer.js';

export const COG_CONTENT_TYPE = 'image/tiff; application=geotiff; profile=cloud-optimized';

/** The stream, with its bytes' SHA-256 known once it has been read to the end. */
function hashing(stream: Readable): { stream: Readable; digest: () => string } {
  const hash = createHash('sha256');
  const through = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      done(null, chunk);
    },
  });
  stream.on('error', (error) => through.destroy(error));
  return { stream: stream.pipe(through), digest: () => hash.digest('hex') };
}

/**
 * Writes a finished COG to a local path (through a .partial file renamed at the end, so a failure
 * never leaves a half file under the real name) or to s3://bucket/key by multipart upload, which
 * only becomes visible once complete. Resolves with the file's SHA-256.
 */
export async function saveCog(
  output: CogOutput,
  location: string,
  options: { s3?: S3Client; signal?: AbortSignal } = {},
): Promise<{ sha256: string }> {
  const { stream, digest } = hashing(output.stream);
  if (isS3Url(location)) {
    if (!options.s3) throw new Error(`${location}: writing to S3 needs an S3 client`);
    const { bucket, key } = parseS3Url(location);
    const { Upload } = await import('@aws-sdk/lib-storage');
    const upload = new Upload({
      client: options.s3,
      params: {
        Bucket: bucket,
        Key: key,
        Body: stream,
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
    return { sha256: digest() };
  }
  const partial = `${location}.partial`;
  try {
    await pipeline(
      stream,
      createWriteStream(partial),
      ...(options.signal ? [{ signal: options.signal }] : []),
    );
    await rename(partial, location);
    return { sha256: digest() };
  } catch (error) {
    output.stream.destroy();
    await rm(partial, { force: true });
    throw error;
  }
}
