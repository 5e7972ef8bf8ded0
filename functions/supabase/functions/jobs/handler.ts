import { JobRequest, JOB_STATUSES, JOB_TYPES, type JobResult } from '@harita/contracts';
import { z } from 'zod';
import { authenticateUser } from '../_shared/auth.ts';
import { asUser, sqlState, type Transaction } from '../_shared/db.ts';
import {
  ApiError,
  badRequest,
  errorResponse,
  json,
  notFound,
  parseWith,
  readJson,
} from '../_shared/http.ts';
import { modelServing } from '../_shared/model-serving.ts';
import { pageFrom, pageOf } from '../_shared/paging.ts';
import { resultKeyFault } from '../_shared/result-keys.ts';
import { isUuid, segments } from '../_shared/route.ts';
import { getServices, type Services } from '../_shared/services.ts';
import { submission } from '../_shared/submission.ts';
import { checkBands, checkExpression, checkModel } from './checks.ts';

export const JobCreate = z.intersection(
  JobRequest,
  z.object({ priority: z.enum(['high', 'normal', 'low']).default('normal') }),
);

const COLUMNS =
  'id, tenant_id, type, params, priority, status, progress, error, results, attempts, created_at, updated_at, started_at, finished_at';

interface JobRow {
  id: string;
  status: string;
  results: JobResult[];
  [column: string]: unknown;
}

async function visibleJob(tx: Transaction, id: string): Promise<JobRow> {
  const [row] = await tx.unsafe<JobRow[]>(`select ${COLUMNS} from public.jobs where id = $1`, [id]);
  if (!row) throw notFound(`job ${id}`);
  return row;
}

/**
 * A job as a client sees it: each result with a presigned GET URL that expires. A stored key
 * outside the job's own folder is never signed: that result says it is unavailable instead.
 */
async function withResultUrls(job: JobRow, s: Services): Promise<JobRow> {
  const expires = new Date(Date.now() + s.config.RESULT_URL_SECONDS * 1000).toISOString();
  const results = await Promise.all(
    job.results.map(async (result) =>
      resultKeyFault(result.key, String(job['tenant_id']), job.id)
        ? {
            ...result,
            error: {
              code: 'result_unavailable',
              message: "this result's key is outside the job's folder; it is not served",
            },
          }
        : {
            ...result,
            url: await s.storage.presignGet(result.key, s.config.RESULT_URL_SECONDS),
            expires_at: expires,
          },
    ),
  );
  return { ...job, results };
}

/** The SQLSTATE of the jobs table's trigger past the tenant's cap on queued jobs. */
const QUEUED_CAP_REACHED = 'HQ429';

async function create(request: Request, s: Services, claims: object): Promise<Response> {
  const body = parseWith(JobCreate, await readJson(request, s.config.MAX_BODY_BYTES));
  const { priority, ...job } = body;
  // What needs no database first: the expression's grammar, then the model as served (outside
  // the transaction, which no call to another service should hold open).
  checkExpression(job);
  await checkModel(
    job,
    modelServing(s.config),
    AbortSignal.timeout(s.config.SYNC_INFERENCE_TIMEOUT_SECONDS * 1000),
  );
  const input = 'input' in job.params ? job.params.input : undefined;
  const created = await asUser(s.sql, claims, async (tx) => {
    if (input) {
      const [dataset] = await tx.unsafe<
        { status: string; file: string; band_count: number | null }[]
      >('select status, file, band_count from public.datasets where id = $1', [input.dataset_id]);
      if (!dataset) throw notFound(`dataset ${input.dataset_id}`);
      if (dataset.status !== 'ready')
        throw new ApiError(
          409,
          'dataset_not_ready',
          `dataset ${input.dataset_id} is ${dataset.status}; complete its upload first`,
        );
      if (dataset.file !== input.file)
        throw badRequest(`dataset ${input.dataset_id} holds ${dataset.file}, not ${input.file}`);
      if (dataset.band_count !== null) checkBands(job, input.dataset_id, dataset.band_count);
    }
    // Recording the row is the whole submission: the dispatcher enqueues it once committed, and
    // the row's trigger refuses it past the tenant's cap on queued jobs. A tenant the platform
    // never registered fails the row's foreign key, which the transaction answers with 403.
    const [row] = await tx
      .unsafe<JobRow[]>(
        `insert into public.jobs (type, params, priority) values ($1, $2, $3) returning ${COLUMNS}`,
        [job.type, tx.json(job.params as never), priority],
      )
      .catch((error: unknown) => {
        if (sqlState(error) !== QUEUED_CAP_REACHED) throw error;
        throw new ApiError(
          429,
          'quota_exceeded',
          `your tenant has ${(error as { detail?: string }).detail ?? 'its limit of'} jobs queued, its limit: wait for some to finish`,
          { 'retry-after': '30' },
        );
      });
    return row!;
  });
  return json(created, 201, { location: `/functions/v1/jobs/${created.id}` });
}

