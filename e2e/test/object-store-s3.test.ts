import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CopyConditions, S3Error } from 'minio';
import type { BucketItem, BucketStream, Client } from 'minio';
import { datasetKey, resultKey } from '@harita/contracts';
import { readAll, randomStream, sha256Of } from '../src/bytes.js';
import {
  ObjectStoreContainer,
  type StartedObjectStoreContainer,
} from '../src/services/object-store.js';

// The S3 calls the kit makes, checked against the object store from OBJECT_STORE_IMAGE.
const tenant = '0b9f4a4e-3c1d-4c55-9b1e-6d7f0c2a1e01';
const dataset = '5d1c2b3a-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
const job = '7e6d5c4b-3a29-4180-9f7e-6d5c4b3a2918';
const bucket = 'harita-e2e';

let store: StartedObjectStoreContainer;
let s3: Client;
const cleanup: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  store = await new ObjectStoreContainer().start();
  cleanup.push(() => store.stop());
  s3 = store.client();
  await s3.makeBucket(bucket);
});

afterAll(async () => {
  for (const step of cleanup.reverse()) await step();
});

async function listed(stream: BucketStream<BucketItem>): Promise<BucketItem[]> {
  return (await stream.toArray()) as BucketItem[];
}

async function s3ErrorOf(call: Promise<unknown>): Promise<S3Error> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, 'the call should have been refused').toBeInstanceOf(S3Error);
  return error as S3Error;
}

