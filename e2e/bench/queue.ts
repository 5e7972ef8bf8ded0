import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { enqueueJobs, jobQueue, type QueuedJob } from '@harita/queue';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { JobEventsReceiver } from '../src/job-events-receiver.js';
import { smallBufferJob } from '../src/jobs.js';
import { ObjectStoreContainer } from '../src/services/object-store.js';
import { RedisContainer } from '../src/services/redis.js';
import { WorkerProcess, workerEnvironment } from '../src/worker-process.js';
import { benchImage } from './images.js';
import { percentile } from './percentile.js';

/**
 * Enqueue-to-start latency and throughput of small buffer jobs through the kit's worker
 * (fair admission, validation, tenant slots, an S3 result, job events) against bare BullMQ with a
 * processor that does nothing, both at concurrency 5, alternately in one run.
 * Usage: npm run bench:queue [-- --rounds 3]
 */
const rounds = Number(process.argv[process.argv.indexOf('--rounds') + 1] ?? 3) || 3;
const RATE = 50;
const LATENCY_JOBS = 300;
const BURST = 1000;
const BARE_QUEUE = 'bare-bullmq';
const KEY = 'service-role-key-for-the-queue-benchmark';

interface Sample {
  latencies: number[];
  throughput: number;
}

const redis = await new RedisContainer(benchImage('REDIS_IMAGE')).start();
const store = await new ObjectStoreContainer(benchImage('OBJECT_STORE_IMAGE')).start();
const receiver = await JobEventsReceiver.start(KEY);
const connection: Redis = redis.connect({ maxRetriesPerRequest: null });
const kitQueue = jobQueue(connection);
const bareQueue = new Queue(BARE_QUEUE, { connection });
let kit: WorkerProcess | undefined;
let bare: ChildProcess | undefined;
try {
  await store.client().makeBucket('harita');
  kit = await WorkerProcess.start(
    workerEnvironment({ redis, store, receiver }, KEY, 'harita', {
      HEALTH_PORT: '19401',
      WORKER_CONCURRENCY: '5',
      TENANT_MAX_RUNNING: '5',
    }),
  );
  bare = spawn(
    process.execPath,
    [
      join(import.meta.dirname, 'bare-worker.js'),
      redis.host,
      String(redis.port),
      redis.password,
      BARE_QUEUE,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  if (!bare.stdout) throw new Error('the bare worker has no stdout');
  await once(bare.stdout, 'data');

  const tenant = randomUUID();
  const bufferJob = (): QueuedJob => smallBufferJob(tenant);

  type Side = 'kit' | 'bare';
  const add = async (side: Side): Promise<{ id: string; sentAt: number }> => {
    const job = bufferJob();
    const sentAt = Date.now();
    if (side === 'kit') await enqueueJobs(kitQueue, connection, [{ job, priority: 'normal' }]);
    else await bareQueue.add(job.type, job, { jobId: job.job_id });
    return { id: job.job_id, sentAt };
  };

  async function finished(
    side: Side,
    ids: { id: string; sentAt: number }[],
  ): Promise<{ started: number[]; done: number[] }> {
    const queue = side === 'kit' ? kitQueue : bareQueue;
    for (;;) {
      const jobs = await Promise.all(ids.map(({ id }) => queue.getJob(id)));
      if (jobs.every((job) => job?.finishedOn !== undefined)) {
        return {
          started: jobs.map((job) => job?.processedOn ?? Number.NaN),
          done: jobs.map((job) => job?.finishedOn ?? Number.NaN),
        };
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async function measure(side: Side): Promise<Sample> {
    // Latency: an open loop at RATE jobs a second, well under either side's capacity.
    const paced: { id: string; sentAt: number }[] = [];
    const start = Date.now();
    for (let i = 0; i < LATENCY_JOBS; i++) {
      const due = start + (i * 1000) / RATE;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - Date.now())));
      paced.push(await add(side));
    }
    const { started } = await finished(side, paced);
    const latencies = paced.map(({ sentAt }, i) => (started[i] ?? Number.NaN) - sentAt);
    // Throughput: a burst, from the first enqueue to the last finish.
    const burstStart = Date.now();
    const burst = await Promise.all(Array.from({ length: BURST }, () => add(side)));
    const { done } = await finished(side, burst);
    return { latencies, throughput: BURST / ((Math.max(...done) - burstStart) / 1000) };
  }

  // Warm-up, not measured: the kit's first jobs also pay for loading modules and opening S3
  // connections (about 200 ms for the first twenty, measured), which is start-up, not overhead.
  for (const side of ['kit', 'bare'] as Side[]) {
    const warm = await Promise.all(Array.from({ length: 50 }, () => add(side)));
    await finished(side, warm);
  }
  const samples: Record<Side, Sample[]> = { kit: [], bare: [] };
  for (let round = 0; round < rounds; round++) {
    for (const side of (round % 2 === 0 ? ['kit', 'bare'] : ['bare', 'kit']) as Side[]) {
      samples[side].push(await measure(side));
      process.stderr.write(`round ${String(round + 1)}/${String(rounds)} ${side} done\n`);
    }
  }

  const line = (text: string): void => void process.stdout.write(`${text}\n`);
  const summary = (side: Side): { p50: number; p99: number; throughput: number } => {
    const all = samples[side].flatMap((s) => s.latencies);
    const throughputs = samples[side].map((s) => s.throughput).sort((a, b) => a - b);
    return {
      p50: percentile(all, 50),
      p99: percentile(all, 99),
      throughput: throughputs[Math.floor(throughputs.length / 2)] ?? Number.NaN,
    };
  };
  line(
    `queue: small buffer jobs, concurrency 5, ${String(rounds)} rounds of ${String(LATENCY_JOBS)} jobs at ${String(RATE)}/s and a burst of ${String(BURST)}; ${String(availableParallelism())} cores`,
  );
  line(`${'side'.padEnd(44)}${'p50 ms'.padStart(8)}${'p99 ms'.padStart(8)}${'jobs/s'.padStart(9)}`);
  const kitSummary = summary('kit');
  const bareSummary = summary('bare');
  line(
    `${'kit worker (admission, events, S3 result)'.padEnd(44)}${String(kitSummary.p50).padStart(8)}${String(kitSummary.p99).padStart(8)}${kitSummary.throughput.toFixed(0).padStart(9)}`,
  );
  line(
    `${'bare BullMQ, no-op processor'.padEnd(44)}${String(bareSummary.p50).padStart(8)}${String(bareSummary.p99).padStart(8)}${bareSummary.throughput.toFixed(0).padStart(9)}`,
  );
  line(
    `kit / bare: p50 ${(kitSummary.p50 / Math.max(bareSummary.p50, 1)).toFixed(2)}x, p99 ${(kitSummary.p99 / Math.max(bareSummary.p99, 1)).toFixed(2)}x, throughput ${(kitSummary.throughput / bareSummary.throughput).toFixed(2)}x`,
  );
} finally {
  bare?.kill('SIGTERM');
  await kit?.stop();
  await Promise.all([kitQueue.close(), bareQueue.close()]);
  connection.disconnect();
  await receiver.close();
  await Promise.all([redis.stop(), store.stop()]);
}
