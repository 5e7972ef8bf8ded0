import { authenticateUser } from '../_shared/auth.ts';
import { asUser } from '../_shared/db.ts';
import { ApiError, errorResponse, json, notFound } from '../_shared/http.ts';
import { pageFrom, pageOf } from '../_shared/paging.ts';
import { isUuid, segments } from '../_shared/route.ts';
import { getServices, type Services } from '../_shared/services.ts';
import { submission } from '../_shared/submission.ts';
import { handleSweep } from '../_shared/upload-sweep.ts';
import { complete } from './complete.ts';
import { create } from './create.ts';
import { COLUMNS, visibleDataset } from './rows.ts';

export { DatasetCreate, TIFF_TYPES } from './create.ts';

async function list(url: URL, s: Services, claims: object): Promise<Response> {
  const page = pageOf(url);
  const status = url.searchParams.get('status');
  if (status !== null && !['pending', 'ready', 'rejected'].includes(status)) {
    throw new ApiError(400, 'invalid_request', 'status must be pending, ready or rejected');
  }
  const rows = await asUser(s.sql, claims, (tx) =>
    tx.unsafe<({ cursor_at: string; id: string } & Record<string, unknown>)[]>(
      `select ${COLUMNS}, to_json(created_at) #>> '{}' as cursor_at from public.datasets
       where ($1::text is null or status = $1)
         and ($2::timestamptz is null or (created_at, id) < ($2::timestamptz, $3::uuid))
       order by created_at desc, id desc limit $4`,
      [status, page.after?.created_at ?? null, page.after?.id ?? null, page.limit + 1],
    ),
  );
  return json(pageFrom(rows, page.limit));
}

/**
 * /datasets: POST creates a dataset and a presigned upload URL (rate limited, Idempotency-Key);
 * POST /{id}/complete validates the upload; GET lists (cursor paging, ?status); GET /{id} reads
 * one. All under the caller's tenant. POST /sweep is the service role's upload sweep.
 */
export async function handleDatasets(request: Request): Promise<Response> {
  try {
    const s = getServices();
    const [id, action, ...rest] = segments(request, 'datasets');
    if (id === 'sweep' && action === undefined) return await handleSweep(request, s);
    const caller = await authenticateUser(request, s.config);
    if (rest.length > 0 || id === '..') throw notFound('this path');
    if (id !== undefined && !isUuid(id)) throw notFound(`dataset ${id}`);
    if (request.method === 'POST' && id === undefined)
      return await submission(request, s, caller.tenantId, 'datasets', (forward) =>
        create(forward, s, caller.claims, caller.tenantId),
      );
    if (request.method === 'POST' && id && action === 'complete')
      return await complete(s, caller.claims, caller.tenantId, id);
    if (request.method === 'GET' && id === undefined)
      return await list(new URL(request.url), s, caller.claims);
    if (request.method === 'GET' && id && action === undefined) {
      return json(await asUser(s.sql, caller.claims, (tx) => visibleDataset(tx, id)));
    }
    throw new ApiError(405, 'method_not_allowed', `${request.method} is not served here`);
  } catch (error) {
    return errorResponse(error);
  }
}
