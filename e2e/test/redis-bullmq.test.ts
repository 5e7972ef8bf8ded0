import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue, QueueEvents, Worker, type Job as BullJob } from 'bullmq';
import type { Redis } from 'ioredis';
import { QUEUE_NAME, QueuedJob } from '@harita/queue';
import { RedisContainer, type StartedRedisContainer } from '../src/services/redis.js';

// A BullMQ round trip on the Redis from REDIS_IMAGE, with the queue name and job data contract the
// functions and the worker share.
let redis: StartedRedisContainer | undefined;
const connections: Redis[] = [];
const closers: { close(): Promise<void> }[] = [];

function started(): StartedRedisContainer {
  if (!redis) throw new Error('Redis did not start');
  return redis;
}

/** BullMQ wants its own connection per queue, worker and events listener. */
function connection(): Redis {
  const c = started().connect({ maxRetriesPerRequest: null });
  connections.push(c);
  return c;
}

function track<T extends { close(): Promise<void> }>(thing: T): T {
  closers.push(thing);
  return thing;
}

function ndviJob(tenantId = randomUUID()): QueuedJob {
  return {
    job_id: randomUUID(),
    tenant_id: tenantId,
    type: 'ndvi',
    params: { input: { dataset_id: randomUUID(), file: 'scene.tif' }, red_band: 3, nir_band: 4 },
  };
}

beforeAll(async () => {
  redis = await new RedisContainer().start();
});

async function closeAll(): Promise<void> {
  for (const c of closers.splice(0).reverse()) await c.close();
  for (const c of connections.splice(0)) c.disconnect();
}

afterAll(async () => {
  await closeAll();
  await redis?.stop();
});

describe('BullMQ on the Redis container', () => {
  it('refuses a connection without the password', async () => {
    const anonymous = started().connect({ password: undefined, retryStrategy: () => null });
    const errors: Error[] = [];
    anonymous.on('error', (error: Error) => errors.push(error));
    try {
      await expect(anonymous.ping()).rejects.toThrow(/NOAUTH/);
      expect(errors.map((e) => e.message).join('\n')).toMatch(/NOAUTH/);
    } finally {
      anonymous.disconnect();
    }
  });

  it('carries a job from a queue to a worker and its result back to a listener', async () => {
    const name = `${QUEUE_NAME}-roundtrip`;
    const queue = track(new Queue<QueuedJob>(name, { connection: connection() }));
    const events = track(new QueueEvents(name, { connection: connection() }));
    await events.waitUntilReady();
    const seen: QueuedJob[] = [];
    track(
      new Worker<QueuedJob, { pixels: number }>(
        name,
        async (job: BullJob<QueuedJob>) => {
          const data = QueuedJob.parse(job.data);
          seen.push(data);
          await job.updateProgress(50);
          return { pixels: 10980 * 10980 };
        },
        { connection: connection() },
      ),
    );

    const data = ndviJob();
    const job = await queue.add(data.type, data, { jobId: data.job_id });
    expect(job.id).toBe(data.job_id);
    const result: unknown = await job.waitUntilFinished(events, 30_000);
    expect(result).toEqual({ pixels: 120_560_400 });
    expect(seen).toEqual([data]);
    const finished = await queue.getJob(data.job_id);
    expect(finished?.progress).toBe(50);
    expect(await finished?.getState()).toBe('completed');
  });

  it('treats a repeated enqueue of the same job id as a no-op', async () => {
    const name = `${QUEUE_NAME}-idempotent`;
    const queue = track(new Queue<QueuedJob>(name, { connection: connection() }));
    const data = ndviJob();
    const first = await queue.add(data.type, data, { jobId: data.job_id });
    const second = await queue.add(
      data.type,
      { ...data, tenant_id: randomUUID() },
      { jobId: data.job_id },
    );
    expect(second.id).toBe(first.id);
    expect((await queue.getJob(data.job_id))?.data).toEqual(data);
    expect(await queue.getJobCounts('waiting')).toEqual({ waiting: 1 });
  });

  it('retries a failed attempt with backoff and then succeeds', async () => {
    const name = `${QUEUE_NAME}-retry`;
    const queue = track(new Queue<QueuedJob>(name, { connection: connection() }));
    const events = track(new QueueEvents(name, { connection: connection() }));
    await events.waitUntilReady();
    let calls = 0;
    track(
      new Worker<QueuedJob>(
        name,
        () => {
          calls += 1;
          if (calls === 1) throw new Error('object store answered 503');
          return Promise.resolve('ok');
        },
        { connection: connection() },
      ),
    );
    const data = ndviJob();
    const job = await queue.add(data.type, data, {
      jobId: data.job_id,
      attempts: 3,
      backoff: { type: 'exponential', delay: 100 },
    });
    expect(await job.waitUntilFinished(events, 30_000)).toBe('ok');
    const done = await queue.getJob(data.job_id);
    expect(done?.attemptsMade).toBe(2);
    expect(calls).toBe(2);
  });

  it('keeps queued jobs across a Redis restart (append-only file on)', async () => {
    const name = `${QUEUE_NAME}-durable`;
    const queue = new Queue<QueuedJob>(name, { connection: connection() });
    const data = ndviJob();
    await queue.add(data.type, data, { jobId: data.job_id });
    // The restarted container listens on a new host port: the old connections have nowhere to go.
    await queue.close();
    await closeAll();

    await started().restart({ timeout: 10_000 });
    const after = track(new Queue<QueuedJob>(name, { connection: connection() }));
    const job = await after.getJob(data.job_id);
    expect(job?.data).toEqual(data);
    expect(await job?.getState()).toBe('waiting');
  });
});
