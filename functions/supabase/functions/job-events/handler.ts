import { JobEvent, type JobEventAnswer, type JobStatus } from '@harita/contracts';
import { authenticateService } from '../_shared/auth.ts';
import { asService } from '../_shared/db.ts';
import { ApiError, errorResponse, json, notFound, parseWith, readJson } from '../_shared/http.ts';
import { assertResultKey } from '../_shared/result-keys.ts';
import { segments } from '../_shared/route.ts';
import { getServices } from '../_shared/services.ts';

const ENDED: readonly JobStatus[] = ['succeeded', 'failed', 'canceled'];

/**
 * The worker's job events (internal: the service role only). Idempotent: an event is kept once
 * per (job, attempt, sequence). A job's status only moves forward (queued, running, then one
 * terminal status it never leaves), and its progress never goes back within a status. A job
 * that has ended takes no more events. The answer, `{applied, status}`, gives the job's status
 * after the event: a worker starting a job that has already ended does not run it. Refused:
 * 404 for no such job, 409 for another tenant's, 422 `result_key_outside_job` for a result key
 * outside the job's folder (tenants/{tenant}/jobs/{job}/).
 */
export async function handleJobEvents(request: Request): Promise<Response> {
  try {
    const s = getServices();
    await authenticateService(request, s.config);
    if (segments(request, 'job-events').length > 0) throw notFound('this path');
    if (request.method !== 'POST')
      throw new ApiError(405, 'method_not_allowed', 'POST job events here');
    const event = parseWith(JobEvent, await readJson(request, s.config.MAX_BODY_BYTES));
    const answer = await asService(s.sql, async (tx): Promise<JobEventAnswer> => {
      // Ids compared as uuids, not as strings: one id has one meaning however it is spelt.
      const [job] = await tx.unsafe<{ tenant_id: string; status: JobStatus; owned: boolean }[]>(
        'select tenant_id, status, tenant_id = $2::uuid as owned from public.jobs where id = $1::uuid for update',
        [event.job_id, event.tenant_id],
      );
      if (!job) throw notFound(`job ${event.job_id}`);
      if (!job.owned)
        throw new ApiError(
          409,
          'conflict',
          `job ${event.job_id} is not tenant ${event.tenant_id}'s`,
        );
      if (ENDED.includes(job.status)) return { applied: false, status: job.status };
      for (const result of event.results ?? [])
        assertResultKey(result.key, job.tenant_id, event.job_id);
      const inserted = await tx.unsafe(
        `insert into public.job_events (job_id, tenant_id, attempt, sequence, status, progress, error, results, at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9) on conflict do nothing returning job_id`,
        [
          event.job_id,
          event.tenant_id,
          event.attempt,
          event.sequence,
          event.status,
          event.progress,
          event.error ? tx.json(event.error) : null,
          event.results ? tx.json(event.results as never) : null,
          event.at,
        ],
      );
      if (inserted.length === 0) return { applied: false, status: job.status };
      const [updated] = await tx.unsafe<{ status: JobStatus }[]>(
        `update public.jobs set
           status = $2,
           progress = case when $2 = 'succeeded' then 100 when status = $2 then greatest(progress, $3) else $3 end,
           error = case when $2 in ('failed', 'canceled') then $4::jsonb else error end,
           results = coalesce($5::jsonb, results),
           attempts = greatest(attempts, $6),
           started_at = coalesce(started_at, case when $2 = 'running' then $7::timestamptz end),
           finished_at = case when $2 in ('succeeded', 'failed', 'canceled') then $7::timestamptz else finished_at end,
           updated_at = now()
         where id = $1 and status not in ('succeeded', 'failed', 'canceled')
           and (status = 'queued' or $2 <> 'queued')
         returning status`,
        [
          event.job_id,
          event.status,
          event.progress,
          event.error ? tx.json(event.error) : null,
          event.results ? tx.json(event.results as never) : null,
          event.attempt,
          event.at,
        ],
      );
      return updated
        ? { applied: true, status: updated.status }
        : { applied: false, status: job.status };
    });
    return json(answer);
  } catch (error) {
    return errorResponse(error);
  }
}
