import { QueuedJob } from '@harita/contracts';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { admit, withdraw } from './tenant-fairness.ts';

export { TenantQueueFullError } from './tenant-fairness.ts';

export interface EnqueueOptions {
  /** The tenant's cap on queued jobs. */
  maxQueued: number;
  /** BullMQ attempts for transient failures (default 3, backing off from 5 s with jitter). */
  attempts?: number;
  /** The request's priority: it orders jobs of the same place in their tenants' queues. */
  priority?: 'high' | 'normal' | 'low';
}

const PRIORITY_BANDS = { high: 0, normal: 1, low: 2 } as const;

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
  const position = await admit(redis, data.tenant_id, data.job_id, options.maxQueued);
  // Fairness first (the place in the tenant's queue), then the request's own priority.
  const priority = Math.min(
    2_097_151,
    (position - 1) * 3 + PRIORITY_BANDS[options.priority ?? 'normal'] + 1,
  );
  try {
    await queue.add(data.type, data, {
      jobId: data.job_id,
      priority,
      attempts: options.attempts ?? 3,
      backoff: { type: 'exponential', delay: 5000, jitter: 0.5 },
      removeOnComplete: { age: 7 * 24 * 3600 },
      removeOnFail: { age: 30 * 24 * 3600 },
    });
  } catch (error) {
    await withdraw(redis, data.tenant_id, data.job_id);
    throw error;
  }
}
