import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  GetBucketLifecycleConfigurationCommand,
  PutBucketLifecycleConfigurationCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ObjectStoreContainer,
  type StartedObjectStoreContainer,
} from '../src/services/object-store.js';

// The bucket's one-shot (worker/dist/ensure-bucket.js, as compose and the worker's init container
// run it) gives the bucket the lifecycle rule that expires the API's staging uploads, on the
// object store from OBJECT_STORE_IMAGE (Ceph RGW offline, MinIO otherwise).
const run = promisify(execFile);
const ensureBucket = fileURLToPath(new URL('../../worker/dist/ensure-bucket.js', import.meta.url));
const bucket = 'harita-lifecycle';
let store: StartedObjectStoreContainer;
let s3: S3Client;

beforeAll(async () => {
  store = await new ObjectStoreContainer().start();
  s3 = new S3Client({
    endpoint: store.endpoint.href,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: store.accessKey, secretAccessKey: store.secretKey },
  });
}, 120_000);

afterAll(async () => {
  s3.destroy();
  await store.stop();
});

const oneShot = () =>
  run(process.execPath, [ensureBucket], {
    env: {
      ...process.env,
      S3_ENDPOINT: store.endpoint.href,
      S3_BUCKET: bucket,
      S3_ACCESS_KEY_ID: store.accessKey,
      S3_SECRET_ACCESS_KEY: store.secretKey,
    },
  });

const rules = async () =>
  (await s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket }))).Rules ?? [];

describe('the bucket one-shot', () => {
  it('makes the bucket with a rule that expires staging uploads after a day', async () => {
    const { stdout } = await oneShot();
    expect(stdout).toMatch(/staging uploads expire after a day/);
    const [rule] = await rules();
    expect(rule).toMatchObject({
      ID: 'harita-staging-uploads',
      Status: 'Enabled',
      Filter: { Prefix: 'uploads/' },
      Expiration: { Days: 1 },
      AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
    });
  });

  it("run again, keeps the bucket's other rules and its own rule once", async () => {
    await s3.send(
      new PutBucketLifecycleConfigurationCommand({
        Bucket: bucket,
        LifecycleConfiguration: {
          Rules: [
            {
              ID: 'operators-own',
              Status: 'Enabled',
              Filter: { Prefix: 'scratch/' },
              Expiration: { Days: 7 },
            },
          ],
        },
      }),
    );
    await oneShot();
    await oneShot();
    expect((await rules()).map((rule) => rule.ID).sort()).toEqual([
      'harita-staging-uploads',
      'operators-own',
    ]);
  });
});
