import { z } from 'zod';
import { JobRequest } from './job.ts';
import { Uuid } from './ids.ts';

/** The BullMQ queue the functions enqueue to and the worker consumes. */
export const JOB_QUEUE_NAME = 'harita-jobs';

/**
 * The data of a BullMQ job. Its BullMQ id is `job_id`, so enqueueing the same job twice is a
 * no-op.
 */
export const QueuedJob = z.intersection(JobRequest, z.object({ job_id: Uuid, tenant_id: Uuid }));
export type QueuedJob = z.infer<typeof QueuedJob>;
