import { availableParallelism } from 'node:os';
import { enqueueJobs, jobQueue, QueuedJob } from '@harita/queue';
import { Redis } from 'ioredis';
import { defined } from '../src/defined.js';
import { HaritaSystem } from '../src/system.js';
import { benchImage } from './images.js';
import { percentile } from './percentile.js';

/**
 * Jobs through Postgres against today's direct enqueue, alternating in one run, on the whole
 * system (the API, Postgres, the dispatcher, Redis and a worker, all on this machine):
 * - latency: from `POST /jobs` sent to the job's start (the worker's first event), one job at a
 *   time on an idle system;
 * - throughput: submissions per second that `POST /jobs` sustains with CLIENTS at once, spread
 *   over TENANTS tenants, and how long after the last one every row is dispatched.
 * "Direct" is the enqueue the API used to make inside its request: the client makes it right
 * after POST returns, with the dispatcher stopped (SIGSTOP) so it takes no part.
 * Usage: npm run bench:dispatch [-- --rounds 4]
 */
const rounds = Number(process.argv[process.argv.indexOf('--rounds') + 1] ?? 4) || 4;
const LATENCY_JOBS = 50;
const CLIENTS = 32;
const TENANTS = 8;
const BURST_SECONDS = 5;

type Route = 'dispatcher' | 'direct';

for (const variable of ['REDIS_IMAGE', 'POSTGRES_IMAGE', 'OBJECT_STORE_IMAGE'])
  process.env[variable] = benchImage(variable);

