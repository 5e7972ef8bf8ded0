import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { jobQueue, type QueuedJob } from '@harita/queue';
import { fromContainer } from '../src/host-access.js';
import { JobEventsReceiver } from '../src/job-events-receiver.js';
import {
  ObjectStoreContainer,
  type StartedObjectStoreContainer,
} from '../src/services/object-store.js';
import { RedisContainer, type StartedRedisContainer } from '../src/services/redis.js';
import { WorkerContainer, type StartedWorkerContainer } from '../src/services/worker.js';

// The worker image as it ships: non-root, read-only root file system, talking to Redis and the
// object store over the container network and posting events to the host by a name every engine
// resolves (src/host-access.ts).
const KEY = 'service-role-key-for-the-image-suite';
const bucket = 'harita';
const image = process.env.WORKER_IMAGE ?? 'harita/worker:dev';
let redis: StartedRedisContainer;
let store: StartedObjectStoreContainer;
let receiver: JobEventsReceiver;
let worker: StartedWorkerContainer;
let connection: Redis;
let queue: Queue;

beforeAll(async () => {
  [redis, store, receiver] = await Promise.all([
    new RedisContainer().start(),
    new ObjectStoreContainer().start(),
    JobEventsReceiver.start(KEY),
  ]);
  await store.client().makeBucket(bucket);
  worker = await new WorkerContainer(image)
    .withEnvironment({
      REDIS_HOST: redis.getIpAddress('bridge'),
      REDIS_PASSWORD: redis.password,
      SUPABASE_URL: fromContainer(receiver.url),
      SUPABASE_SERVICE_ROLE_KEY: KEY,
      S3_ENDPOINT: `http://${store.getIpAddress('bridge')}:9000`,
      S3_BUCKET: bucket,
      S3_ACCESS_KEY_ID: store.accessKey,
      S3_SECRET_ACCESS_KEY: store.secretKey,
    })
    .start();
  connection = redis.connect({ maxRetriesPerRequest: null });
  queue = jobQueue(connection);
});

afterAll(async () => {
  await queue.close();
  connection.disconnect();
  await worker.stop();
  await receiver.close();
  await Promise.all([redis.stop(), store.stop()]);
});

describe('the worker image', () => {
  it('runs as uid 1000 with a healthcheck', () => {
    const config = JSON.parse(
      execFileSync('docker', ['image', 'inspect', image, '-f', '{{json .Config}}']).toString(),
    ) as { User: string; Healthcheck?: { Test: string[] } };
    expect(config.User).toBe('1000');
    expect(config.Healthcheck?.Test.join(' ')).toContain('/healthz');
    expect(execFileSync('docker', ['exec', worker.getId(), 'id', '-u']).toString().trim()).toBe(
      '1000',
    );
  });

  it('runs a job on a read-only root file system, libdeflate included', async () => {
    expect(() =>
      execFileSync('docker', ['exec', worker.getId(), 'touch', '/app/x'], { stdio: 'ignore' }),
    ).toThrow();
    const deflate = execFileSync('docker', [
      'exec',
      worker.getId(),
      'node',
      '-e',
      "import('@harita/raster').then((m) => console.log(m.deflateBackend))",
    ])
      .toString()
      .trim();
    expect(deflate).toBe('libdeflate');
    const tenant = randomUUID();
    const id = randomUUID();
    const job: QueuedJob = {
      type: 'buffer',
      params: {
        geojson: { type: 'Point', coordinates: [10, 50] },
        distance_m: 500,
        segments_per_quarter: 8,
      },
      job_id: id,
      tenant_id: tenant,
    };
    await queue.add('buffer', job, { jobId: id });
    await receiver.until(() => receiver.of(id).some((e) => e.status === 'succeeded'));
    const stat = await store
      .client()
      .statObject(bucket, `tenants/${tenant}/jobs/${id}/buffer.geojson`);
    expect(stat.size).toBeGreaterThan(100);
  });
});
