import { JobRequest, Uuid } from '@harita/contracts';
import { z } from 'zod';

/**
 * The data of a BullMQ job: the request as the API accepted it, and whose it is. Its BullMQ id is
 * `job_id`, the job row's uuid, so enqueueing the same job twice is a no-op.
 */
export const QueuedJob = z.intersection(JobRequest, z.object({ job_id: Uuid, tenant_id: Uuid }));
export type QueuedJob = z.infer<typeof QueuedJob>;

/** The ids a job's data names, read even when the rest of it is invalid. */
export const JobOwner = z.object({ job_id: Uuid, tenant_id: Uuid });
export type JobOwner = z.infer<typeof JobOwner>;
