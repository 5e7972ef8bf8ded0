import {
  isConnectionError,
  JOB_CANCEL_CHANNEL,
  JOB_QUEUE_NAME,
  jobCancelKey,
  type QueuedJob,
} from '@harita/contracts';
import { enqueueJob, TenantQueueFullError } from '@harita/worker/enqueue';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { Config } from './config.ts';
import { ApiError } from './http.ts';
import { reachability } from './reachability.ts';

let connection: { redis: Redis; queue: Queue } | undefined;

/** One Redis connection and the BullMQ queue over it (BullMQ on Deno needs the caller's ioredis). */
export function jobQueue(config: Config): { redis: Redis; queue: Queue } {
  if (!connection) {
    const redis = new Redis({
      host: config.REDIS_HOST,
      port: config.REDIS_PORT,
      password: config.REDIS_PASSWORD,
      maxRetriesPerRequest: 2,
      connectTimeout: 5000,
    });
    // Each request that meets an outage answers 503; the log has one line per change of state.
    reachability.watch(redis, 'redis', 'queue');
    const queue = new Queue(JOB_QUEUE_NAME, { connection: redis });
    // BullMQ passes its connection's errors on to the queue, and prints them with their stack
    // where the queue has no listener; the client above reports connection errors already.
    queue.on('error', (error: Error) => {
      if (!isConnectionError(error))
        console.error(JSON.stringify({ msg: 'queue error', error: String(error.stack ?? error) }));
    });
    connection = { redis, queue };
  }
  return connection;
}

/** Enqueues a job under its tenant's cap on queued jobs: past it, 429 with Retry-After. */
export async function enqueue(
  config: Config,
  job: QueuedJob,
  maxQueued: number,
  priority: 'high' | 'normal' | 'low',
): Promise<void> {
  const { redis, queue } = jobQueue(config);
  try {
    await enqueueJob(queue, redis, job, { maxQueued, priority });
  } catch (error) {
    if (error instanceof TenantQueueFullError) {
      throw new ApiError(
        429,
        'quota_exceeded',
        `your tenant has ${String(maxQueued)} jobs queued, its limit: wait for some to finish`,
        { 'retry-after': '30' },
      );
    }
    throw new ApiError(
      503,
      'queue_unavailable',
      `the job queue did not answer: ${(error as Error).message}`,
      { 'retry-after': '5' },
    );
  }
}

/** Tells the workers: a queued job is skipped when it comes up, a running one stops. */
export async function signalCancel(config: Config, jobId: string): Promise<void> {
  const { redis } = jobQueue(config);
  await redis.set(jobCancelKey(jobId), '1', 'EX', 7 * 24 * 3600);
  await redis.publish(JOB_CANCEL_CHANNEL, jobId);
}

export async function closeQueue(): Promise<void> {
  if (!connection) return;
  await connection.queue.close();
  connection.redis.disconnect();
  connection = undefined;
}
