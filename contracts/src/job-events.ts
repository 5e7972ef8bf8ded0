import { z } from 'zod';
import { Uuid } from './ids.ts';
import { JobError, JobResult, JobStatus } from './job.ts';

/** Where the worker posts job events: the functions' internal endpoint, service role only. */
export const JOB_EVENTS_PATH = '/functions/v1/job-events';

/**
 * What the worker tells the API about a job. (job_id, attempt, sequence) identifies an event, so a
 * repeated post is a no-op; sequence orders the events of one attempt.
 */
export const JobEvent = z.object({
  job_id: Uuid,
  tenant_id: Uuid,
  attempt: z.number().int().positive(),
  sequence: z.number().int().nonnegative(),
  status: JobStatus,
  progress: z.number().int().min(0).max(100),
  results: z.array(JobResult).optional(),
  error: JobError.optional(),
  at: z.iso.datetime({ offset: true }),
});
export type JobEvent = z.infer<typeof JobEvent>;

/** Redis channel on which the API announces canceled job ids. */
export const JOB_CANCEL_CHANNEL = 'harita-jobs:cancel';
/** Redis key marking a job canceled before a worker took it (value: "1", with an expiry). */
export const jobCancelKey = (jobId: string): string => `harita-jobs:canceled:${jobId}`;
