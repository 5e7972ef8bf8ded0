import { QueuedJob } from '@harita/contracts';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { admit, withdraw } from './tenant-fairness.js';

export { TenantQueueFullError } from './tenant-fairness.js';

export interface EnqueueOptions {
  /** The tenant's cap on queued jobs. */
  maxQueued: number;
  /** BullMQ attempts for transient failures (default 3, backing off from 5 s). */
  attempts?: number;
}

/**
 * Enqueues a job the fair way: checked against the contract, admitted under its tenant's cap, at
 * the priority its place among that tenant's queued jobs gives. Its BullMQ id is its uuid, so
 * enqueueing it again is a no-op.
 */
export async function enqueueJob(
  queue: Queue,
  redis: Redis,
  job: QueuedJob,
  options: EnqueueOptions,
): Promise<void> {
  const data = QueuedJob.parse(job);
  const priority = await admit(redis, data.tenant_id, data.job_id, options.maxQueued);
  try {
    await queue.add(data.type, data, {
      jobId: data.job_id,
      priority,
      attempts: options.attempts ?? 3,
      backoff: { type: 'exponential', delay: 5000 },
      removeOnComplete: { age: 7 * 24 * 3600 },
      removeOnFail: { age: 30 * 24 * 3600 },
    });
  } catch (error) {
    await withdraw(redis, data.tenant_id, data.job_id);
    throw error;
  }
}
