import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobQueue } from '@harita/queue';
import { Redis } from 'ioredis';
import { defined } from '../src/defined.js';
import { JobEventsReceiver } from '../src/job-events-receiver.js';
import { smallBufferJob } from '../src/jobs.js';
import {
  ObjectStoreContainer,
  type StartedObjectStoreContainer,
} from '../src/services/object-store.js';
import { RedisContainer, type StartedRedisContainer } from '../src/services/redis.js';
import { freePort } from '../src/system.js';
import { WorkerProcess } from '../src/worker-process.js';

// Dependencies going away and coming back, read as a platform engineer reads the worker's log:
// one structured line when each becomes unreachable and one when it is back, never a stack trace
// per retry, and /readyz naming what is down.
const run = promisify(execFile);
const SERVICE_ROLE_KEY = 'service-role-key-for-the-dependencies-suite';
const bucket = 'harita';
const HEALTH = 'http://127.0.0.1:19410';
let redisPort: number;
let redis: StartedRedisContainer | undefined;
let store: StartedObjectStoreContainer;
let receiver: JobEventsReceiver;
let worker: WorkerProcess;

/** How many times the worker logged `message` about `dependency`. */
function count(message: string, dependency: string): number {
  return worker.records.filter((r) => r.msg === message && r.dependency === dependency).length;
}

async function until(what: string, predicate: () => Promise<boolean> | boolean): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function readiness(): Promise<{ code: number; body: Record<string, unknown> }> {
  const response = await fetch(`${HEALTH}/readyz`);
  return { code: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function runBufferJob(): Promise<void> {
  const connection = new Redis({
    host: '127.0.0.1',
    port: redisPort,
    password: 'harita-redis-password',
  });
  const queue = jobQueue(connection);
  const job = smallBufferJob(randomUUID());
  await queue.add(job.type, job, { jobId: job.job_id });
  await queue.close();
  connection.disconnect();
  await receiver.until(() => receiver.of(job.job_id).some((e) => e.status === 'succeeded'));
}

beforeAll(async () => {
  redisPort = await freePort();
  [store, receiver] = await Promise.all([
    new ObjectStoreContainer().start(),
    JobEventsReceiver.start(SERVICE_ROLE_KEY),
  ]);
  await store.client().makeBucket(bucket);
  worker = await WorkerProcess.start(env());
});

function env(): Record<string, string> {
  return {
    REDIS_HOST: '127.0.0.1',
    REDIS_PORT: String(redisPort),
    REDIS_PASSWORD: 'harita-redis-password',
    SUPABASE_URL: receiver.url,
    SUPABASE_SERVICE_ROLE_KEY: SERVICE_ROLE_KEY,
    S3_ENDPOINT: store.endpoint.href,
    S3_BUCKET: bucket,
    S3_ACCESS_KEY_ID: store.accessKey,
    S3_SECRET_ACCESS_KEY: store.secretKey,
    HEALTH_PORT: '19410',
  };
}

afterAll(async () => {
  await worker.stop();
  await receiver.close();
  await Promise.all([redis?.stop(), store.stop()]);
});

describe('the worker when its dependencies are down', () => {
  it('starts with Redis down: one line, /readyz names redis, no stack traces; then takes jobs once Redis is up', async () => {
    // ioredis retries many times in these seconds; each failure used to print a stack trace.
    await new Promise((resolve) => setTimeout(resolve, 4000));
    expect(count('redis unreachable, retrying', 'redis')).toBe(1);
    expect(worker.records.find((r) => r.dependency === 'redis')).toMatchObject({
      level: 40,
      reachable: false,
      reason: expect.stringContaining('ECONNREFUSED') as unknown,
    });
    const down = await readiness();
    expect(down.code).toBe(503);
    expect(down.body).toMatchObject({ status: 'not ready', failing: ['redis'] });
    expect(down.body['unreachable']).toContain('redis');
    expect(worker.stderr).not.toMatch(/Unhandled error event|ECONNREFUSED/);

    redis = await new RedisContainer().withHostPort(redisPort).start();
    await worker.logged('redis reachable again', 30_000);
    await until('readiness', async () => (await readiness()).code === 200);
    await runBufferJob();
    expect(count('redis reachable again', 'redis')).toBe(1);
  });

  it('reports Redis lost mid-run and back once each, and runs jobs again', async () => {
    await redis?.restart();
    await until('redis back', () => count('redis reachable again', 'redis') === 2);
    expect(count('redis unreachable, retrying', 'redis')).toBe(2);
    await runBufferJob();
  });

  it('reports the object store paused and back once each, with /readyz naming it meanwhile', async () => {
    await run('docker', ['pause', store.getId()]);
    try {
      await worker.logged('object-store unreachable, retrying', 20_000);
      const down = await readiness();
      expect(down.code).toBe(503);
      expect(down.body['failing']).toEqual(['object-store']);
    } finally {
      await run('docker', ['unpause', store.getId()]);
    }
    await worker.logged('object-store reachable again', 20_000);
    expect(count('object-store unreachable, retrying', 'object-store')).toBe(1);
    expect(count('object-store reachable again', 'object-store')).toBe(1);
  });

  it('reports the job-events endpoint failing and answering again once each', async () => {
    receiver.failNext = 3;
    await runBufferJob();
    expect(count('job-events unreachable, retrying', 'job-events')).toBe(1);
    expect(count('job-events reachable again', 'job-events')).toBe(1);
    expect(worker.records.find((r) => r.dependency === 'job-events')).toMatchObject({
      reason: 'HTTP 503',
    });
    expect((await readiness()).body).toEqual({ status: 'ready', failing: [], unreachable: [] });
  });

  it('stops on SIGTERM within its grace period when Redis is gone, and says so', async () => {
    await worker.stop();
    worker = await WorkerProcess.start({ ...env(), SHUTDOWN_GRACE_SECONDS: '2' });
    await until('readiness', async () => (await readiness()).code === 200);
    // Killed, not stopped: a crashed Redis, or a cluster's node that died, never confirms a close.
    await run('docker', ['kill', defined(redis, 'redis').getId()]);
    await worker.logged('redis unreachable, retrying', 10_000);
    const signalled = Date.now();
    worker.signal('SIGTERM');
    const code = await Promise.race([
      worker.exited,
      new Promise((resolve) => setTimeout(resolve, 30_000, 'still running after 30 s')),
    ]);
    expect(code).toBe(0);
    // The grace period, then SHUTDOWN_CLOSE_SECONDS (5 s) for Redis to confirm, and a margin.
    expect(Date.now() - signalled).toBeLessThan(2000 + 5000 + 3000);
    expect(worker.records.find((r) => r.msg === 'stopped without Redis confirming')).toMatchObject({
      level: 40,
      waitedSeconds: 7,
    });
  });
});
