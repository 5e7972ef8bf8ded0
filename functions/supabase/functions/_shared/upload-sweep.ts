import { datasetKey, stagingKey } from '@harita/contracts';
import { authenticate } from './auth.ts';
import { asService } from './db.ts';
import { ApiError, json } from './http.ts';
import type { Services } from './services.ts';

/** What one sweep did. */
export interface SweepCounts {
  /** Pending uploads past their time to complete, now rejected. */
  abandoned: number;
  /** Staging objects removed (their URL expired, their dataset no longer pending). */
  staging_removed: number;
  /** Idempotency keys past their day, deleted. */
  keys_expired: number;
}

const DELETES_AT_ONCE = 10;

/**
 * Rejects pending uploads past `complete_by` (all of them, or the one dataset `id`) that no
 * /complete holds, and removes the file a completion that died may have copied to the dataset's
 * key. Their staging objects are the next sweep step's.
 * @returns how many were abandoned
 */
export async function abandonUploads(s: Services, limit: number, id?: string): Promise<number> {
  const rows = await asService(
    s.sql,
    (tx) => tx<{ id: string; tenant_id: string; file: string }[]>`
      update public.datasets d set status = 'rejected', updated_at = now(),
        error = 'the upload was not completed before ' || (to_json(d.complete_by) #>> '{}')
      where d.id in (
        select id from public.datasets
        where status = 'pending' and complete_by <= now()
          and (completing_until is null or completing_until < now())
          and (${id ?? null}::uuid is null or id = ${id ?? null}::uuid)
        order by complete_by limit ${limit} for update skip locked)
      returning d.id, d.tenant_id, d.file`,
  );
  await inBatches(rows, (row) => s.storage.delete(datasetKey(row.tenant_id, row.id, row.file)));
  return rows.length;
}

/**
 * One pass of the upload sweep, at most `limit` datasets of each kind: abandons pending uploads
 * past their time to complete, removes staging objects whose URL has expired on datasets no
 * longer pending (what a late PUT left), and deletes expired idempotency keys.
 * @throws ApiError 503 when the database or the store does not answer
 */
export async function sweepUploads(s: Services, limit = 100): Promise<SweepCounts> {
  const abandoned = await abandonUploads(s, limit);
  const stale = await asService(
    s.sql,
    (tx) => tx<{ id: string; tenant_id: string; upload_nonce: string }[]>`
      select id, tenant_id, upload_nonce from public.datasets
      where upload_nonce is not null and status <> 'pending'
        -- five minutes past the URL's expiry, for the store's clock
        and upload_expires_at < now() - interval '5 minutes'
      order by upload_expires_at limit ${limit}`,
  );
  await inBatches(stale, (row) =>
    s.storage.delete(stagingKey(row.tenant_id, row.id, row.upload_nonce)),
  );
  if (stale.length > 0)
    await asService(
      s.sql,
      (tx) => tx`update public.datasets set upload_nonce = null
        where id = any(${stale.map((row) => row.id)}::uuid[])`,
    );
  const expired = await asService(
    s.sql,
    (tx) => tx`delete from public.idempotency_keys where ctid in (
      select ctid from public.idempotency_keys where expires_at <= now() limit ${limit * 10})`,
  );
  return { abandoned, staging_removed: stale.length, keys_expired: expired.count };
}

async function inBatches<T>(items: T[], work: (item: T) => Promise<void>): Promise<void> {
  for (let at = 0; at < items.length; at += DELETES_AT_ONCE)
    await Promise.all(items.slice(at, at + DELETES_AT_ONCE).map(work));
}

const SWEEP_EVERY_MS = 60_000;
let lastSweep = 0;

/**
 * Starts a sweep in the background, at most once a minute in this isolate: every submission
 * (POST /jobs, POST /datasets) calls it, so a stack without a scheduler still cleans up. Supabase's runtime is asked to let it finish
 * (EdgeRuntime.waitUntil); a failure is logged, never the request's.
 */
export function sweepSoon(s: Services): void {
  if (Date.now() - lastSweep < SWEEP_EVERY_MS) return;
  lastSweep = Date.now();
  const running = sweepUploads(s).catch((error: unknown) =>
    console.error(
      JSON.stringify({ level: 'warn', msg: 'upload sweep failed', error: String(error) }),
    ),
  );
  (
    globalThis as { EdgeRuntime?: { waitUntil(promise: Promise<unknown>): void } }
  ).EdgeRuntime?.waitUntil(running);
}

/** POST /datasets/sweep: one pass of the upload sweep, for a scheduler with the service role. */
export async function handleSweep(request: Request, s: Services): Promise<Response> {
  const caller = await authenticate(request, s.config);
  if (caller.role !== 'service_role')
    throw new ApiError(403, 'forbidden', 'only the service role sweeps uploads');
  if (request.method !== 'POST')
    throw new ApiError(405, 'method_not_allowed', `${request.method} is not served here`);
  return json(await sweepUploads(s));
}
