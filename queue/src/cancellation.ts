import type { Cluster, Redis } from 'ioredis';
import { queueKey } from './names.ts';

/** The channel on which canceled job ids are announced to the workers running them. */
export const CANCEL_CHANNEL = queueKey('cancel');

/** How long a cancel marker outlives its signal: longer than any job waits in the queue. */
const CANCEL_MARKER_SECONDS = 7 * 24 * 3600;

/** The key marking a job canceled, for the worker that takes it later (value "1", expiring). */
export const cancelKey = (jobId: string): string => queueKey('canceled', jobId);

/**
 * Tells the workers a job is canceled: a queued job is skipped when it comes up, a running one
 * stops. Marker first, so a worker that takes the job after the announcement still sees it.
 */
export async function signalCancel(redis: Redis | Cluster, jobId: string): Promise<void> {
  await redis.set(cancelKey(jobId), '1', 'EX', CANCEL_MARKER_SECONDS);
  await redis.publish(CANCEL_CHANNEL, jobId);
}

/** Whether the job was canceled before a worker took it. */
export async function isCanceled(redis: Redis | Cluster, jobId: string): Promise<boolean> {
  return (await redis.exists(cancelKey(jobId))) === 1;
}
