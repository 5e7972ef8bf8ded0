import type { S3Client } from '@aws-sdk/client-s3';
import type { ByteSource } from './byte-source.js';
import { FileSource } from './file-source.js';
import { isS3Url, parseS3Url } from './s3-location.js';

/** Opens a local path or an s3://bucket/key URL for range reads. */
export async function openByteSource(location: string, s3?: S3Client): Promise<ByteSource> {
  if (!isS3Url(location)) return FileSource.open(location);
  if (!s3) throw new Error(`${location}: reading from S3 needs an S3 client`);
  // Loaded on first use: the AWS SDK costs ~25 MB that local work does not need.
  const { S3Source } = await import('./s3-source.js');
  return S3Source.open(s3, parseS3Url(location));
}
