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

/**
 * The API's answer to a job event: whether it moved the job, and the job's status after it. A
 * job that has already ended takes no more events: a worker told so at a run's start does not
 * run it again (Redis can hand out a job twice after losing its last writes).
 */
export const JobEventAnswer = z.object({ applied: z.boolean(), status: JobStatus });
export type JobEventAnswer = z.infer<typeof JobEventAnswer>;
