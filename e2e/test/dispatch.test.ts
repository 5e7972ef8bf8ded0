import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '@harita/demo/api-client';
import { jobQueue } from '@harita/queue';
import { Redis } from 'ioredis';
import { defined } from '../src/defined.js';
import { allDispatched, allEnded, notExactlyOnce } from '../src/job-outcomes.js';
import { HaritaSystem } from '../src/system.js';

// Jobs through Postgres, on production's topology (an API with no Redis, dispatchers between the
// jobs table and the queue), under the faults that route must survive: Redis killed with the
// last second of writes lost, a dispatcher killed holding a claim while others race it, and
// Postgres stopped. Every accepted job ends exactly once; nothing is half made.
const run = promisify(execFile);
let system: HaritaSystem;
let tenant: { id: string; token: string };
let api: ApiClient;

const buffer = (i: number) =>
  api.createJob('buffer', {
    geojson: { type: 'Point', coordinates: [10 + i / 1000, 45] },
    distance_m: 50,
    segments_per_quarter: 2,
  });

/** Submits `count` jobs, `concurrency` at a time, and returns their ids. */
async function submit(count: number, concurrency = 10): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i += concurrency) {
    const batch = Array.from({ length: Math.min(concurrency, count - i) }, (_, j) => buffer(i + j));
    ids.push(...(await Promise.all(batch)).map((job) => job.id));
  }
  return ids;
}

async function resultKeys(jobId: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const item of system.store
    .client()
    .listObjectsV2('harita', `tenants/${tenant.id}/jobs/${jobId}/`, true))
    keys.push((item as { name: string }).name);
  return keys;
}

beforeAll(async () => {
  system = await HaritaSystem.start({
    workers: 2,
    dispatchers: 3,
    workerEnv: { JOB_LOCK_SECONDS: '3', STALLED_CHECK_SECONDS: '1', TENANT_MAX_RUNNING: '8' },
    dispatcherEnv: { RECONCILE_SECONDS: '2', DISPATCH_BATCH_SIZE: '20' },
  });
  tenant = await system.newTenant(10_000);
  api = new ApiClient(system.apiUrl, tenant.token);
}, 300_000);

afterAll(async () => {
  await system.stop();
}, 120_000);

describe('jobs through Postgres', () => {
  it('Redis killed right after 50 jobs were accepted, its last writes lost: after its restart all 50 complete, each once', async () => {
    // What an append-only file that had not reached the disk loses, made certain: Redis stops
    // writing it, so the restart brings back the queue as it was before the 50.
    const redis = new Redis({ ...system.redis.connectionOptions() });
    await redis.config('SET', 'appendonly', 'no');
    redis.disconnect();
    // The workers wait meanwhile, so all 50 are in Redis, dispatched and not yet run, at the kill.
    for (const worker of system.workers) worker.signal('SIGSTOP');
    const ids = await submit(50);
    await allDispatched(system, ids);
    await run('docker', ['kill', system.redis.getId()]);
    await run('docker', ['start', system.redis.getId()]);
    for (const worker of system.workers) worker.signal('SIGCONT');
    await allEnded(system, ids);
    expect(await notExactlyOnce(system, ids)).toEqual([]);
    // The dispatchers found the jobs Redis had lost and enqueued them again.
    const reenqueued = await Promise.all(
      system.dispatchers.map(async (d) => {
        const text = await (await fetch(`http://127.0.0.1:${d.healthPort}/metrics`)).text();
        return Number(/^harita_reenqueued_jobs_total (\d+)/m.exec(text)?.[1] ?? 0);
      }),
    );
    // Each of the 50 at least once (two dispatchers may both re-add one; BullMQ keeps one job).
    expect(reenqueued.reduce((sum, n) => sum + n, 0)).toBeGreaterThanOrEqual(50);
  });

  it('a dispatcher killed holding a claim, two more racing it: no job lost or run twice', async () => {
    const victim = defined(system.dispatchers[0], 'a dispatcher');
    // The victim's claim transaction, seen from the database while it holds its rows.
    const holdingClaim = async () =>
      (await system.count(
        `select count(*)::int as n from pg_stat_activity
         where application_name like $1 and state like 'idle in transaction%'`,
        [`harita-dispatcher/%/${String(victim.pid)}`],
      )) > 0;
    const submitting = submit(300, 20);
    let killedMidClaim = false;
    const deadline = Date.now() + 60_000;
    while (!killedMidClaim && Date.now() < deadline) {
      if (await holdingClaim()) {
        victim.signal('SIGKILL');
        killedMidClaim = true;
      }
    }
    expect(killedMidClaim).toBe(true);
    await victim.exited;
    const ids = await submitting;
    await allEnded(system, ids);
    expect(await notExactlyOnce(system, ids)).toEqual([]);
    system.dispatchers = system.dispatchers.filter((d) => d !== victim);
  });

  it('Postgres stopped: POST /jobs answers 503, nothing is half made, and the workers finish what they hold', async () => {
    const connection = new Redis({ ...system.redis.connectionOptions() });
    const queue = jobQueue(connection);
    const before = await submit(40);
    await allDispatched(system, before);
    const recorded = () =>
      system.count('select count(*)::int as n from public.jobs where tenant_id = $1', [tenant.id]);
    const rowsBefore = await recorded();
    await run('docker', ['stop', '--time', '1', system.postgres.getId()]);
    try {
      // The jobs the workers hold go on to their results with the database away; each is
      // reported, and its BullMQ job completed, once the API can record it again.
      const started = new Set(
        system.workers.flatMap((w) =>
          w.records.filter((r) => r['msg'] === 'job started').map((r) => String(r['job'])),
        ),
      );
      const held = (
        await Promise.all(before.map(async (id) => ({ id, state: await queue.getJobState(id) })))
      ).filter((job) => job.state === 'active' && started.has(job.id));
      expect(held.length).toBeGreaterThan(0);
      const deadline = Date.now() + 60_000;
      for (;;) {
        const written = await Promise.all(held.map((job) => resultKeys(job.id)));
        if (written.every((keys) => keys.length === 1)) break;
        if (Date.now() > deadline) throw new Error(`no result yet: ${JSON.stringify(written)}`);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      const refused = await fetch(`${system.apiUrl}/functions/v1/jobs`, {
        method: 'POST',
        headers: { authorization: `Bearer ${tenant.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          type: 'buffer',
          params: { geojson: { type: 'Point', coordinates: [1, 1] }, distance_m: 5 },
        }),
      });
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('5');
      expect(((await refused.json()) as { code: string }).code).toBe('database_unavailable');
    } finally {
      await run('docker', ['start', system.postgres.getId()]);
      await queue.close();
      connection.disconnect();
    }
    await system.reconnectAdmin();
    await allEnded(system, before);
    expect(await notExactlyOnce(system, before)).toEqual([]);
    // The refused submission left no row behind.
    expect(await recorded()).toBe(rowsBefore);
    // Every dispatcher lived through it (unpatched, postgres.js could end one: patches/).
    expect(
      system.dispatchers.map((d) => d.exitCode),
      system.dispatchers.map((d) => d.stderr).join('\n'),
    ).toEqual(system.dispatchers.map(() => null));
  });
});
