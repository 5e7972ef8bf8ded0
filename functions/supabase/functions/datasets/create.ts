import { ObjectName, stagingKey } from '@harita/contracts';
import { z } from 'zod';
import { asUser, sqlState } from '../_shared/db.ts';
import { ApiError, json, parseWith, readJson } from '../_shared/http.ts';
import type { Services } from '../_shared/services.ts';
import { COLUMNS, type DatasetRow } from './rows.ts';

export const TIFF_TYPES = ['image/tiff', 'image/tiff; application=geotiff'] as const;

export const DatasetCreate = z.object({
  name: z.string().min(1).max(200),
  file: ObjectName,
  content_type: z.enum(TIFF_TYPES).default('image/tiff'),
  bytes: z.number().int().positive(),
});

/** The SQLSTATEs of the datasets table's trigger past the tenant's caps on pending uploads. */
const UPLOAD_OVER_PENDING_BYTES = 'HQ413';
const PENDING_CAP_REACHED = 'HQ429';

interface PendingCaps {
  pending: number;
  pending_bytes: number;
  max_pending_datasets: number;
  max_pending_bytes: number;
  retry_after: number;
}

/** The trigger's refusal as the client's error; anything else as it is. */
function pendingRefusal(error: unknown, bytes: number): unknown {
  const detail = (error as { detail?: string }).detail ?? '';
  if (sqlState(error) === UPLOAD_OVER_PENDING_BYTES)
    return new ApiError(
      413,
      'payload_too_large',
      `${String(bytes)} bytes is over your tenant's limit of ${detail} bytes of uploads pending at once`,
    );
  if (sqlState(error) !== PENDING_CAP_REACHED) return error;
  const caps = JSON.parse(detail) as PendingCaps;
  return new ApiError(
    429,
    'pending_uploads_limit',
    `your tenant has ${String(caps.pending)} uploads pending, ${String(caps.pending_bytes)} bytes declared; its limits are ${String(caps.max_pending_datasets)} uploads pending and ${String(caps.max_pending_bytes)} bytes: complete them, or wait until they expire`,
    { 'retry-after': String(caps.retry_after) },
  );
}

/**
 * POST /datasets: records a pending dataset (the tenant's caps on pending uploads checked by the
 * row's trigger) and answers a presigned PUT URL to its staging key.
 * @throws ApiError 413 past MAX_UPLOAD_BYTES or the tenant's pending bytes alone, 429
 *   `pending_uploads_limit` with Retry-After at a cap
 */
export async function create(
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
  const { upload_nonce: nonce, ...dataset } = await asUser(s.sql, claims, async (tx) => {
    // The row's trigger dates the upload's expiry by it, and checks the tenant's pending caps.
    await tx`select set_config('harita.upload_url_seconds', ${String(s.config.UPLOAD_URL_SECONDS)}, true)`;
    const [row] = await tx
      .unsafe<(DatasetRow & { upload_nonce: string })[]>(
        `insert into public.datasets (name, file, content_type, declared_bytes) values ($1, $2, $3, $4) returning ${COLUMNS}, upload_nonce`,
        [body.name, body.file, body.content_type, body.bytes],
      )
      .catch((error: unknown) => {
        throw pendingRefusal(error, body.bytes);
      });
    return row!;
  });
  const expires = new Date(Date.now() + s.config.UPLOAD_URL_SECONDS * 1000);
  const url = await s.storage.presignPut(
    stagingKey(tenantId, dataset.id, nonce),
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