async function list(url: URL, s: Services, claims: object): Promise<Response> {
  const page = pageOf(url);
  const status = url.searchParams.get('status');
  const type = url.searchParams.get('type');
  if (status !== null && !(JOB_STATUSES as readonly string[]).includes(status)) {
    throw badRequest(`status must be one of ${JOB_STATUSES.join(', ')}`);
  }
  if (type !== null && !(JOB_TYPES as readonly string[]).includes(type))
    throw badRequest(`type must be one of ${JOB_TYPES.join(', ')}`);
  const rows = await asUser(s.sql, claims, (tx) =>
    tx.unsafe<(JobRow & { cursor_at: string })[]>(
      `select ${COLUMNS}, to_json(created_at) #>> '{}' as cursor_at from public.jobs
       where ($1::text is null or status = $1) and ($2::text is null or type = $2)
         and ($3::timestamptz is null or (created_at, id) < ($3::timestamptz, $4::uuid))
       order by created_at desc, id desc limit $5`,
      [status, type, page.after?.created_at ?? null, page.after?.id ?? null, page.limit + 1],
    ),
  );
  return json(pageFrom(rows, page.limit));
}

async function cancel(s: Services, claims: object, id: string): Promise<Response> {
  const job = await asUser(s.sql, claims, async (tx) => {
    const [row] = await tx.unsafe<JobRow[]>(
      `update public.jobs set status = 'canceled', finished_at = now(), updated_at = now()
       where id = $1 and status in ('queued', 'running') returning ${COLUMNS}`,
      [id],
    );
    if (row) return row;
    const existing = await visibleJob(tx, id);
    throw new ApiError(
      409,
      'conflict',
      `job ${id} has already ${existing.status === 'canceled' ? 'been canceled' : existing.status}`,
    );
  });
  return json(job, 202);
}

/**
 * /jobs: POST records a job for the dispatcher to enqueue (429 with Retry-After past the tenant's
 * quota); GET lists (cursor paging, ?status, ?type); GET /{id} reads one with expiring result URLs;
 * POST /{id}/cancel cancels it, which the dispatcher relays to the workers. All under the caller's
 * tenant, and all in Postgres alone.
 */
export async function handleJobs(request: Request): Promise<Response> {
  try {
    const s = getServices();
    const caller = await authenticateUser(request, s.config);
    const [id, action, ...rest] = segments(request, 'jobs');
    if (rest.length > 0 || id === '..') throw notFound('this path');
    if (id !== undefined && !isUuid(id)) throw notFound(`job ${id}`);
    if (request.method === 'POST' && id === undefined)
      return await submission(request, s, caller.tenantId, 'jobs', (forward) =>
        create(forward, s, caller.claims),
      );
    if (request.method === 'POST' && id && action === 'cancel')
      return await cancel(s, caller.claims, id);
    if (request.method === 'GET' && id === undefined)
      return await list(new URL(request.url), s, caller.claims);
    if (request.method === 'GET' && id && action === undefined) {
      const job = await asUser(s.sql, caller.claims, (tx) => visibleJob(tx, id));
      return json(await withResultUrls(job, s));
    }
    throw new ApiError(405, 'method_not_allowed', `${request.method} is not served here`);
  } catch (error) {
    return errorResponse(error);
  }
}
