// One-shot: creates the bucket (S3_BUCKET) where it does not exist, waiting up to a minute for
// the store to answer, and gives it the lifecycle rule that expires the API's staging uploads.
// The local stack runs it before the API and the worker start.
import {
  CreateBucketCommand,
  HeadBucketCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { ensureUploadExpiry } from './upload-expiry.js';

const bucket = process.env['S3_BUCKET'] ?? 'harita';
const s3 = new S3Client({
  endpoint: process.env['S3_ENDPOINT'] ?? 'http://127.0.0.1:9000',
  region: process.env['S3_REGION'] ?? 'us-east-1',
  forcePathStyle: true,
  credentials: {
    accessKeyId: process.env['S3_ACCESS_KEY_ID'] ?? '',
    secretAccessKey: process.env['S3_SECRET_ACCESS_KEY'] ?? '',
  },
});

const deadline = Date.now() + 60_000;
for (;;) {
  try {
    await s3.send(new HeadBucketCommand({ Bucket: bucket }));
    console.log(`bucket ${bucket}: present`);
    break;
  } catch (error) {
    const status = error instanceof S3ServiceException ? error.$metadata.httpStatusCode : undefined;
    if (status === 404) {
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      console.log(`bucket ${bucket}: created`);
      break;
    }
    if (status === 403 || Date.now() > deadline) {
      console.error(`bucket ${bucket}: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}
try {
  await ensureUploadExpiry(s3, bucket);
  console.log(`bucket ${bucket}: staging uploads expire after a day`);
} catch (error) {
  console.error(
    `bucket ${bucket}: the lifecycle rule for staging uploads was refused (${error instanceof Error ? error.message : String(error)}); the API's sweep alone removes them`,
  );
}
s3.destroy();