describe('S3 conformance of the object store', () => {
  it('makes a bucket and reports it', async () => {
    expect(await s3.bucketExists(bucket)).toBe(true);
    expect(await s3.bucketExists('harita-no-such-bucket')).toBe(false);
    expect((await s3.listBuckets()).map((b) => b.name)).toContain(bucket);
  });

  it('puts and gets back a 100 MB object through a multipart upload, byte for byte', async () => {
    const key = datasetKey(tenant, dataset, 'scene.tif');
    const size = 100 * 1024 * 1024;
    const source = randomStream(size);
    // 16 MiB parts: seven parts, so the upload really is multipart.
    const multipart = store.client({ partSize: 16 * 1024 * 1024 });
    await multipart.putObject(bucket, key, source.stream, size, { 'Content-Type': 'image/tiff' });

    const stat = await s3.statObject(bucket, key);
    expect(stat.size).toBe(size);
    // A multipart ETag names its part count after a dash.
    expect(stat.etag).toMatch(/-7$/);
    const back = await sha256Of(await s3.getObject(bucket, key));
    expect(back).toEqual({ sha256: source.sha256(), bytes: size });
  });

  it('stats an object with its size, type and user metadata', async () => {
    const key = resultKey(tenant, job, 'summary.json');
    const body = Buffer.from(JSON.stringify({ ndvi: { mean: 0.42 } }));
    await s3.putObject(bucket, key, body, body.length, {
      'Content-Type': 'application/json',
      'X-Amz-Meta-Sha256': 'abc123',
    });
    const stat = await s3.statObject(bucket, key);
    expect(stat.size).toBe(body.length);
    expect(stat.metaData['content-type']).toBe('application/json');
    expect(stat.metaData.sha256).toBe('abc123');
    expect(stat.lastModified.getTime()).toBeGreaterThan(Date.now() - 60 * 60 * 1000);
  });

  it('lists objects under a prefix, recursively or one level at a time', async () => {
    const keys = ['a.tif', 'b.tif', 'c.tif'].map((f) =>
      datasetKey(tenant, '11111111-2222-4333-8444-555555555555', f),
    );
    for (const key of keys) await s3.putObject(bucket, key, Buffer.from(key));

    const objects = await listed(
      s3.listObjectsV2(bucket, `tenants/${tenant}/datasets/11111111`, true),
    );
    expect(objects.map((o) => o.name).sort()).toEqual(keys.sort());

    const folders = await listed(s3.listObjectsV2(bucket, `tenants/${tenant}/`, false));
    expect(folders.map((f) => f.prefix).sort()).toEqual([
      `tenants/${tenant}/datasets/`,
      `tenants/${tenant}/jobs/`,
    ]);
  });

  it('reads a byte range, as a COG reader does', async () => {
    const key = datasetKey(tenant, dataset, 'ranges.bin');
    const body = randomBytes(256 * 1024);
    await s3.putObject(bucket, key, body, body.length);
    const middle = await readAll(await s3.getPartialObject(bucket, key, 1000, 5000));
    expect(middle.equals(body.subarray(1000, 6000))).toBe(true);
    const tail = await readAll(await s3.getPartialObject(bucket, key, body.length - 16));
    expect(tail.equals(body.subarray(body.length - 16))).toBe(true);
  });

  it('serves a presigned GET to plain fetch, and refuses it once expired', async () => {
    const key = resultKey(tenant, job, 'ndvi.tif');
    const body = randomBytes(64 * 1024);
    await s3.putObject(bucket, key, body, body.length);

    const url = await s3.presignedGetObject(bucket, key, 60);
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(Buffer.from(await response.arrayBuffer()).equals(body)).toBe(true);

    const shortLived = await s3.presignedGetObject(bucket, key, 1);
    await sleep(2_500);
    expect((await fetch(shortLived)).status).toBe(403);
  });

  it('accepts an upload by presigned PUT from plain fetch', async () => {
    const key = datasetKey(tenant, dataset, 'uploaded.tif');
    const body = randomBytes(3 * 1024 * 1024 + 17);
    const url = await s3.presignedPutObject(bucket, key, 300);
    const response = await fetch(url, { method: 'PUT', body });
    expect(response.status).toBe(200);
    const back = await sha256Of(await s3.getObject(bucket, key));
    expect(back).toEqual(await sha256Of([body]));
  });

  it('refuses a presigned PUT whose signature was tampered with', async () => {
    const url = new URL(
      await s3.presignedPutObject(bucket, datasetKey(tenant, dataset, 'x.tif'), 300),
    );
    url.pathname = url.pathname.replace('x.tif', 'y.tif');
    const response = await fetch(url, { method: 'PUT', body: 'not allowed' });
    expect(response.status).toBe(403);
    const error = await s3ErrorOf(s3.statObject(bucket, datasetKey(tenant, dataset, 'y.tif')));
    expect(error.code).toBe('NotFound');
  });

  it('copies an object server-side', async () => {
    const from = resultKey(tenant, job, 'ndvi.partial');
    const to = resultKey(tenant, job, 'ndvi.final');
    const body = randomBytes(1024 * 1024);
    await s3.putObject(bucket, from, body, body.length);
    await s3.copyObject(bucket, to, `/${bucket}/${from}`, new CopyConditions());
    expect(await sha256Of(await s3.getObject(bucket, to))).toEqual(await sha256Of([body]));
  });

  it('removes objects, after which they are gone', async () => {
    const one = resultKey(tenant, job, 'r1');
    const others = ['r2', 'r3'].map((a) => resultKey(tenant, job, a));
    const keys = [one, ...others];
    for (const key of keys) await s3.putObject(bucket, key, Buffer.from('x'));
    await s3.removeObject(bucket, one);
    await s3.removeObjects(bucket, others);
    for (const key of keys) {
      expect((await s3ErrorOf(s3.statObject(bucket, key))).code).toBe('NotFound');
    }
    expect((await s3ErrorOf(s3.getObject(bucket, one))).code).toBe('NoSuchKey');
  });

  it('rejects a client with the wrong secret key', async () => {
    const intruder = store.client({ secretKey: 'not-the-secret-key' });
    const error = await s3ErrorOf(listed(intruder.listObjectsV2(bucket, '', true)));
    expect(error.code).toBe('SignatureDoesNotMatch');
    const put = await s3ErrorOf(
      intruder.putObject(bucket, resultKey(tenant, job, 'evil'), Buffer.from('x')),
    );
    expect(put.code).toBe('SignatureDoesNotMatch');
  });

  it('keeps its objects across a clean restart', async () => {
    const key = datasetKey(tenant, dataset, 'durable.bin');
    const body = randomBytes(2 * 1024 * 1024);
    await s3.putObject(bucket, key, body, body.length);
    // Ceph's memstore writes its objects out on a clean stop: give it the time.
    await store.restart({ timeout: 30_000 });
    s3 = store.client();
    expect(await sha256Of(await s3.getObject(bucket, key))).toEqual(await sha256Of([body]));
  });
});
