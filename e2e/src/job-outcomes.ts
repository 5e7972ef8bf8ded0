import type { HaritaSystem } from './system.js';

/** How many of the jobs are still queued or running. */
export function openJobs(system: HaritaSystem, ids: string[]): Promise<number> {
  return system.count(
    `select count(*)::int as n from public.jobs where id = any($1) and status in ('queued', 'running')`,
    [ids],
  );
}

/** Waits until the dispatchers have marked every one of the jobs dispatched. */
export async function allDispatched(system: HaritaSystem, ids: string[]): Promise<void> {
  while (
    (await system.count(
      'select count(*)::int as n from public.jobs where id = any($1) and dispatched_at is not null',
      [ids],
    )) < ids.length
  )
    await new Promise((resolve) => setTimeout(resolve, 20));
}

/**
 * Waits until none of the jobs is queued or running.
 * @throws naming how many are still open after `timeoutMs`
 */
export async function allEnded(
  system: HaritaSystem,
  ids: string[],
  timeoutMs = 180_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await openJobs(system, ids);
    if (open === 0) return;
    if (Date.now() > deadline) throw new Error(`${String(open)} jobs still open`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

export interface Outcome {
  id: string;
  status: string;
  /** Terminal events the API recorded. */
  terminal: number;
  /** Runs the workers started, by their logs ("job started"), across every worker. */
  starts: number;
}

/**
 * The jobs that did not run exactly once, as a user would check it and as the workers saw it:
 * not succeeded, or with other than one terminal event, or started other than once. Empty when
 * every job ran once.
 */
export async function notExactlyOnce(system: HaritaSystem, ids: string[]): Promise<Outcome[]> {
  return (await outcomes(system, ids)).filter((o) => !endedOnce(o) || o.starts !== 1);
}

/**
 * The jobs that did not end exactly once, as a user sees them: not succeeded, or with other than
 * one terminal event. Runs are not counted. Empty when every job ended once.
 */
export async function notEndedOnce(system: HaritaSystem, ids: string[]): Promise<Outcome[]> {
  return (await outcomes(system, ids)).filter((o) => !endedOnce(o));
}

const endedOnce = (o: Outcome): boolean => o.status === 'succeeded' && o.terminal === 1;

/** Each job's status, terminal events and starts across every worker. */
async function outcomes(system: HaritaSystem, ids: string[]): Promise<Outcome[]> {
  const rows = await system.admin.query<{ id: string; status: string; terminal: number }>(
    `select j.id, j.status,
            count(e.*) filter (where e.status in ('succeeded', 'failed', 'canceled'))::int as terminal
     from public.jobs j left join public.job_events e on e.job_id = j.id
     where j.id = any($1) group by j.id`,
    [ids],
  );
  const starts = new Map<string, number>();
  for (const worker of system.workers)
    for (const record of worker.records)
      if (record['msg'] === 'job started') {
        const id = String(record['job']);
        starts.set(id, (starts.get(id) ?? 0) + 1);
      }
  return ids.map((id) => {
    const row = rows.rows.find((r) => r.id === id);
    return {
      id,
      status: row?.status ?? 'missing',
      terminal: row?.terminal ?? 0,
      starts: starts.get(id) ?? 0,
    };
  });
}
