import type { S3Client } from '@aws-sdk/client-s3';

/**
 * An S3 client from the environment: S3_ENDPOINT (for MinIO, Ceph and other S3-compatible
 * servers; path-style addressing), S3_REGION (default us-east-1), and the AWS SDK's usual
 * credentials (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, profiles).
 */
export async function s3FromEnv(env: NodeJS.ProcessEnv = process.env): Promise<S3Client> {
  const { S3Client } = await import('@aws-sdk/client-s3');
  const endpoint = env.S3_ENDPOINT;
  return new S3Client({
    region: env.S3_REGION ?? env.AWS_REGION ?? 'us-east-1',
    ...(endpoint ? { endpoint, forcePathStyle: true } : {}),
  });
}
