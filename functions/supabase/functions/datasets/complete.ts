import { datasetKey, stagingKey } from '@harita/contracts';
import { asService, asUser } from '../_shared/db.ts';
import { ApiError, json } from '../_shared/http.ts';
import type { Services } from '../_shared/services.ts';
import { RasterHeaderError, readRasterHeader } from '../_shared/tiff-header.ts';
import { abandonUploads } from '../_shared/upload-sweep.ts';
import { COLUMNS, visibleDataset } from './rows.ts';

/** How long one /complete holds its dataset: past it (a completion that died), another may. */
const COMPLETION_SECONDS = 900;

interface Claim {
  upload_nonce: string;
  /** The hold's end as text, to the microsecond: this completion's own token. */
  hold: string;
}

/**
 * Takes the pending dataset for this completion, or says why not: 409 when it is no longer
 * pending or another completion holds it, 410 `upload_expired` (and the dataset rejected) past
 * its time to complete.
 */
async function claim(s: Services, id: string): Promise<Claim> {
  const [claimed] = await asService(
    s.sql,
    (tx) => tx<Claim[]>`
      update public.datasets set completing_until = now() + ${COMPLETION_SECONDS} * interval '1 second'
      where id = ${id} and status = 'pending' and complete_by > now()
        and (completing_until is null or completing_until < now())
      returning upload_nonce, to_json(completing_until) #>> '{}' as hold`,
  );
  if (claimed) return claimed;
  const [state] = await asService(
    s.sql,
    (tx) => tx<{ status: string; expired: boolean }[]>`
      select status, complete_by <= now() as expired from public.datasets where id = ${id}`,
  );
  if (state?.status === 'pending' && state.expired && (await abandonUploads(s, 1, id)) === 1)
    throw new ApiError(
      410,
      'upload_expired',
      `dataset ${id} was not completed in time (an hour past its upload URL's expiry): create it again`,
    );
  if (state?.status !== 'pending')
    throw new ApiError(409, 'conflict', `dataset ${id} is already ${String(state?.status)}`);
  throw new ApiError(409, 'completion_in_progress', `dataset ${id} is being completed`, {
    'retry-after': '5',
  });
}

/**
 * Completes an upload: copies the staging object to the dataset's key (server-side, as it was
 * when looked at), validates the header there by range reads, and records what it holds. The
 * staging object is removed, so the upload URL is spent: what it takes in later reaches nothing
 * that is read, and the sweep removes it.
 */
export async function complete(
  s: Services,
  claims: object,
  tenantId: string,
  id: string,
): Promise<Response> {
  const dataset = await asUser(s.sql, claims, (tx) => visibleDataset(tx, id));
  if (dataset.status !== 'pending') {
    throw new ApiError(409, 'conflict', `dataset ${id} is already ${dataset.status}`);
  }
  const held = await claim(s, id);
  const staging = stagingKey(tenantId, id, held.upload_nonce);
  const key = datasetKey(tenantId, id, dataset.file);
  let header;
  let size = 0;
  try {
    const head = await s.storage.head(staging);
    if (head === null)
      throw new ApiError(
        409,
        'not_uploaded',
        `nothing has been uploaded for dataset ${id}: PUT the file to its upload URL first`,
      );
    size = head.size;
    await s.storage.copy(staging, key, head);
    header = await readRasterHeader(
      (offset, length) => s.storage.range(key, offset, length),
      size,
      s.config.MAX_INPUT_PIXELS,
    );
  } catch (error) {
    if (error instanceof RasterHeaderError)
      return await reject(s, id, held, [staging, key], size, error);
    await asService(
      s.sql,
      (tx) => tx`update public.datasets set completing_until = null
        where id = ${id} and to_json(completing_until) #>> '{}' = ${held.hold}`,
    );
    throw error;
  }
  const [ready] = await asService(s.sql, (tx) =>
    tx.unsafe(
      `update public.datasets set status = 'ready', bytes = $2, width = $3, height = $4, band_count = $5, data_type = $6, epsg = $7, error = null, completing_until = null, updated_at = now()
       where id = $1 and status = 'pending' and to_json(completing_until) #>> '{}' = $8 returning ${COLUMNS}`,
      [
        id,
        size,
        header.width,
        header.height,
        header.bandCount,
        header.dataType,
        header.epsg,
        held.hold,
      ],
    ),
  );
  if (!ready) throw new ApiError(409, 'conflict', `dataset ${id} was completed by another request`);
  await s.storage.delete(staging);
  return json(ready);
}

/** Refuses the upload: its files are removed and the dataset becomes `rejected`, with the reason. */
async function reject(
  s: Services,
  id: string,
  held: Claim,
  keys: string[],
  size: number,
  error: RasterHeaderError,
): Promise<Response> {
  // A dataset is never left pointing at what it cannot be.
  await Promise.all(keys.map((key) => s.storage.delete(key)));
  const [rejected] = await asService(s.sql, (tx) =>
    tx.unsafe(
      `update public.datasets set status = 'rejected', bytes = $2, error = $3, completing_until = null, updated_at = now()
       where id = $1 and to_json(completing_until) #>> '{}' = $4 returning ${COLUMNS}`,
      [id, size, error.message, held.hold],
    ),
  );
  return json({ code: 'invalid_raster', message: error.message, dataset: rejected }, 422);
}