const system = await HaritaSystem.start({ workers: 1, workerEnv: { TENANT_MAX_RUNNING: '8' } });
const connection = new Redis(system.redis.connectionOptions({ maxRetriesPerRequest: null }));
const queue = jobQueue(connection);
const dispatcher = defined(system.dispatchers[0], 'the dispatcher');
try {
  const tokens = (
    await Promise.all(Array.from({ length: TENANTS }, () => system.newTenant(1_000_000, 1_000_000)))
  ).map((tenant) => tenant.token);
  /** The i-th submission's tenant, round the tenants. */
  const token = (i: number): string => defined(tokens[i % TENANTS], 'a token');
  const request = {
    type: 'buffer',
    params: { geojson: { type: 'Point', coordinates: [10, 45] }, distance_m: 10 },
  };
  const body = JSON.stringify(request);

  /**
   * Jobs the direct route enqueued, to be marked dispatched after the phase in one statement
   * (marking each in the request would queue them all on the one admin connection), before the
   * dispatcher runs again.
   */
  const unmarked: string[] = [];
  const markDispatched = async (): Promise<void> => {
    await system.admin.query('update public.jobs set dispatched_at = now() where id = any($1)', [
      unmarked.splice(0),
    ]);
  };

  /** One submission by the route's way; its job id. */
  async function submit(route: Route, token: string): Promise<string> {
    const response = await fetch(`${system.apiUrl}/functions/v1/jobs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body,
    });
    const job = (await response.json()) as { id: string; tenant_id: string };
    if (response.status !== 201) throw new Error(`POST /jobs: ${String(response.status)}`);
    if (route === 'direct') {
      await enqueueJobs(queue, connection, [
        {
          job: QueuedJob.parse({ ...request, job_id: job.id, tenant_id: job.tenant_id }),
          priority: 'normal',
        },
      ]);
      unmarked.push(job.id);
    }
    return job.id;
  }

  /** The route's dispatcher state: running for its own route, stopped for the direct one. */
  const use = (route: Route): void => {
    dispatcher.signal(route === 'direct' ? 'SIGSTOP' : 'SIGCONT');
  };

  /** When the job started, by the worker's clock (the same machine's). */
  async function startedAt(id: string): Promise<number> {
    for (;;) {
      const row = await system.admin.query<{ at: Date }>(
        'select at from public.job_events where job_id = $1 and sequence = 0 order by attempt limit 1',
        [id],
      );
      if (row.rows[0]) return row.rows[0].at.getTime();
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  }

  async function latencies(route: Route): Promise<number[]> {
    use(route);
    const out: number[] = [];
    for (let i = 0; i < LATENCY_JOBS; i++) {
      const sent = Date.now();
      const id = await submit(route, token(i));
      out.push((await startedAt(id)) - sent);
    }
    await markDispatched();
    return out;
  }

  async function throughput(route: Route): Promise<{ perSecond: number; drainMs: number }> {
    use(route);
    // The worker is stopped meanwhile: the submission path alone is measured.
    for (const worker of system.workers) worker.signal('SIGSTOP');
    const ids: string[] = [];
    const start = Date.now();
    const end = start + BURST_SECONDS * 1000;
    await Promise.all(
      Array.from({ length: CLIENTS }, async (_, client) => {
        while (Date.now() < end) ids.push(await submit(route, token(client)));
      }),
    );
    const submitted = Date.now();
    await markDispatched();
    for (;;) {
      const open = await system.count(
        'select count(*)::int as n from public.jobs where id = any($1) and dispatched_at is null',
        [ids],
      );
      if (open === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const drainMs = Date.now() - submitted;
    // The burst is not run: its rows are closed as canceled (relayed already, as far as the
    // dispatcher is concerned) and its BullMQ jobs dropped, so each phase starts empty.
    await system.admin.query(
      `update public.jobs set status = 'canceled', cancel_relayed_at = now() where id = any($1)`,
      [ids],
    );
    await queue.drain(true);
    for (const worker of system.workers) worker.signal('SIGCONT');
    return { perSecond: ids.length / ((submitted - start) / 1000), drainMs };
  }

  // Warm-up, not measured: the first requests pay for compiling and opening connections.
  for (const route of ['dispatcher', 'direct'] as Route[]) {
    use(route);
    for (let i = 0; i < 20; i++) await startedAt(await submit(route, token(i)));
    await markDispatched();
  }
  const latency: Record<Route, number[]> = { dispatcher: [], direct: [] };
  const rates: Record<Route, { perSecond: number; drainMs: number }[]> = {
    dispatcher: [],
    direct: [],
  };
  for (let round = 0; round < rounds; round++) {
    const order: Route[] = round % 2 === 0 ? ['dispatcher', 'direct'] : ['direct', 'dispatcher'];
    for (const route of order) latency[route].push(...(await latencies(route)));
    for (const route of order) rates[route].push(await throughput(route));
    process.stderr.write(`round ${String(round + 1)}/${String(rounds)} done\n`);
  }
  use('dispatcher');

  const median = (values: number[]): number => percentile(values, 50);
  const line = (text: string): void => void process.stdout.write(`${text}\n`);
  line(
    `dispatch: POST /jobs to job start, ${String(rounds)} rounds of ${String(LATENCY_JOBS)} jobs one at a time per route; ` +
      `throughput: ${String(CLIENTS)} clients over ${String(TENANTS)} tenants for ${String(BURST_SECONDS)} s per route and round; ${String(availableParallelism())} cores`,
  );
  line(
    `${'route'.padEnd(44)}${'p50 ms'.padStart(8)}${'p99 ms'.padStart(8)}${'POST/s'.padStart(9)}${'drain ms'.padStart(10)}`,
  );
  const row = (route: Route, label: string): void => {
    const perSecond = median(rates[route].map((r) => r.perSecond));
    const drain = median(rates[route].map((r) => r.drainMs));
    line(
      `${label.padEnd(44)}${String(percentile(latency[route], 50)).padStart(8)}${String(percentile(latency[route], 99)).padStart(8)}${perSecond.toFixed(0).padStart(9)}${String(drain).padStart(10)}`,
    );
  };
  row('dispatcher', 'through the dispatcher (LISTEN/NOTIFY)');
  row('direct', 'direct enqueue after the insert (reference)');
  line(
    `dispatcher - direct: p50 ${String(percentile(latency.dispatcher, 50) - percentile(latency.direct, 50))} ms, ` +
      `p99 ${String(percentile(latency.dispatcher, 99) - percentile(latency.direct, 99))} ms; ` +
      `submissions ${(median(rates.dispatcher.map((r) => r.perSecond)) / median(rates.direct.map((r) => r.perSecond))).toFixed(2)}x`,
  );
} finally {
  dispatcher.signal('SIGCONT');
  for (const worker of system.workers) worker.signal('SIGCONT');
  await queue.close();
  connection.disconnect();
  await system.stop();
}
