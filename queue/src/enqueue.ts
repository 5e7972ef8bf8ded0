import type { Queue } from 'bullmq';
import type { Cluster, Redis } from 'ioredis';
import { admit, withdraw } from './fairness.ts';
import { QueuedJob, type JobOwner } from './job-data.ts';
import { bullmqPriority, type RequestPriority } from './priority.ts';

/** A job to enqueue, as its row holds it, with the priority its request asked for. */
export interface Enqueueable {
  job: JobOwner & { type: string; params: unknown };
  priority: RequestPriority;
}

/** Tries of a job that fails transiently, backing off from 5 s with jitter between them. */
export const JOB_ATTEMPTS = 3;

/** BullMQ's options for every job: retries, and how long finished jobs stay to answer repeats. */
const JOB_OPTIONS = {
  attempts: JOB_ATTEMPTS,
  backoff: { type: 'exponential', delay: 5000, jitter: 0.5 },
  // A finished job stays, so enqueueing its id again (a dispatcher retrying) stays a no-op.
  removeOnComplete: { age: 7 * 24 * 3600 },
  removeOnFail: { age: 30 * 24 * 3600 },
} as const;

/**
 * Enqueues jobs the fair way, each under its BullMQ id = its row's uuid: placed in its tenant's
 * queue, at the priority that place and its request give. A job BullMQ already holds is left as it
 * is, so enqueueing again is a no-op. A job that does not match the contract (a row written past
 * the API, a contract changed since) is enqueued as it is, for the worker to fail with
 * `invalid_params` and tell its owner: one bad row never holds back the others.
 * @returns the ids newly enqueued
 * @throws Redis' errors when it does not answer (then none of the batch is enqueued, and none
 *   stays admitted)
 */
export async function enqueueJobs(
  queue: Queue,
  redis: Redis | Cluster,
  batch: readonly Enqueueable[],
): Promise<string[]> {
  const jobs = batch.map(({ job, priority }) => ({
    data: QueuedJob.safeParse(job).data ?? job,
    priority,
  }));
  const positions = await Promise.all(
    jobs.map(({ data }) => admit(redis, data.tenant_id, data.job_id)),
  );
  const fresh = jobs.flatMap((job, i) =>
    positions[i] ? [{ ...job, position: positions[i] }] : [],
  );
  if (fresh.length === 0) return [];
  try {
    await queue.addBulk(
      fresh.map(({ data, priority, position }) => ({
        name: data.type,
        data,
        opts: { ...JOB_OPTIONS, jobId: data.job_id, priority: bullmqPriority(position, priority) },
      })),
    );
  } catch (error) {
    await Promise.allSettled(fresh.map(({ data }) => withdraw(redis, data.tenant_id, data.job_id)));
    throw error;
  }
  return fresh.map(({ data }) => data.job_id);
}
