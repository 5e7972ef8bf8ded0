import { datasetKey, ObjectName } from '@harita/contracts';
import { z } from 'zod';
import { authenticateUser } from '../_shared/auth.ts';
import { asService, asUser, type Transaction } from '../_shared/db.ts';
import { ApiError, errorResponse, json, notFound, parseWith, readJson } from '../_shared/http.ts';
import { pageFrom, pageOf } from '../_shared/paging.ts';
import { isUuid, segments } from '../_shared/route.ts';
import { getServices, type Services } from '../_shared/services.ts';
import { RasterHeaderError, readRasterHeader } from '../_shared/tiff-header.ts';

export const TIFF_TYPES = ['image/tiff', 'image/tiff; application=geotiff'] as const;

export const DatasetCreate = z.object({
  name: z.string().min(1).max(200),
  file: ObjectName,
  content_type: z.enum(TIFF_TYPES).default('image/tiff'),
  bytes: z.number().int().positive(),
});

const COLUMNS =
  'id, tenant_id, name, file, content_type, declared_bytes, status, bytes, width, height, band_count, data_type, epsg, error, created_at, updated_at';

interface DatasetRow {
  id: string;
  tenant_id: string;
  file: string;
  status: string;
  declared_bytes: string | number;
}

async function visibleDataset(tx: Transaction, id: string): Promise<DatasetRow> {
  const [row] = await tx.unsafe<DatasetRow[]>(
    `select ${COLUMNS} from public.datasets where id = $1`,
    [id],
  );
  if (!row) throw notFound(`dataset ${id}`);
  return row;
}

async function create(
  request: Request,
  s: Services,
  claims: object,
  tenantId: string,
): Promise<Response> {
  const body = parseWith(DatasetCreate, await readJson(request, s.config.MAX_BODY_BYTES));
  if (body.bytes > s.config.MAX_UPLOAD_BYTES) {
    throw new ApiError(
      413,
      'payload_too_large',
      `${String(body.bytes)} bytes is over the upload limit of ${String(s.config.MAX_UPLOAD_BYTES)}`,
    );
  }
  const dataset = await asUser(s.sql, claims, async (tx) => {
    const [row] = await tx.unsafe<DatasetRow[]>(
      `insert into public.datasets (name, file, content_type, declared_bytes) values ($1, $2, $3, $4) returning ${COLUMNS}`,
      [body.name, body.file, body.content_type, body.bytes],
    );
    return row!;
  });
  const key = datasetKey(tenantId, dataset.id, dataset.file);
  const expires = new Date(Date.now() + s.config.UPLOAD_URL_SECONDS * 1000);
  const url = await s.storage.presignPut(
    key,
    body.bytes,
    body.content_type,
    s.config.UPLOAD_URL_SECONDS,
  );
  return json(
    {
      dataset,
      upload: {
        method: 'PUT',
        url,
        headers: { 'content-type': body.content_type, 'content-length': String(body.bytes) },
        expires_at: expires.toISOString(),
      },
    },
    201,
  );
}

/** Validates the uploaded file's header by range reads and records what it holds. */
async function complete(
  s: Services,
  claims: object,
  tenantId: string,
  id: string,
): Promise<Response> {
  const dataset = await asUser(s.sql, claims, (tx) => visibleDataset(tx, id));
  if (dataset.status !== 'pending') {
    throw new ApiError(409, 'conflict', `dataset ${id} is already ${dataset.status}`);
  }
  const key = datasetKey(tenantId, id, dataset.file);
  const size = await s.storage.size(key);
  if (size === null)
    throw new ApiError(
      409,
      'not_uploaded',
      `nothing has been uploaded for dataset ${id}: PUT the file to its upload URL first`,
    );
  let header;
  try {
    header = await readRasterHeader(
      (offset, length) => s.storage.range(key, offset, length),
      size,
      s.config.MAX_INPUT_PIXELS,
    );
  } catch (error) {
    if (!(error instanceof RasterHeaderError)) throw error;
    // The file is refused and removed: a dataset is never left pointing at what it cannot be.
    await s.storage.delete(key);
    const [rejected] = await asService(s.sql, (tx) =>
      tx.unsafe(
        `update public.datasets set status = 'rejected', bytes = $2, error = $3, updated_at = now() where id = $1 returning ${COLUMNS}`,
        [id, size, error.message],
      ),
    );
    return json({ code: 'invalid_raster', message: error.message, dataset: rejected }, 422);
  }
  const [ready] = await asService(s.sql, (tx) =>
    tx.unsafe(
      `update public.datasets set status = 'ready', bytes = $2, width = $3, height = $4, band_count = $5, data_type = $6, epsg = $7, error = null, updated_at = now()
       where id = $1 and status = 'pending' returning ${COLUMNS}`,
      [id, size, header.width, header.height, header.bandCount, header.dataType, header.epsg],
    ),
  );
  if (!ready) throw new ApiError(409, 'conflict', `dataset ${id} was completed by another request`);
  return json(ready);
}

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
 * /datasets: POST creates a dataset and a presigned upload URL; POST /{id}/complete validates the
 * upload; GET lists (cursor paging, ?status); GET /{id} reads one. All under the caller's tenant.
 */
export async function handleDatasets(request: Request): Promise<Response> {
  try {
    const s = getServices();
    const caller = await authenticateUser(request, s.config);
    const [id, action, ...rest] = segments(request, 'datasets');
    if (rest.length > 0 || id === '..') throw notFound('this path');
    if (id !== undefined && !isUuid(id)) throw notFound(`dataset ${id}`);
    if (request.method === 'POST' && id === undefined)
      return await create(request, s, caller.claims, caller.tenantId);
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
