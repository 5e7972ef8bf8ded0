import type { RequestPriority } from '@harita/queue';
import type postgres from 'postgres';

export type Sql = postgres.Sql;

/** A job row as the dispatcher reads it (the columns its role may read). */
export interface DispatchRow {
  id: string;
  tenant_id: string;
  type: string;
  params: unknown;
  priority: RequestPriority;
  /** Seconds from the row's creation to its claim, by the database's clock. */
  waited: number;
}

/**
 * Claims up to `limit` rows not yet dispatched, oldest first, and hands them to `enqueue` while
 * holding them; marks them dispatched in the same transaction once it returns. Rows another
 * dispatcher holds are skipped (`FOR UPDATE SKIP LOCKED`). A dispatcher that dies before the
 * commit leaves its rows undispatched for the next claim, whose enqueue is then a no-op for any
 * BullMQ already holds (the job id is the row's uuid).
 * @returns the rows claimed and marked
 * @throws the database's errors, and `enqueue`'s (then nothing is marked)
 */
export function dispatchPending(
  sql: Sql,
  limit: number,
  enqueue: (rows: DispatchRow[]) => Promise<void>,
): Promise<DispatchRow[]> {
  return sql.begin<DispatchRow[]>(async (tx) => {
    const rows = await tx<DispatchRow[]>`
      select id, tenant_id, type, params, priority,
             extract(epoch from clock_timestamp() - created_at)::float8 as waited
      from public.jobs
      where status = 'queued' and dispatched_at is null
      order by created_at
      limit ${limit}
      for update skip locked`;
    if (rows.length === 0) return [];
    await enqueue([...rows]);
    await tx`update public.jobs set dispatched_at = now() where id in ${tx(rows.map((r) => r.id))}`;
    return [...rows];
  });
}

/**
 * Claims up to `limit` cancels not yet relayed, hands them to `relay`, and marks them relayed in
 * the same transaction. Every cancel is relayed, whether or not its row was marked dispatched: a
 * claim that enqueued and then rolled back leaves a job in BullMQ unmarked (a marker for a job
 * never enqueued is harmless, and expires).
 * @returns the ids relayed
 * @throws the database's errors, and `relay`'s (then nothing is marked)
 */
export function relayPendingCancels(
  sql: Sql,
  limit: number,
  relay: (jobs: { id: string; tenant_id: string }[]) => Promise<void>,
): Promise<string[]> {
  return sql.begin<string[]>(async (tx) => {
    const rows = await tx<{ id: string; tenant_id: string }[]>`
      select id, tenant_id from public.jobs
      where status = 'canceled' and cancel_relayed_at is null
      order by updated_at
      limit ${limit}
      for update skip locked`;
    if (rows.length === 0) return [];
    await relay([...rows]);
    const ids = rows.map((r) => r.id);
    await tx`update public.jobs set cancel_relayed_at = now() where id in ${tx(ids)}`;
    return ids;
  });
}

/**
 * The dispatched rows still `queued`, `limit` at a time after `after` (by dispatch time, then id):
 * the ones BullMQ should hold.
 */
export async function dispatchedQueued(
  sql: Sql,
  limit: number,
  after?: { dispatched_at: Date; id: string },
): Promise<(DispatchRow & { dispatched_at: Date })[]> {
  return sql<(DispatchRow & { dispatched_at: Date })[]>`
    select id, tenant_id, type, params, priority, dispatched_at,
           extract(epoch from clock_timestamp() - created_at)::float8 as waited
    from public.jobs
    where status = 'queued' and dispatched_at is not null
      and (${after?.dispatched_at ?? null}::timestamptz is null
           or (dispatched_at, id) > (${after?.dispatched_at ?? null}::timestamptz, ${after?.id ?? null}::uuid))
    order by dispatched_at, id
    limit ${limit}`;
}

/** Of the given ids, those whose row still waits or runs; a BullMQ job of any other is stale. */
export async function liveJobIds(sql: Sql, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await sql<{ id: string }[]>`
    select id from public.jobs where id in ${sql(ids)} and status in ('queued', 'running')`;
  return new Set(rows.map((r) => r.id));
}
