import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { datasetKey } from '@harita/contracts';
import { jobQueue, type QueuedJob } from '@harita/queue';
import { writeDemoScene } from '@harita/demo/scene';
import { JobEventsReceiver } from '../src/job-events-receiver.js';
import { ModelServingContainer } from '../src/services/model-serving.js';
import { ObjectStoreContainer } from '../src/services/object-store.js';
import { RedisContainer } from '../src/services/redis.js';
import { WorkerProcess, workerEnvironment } from '../src/worker-process.js';
import { benchImage } from './images.js';
import { WorkerSampler, type WorkerSample } from './worker-sampler.js';

/**
 * Inference end to end on a 4096 x 4096 demo scene: a job through the queue, the worker process,
 * the object store and model serving (the image's server), over gRPC with batches of chips, over
 * REST with the same batches, and over REST with one chip per request, in one run, alternately,
 * each with the worker's default requests in flight. Per setup: wall time, Mpx/s, the p95 of the
 * worker's request latency, the worker's CPU seconds per Mpx and its peak RSS.
 * Usage: npm run bench:inference [-- --rounds 2]
 */
const rounds = Number(process.argv[process.argv.indexOf('--rounds') + 1] ?? 2) || 2;
const SIZE = 4096;
const KEY = 'service-role-key-for-the-inference-benchmark';
const TENANT = randomUUID();
const DATASET = randomUUID();
const HEALTH_PORT = 19402;

interface Setup {
  label: string;
  protocol: 'grpc' | 'rest';
  batch: number;
}

const SETUPS: Setup[] = [
  { label: 'gRPC, batched (8 chips per request)', protocol: 'grpc', batch: 8 },
  { label: 'REST, batched (8 chips per request)', protocol: 'rest', batch: 8 },
  { label: 'REST, one chip per request', protocol: 'rest', batch: 1 },
];

const megapixels = (SIZE * SIZE) / 1e6;
const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length / 2;
  return Number.isInteger(middle)
    ? (sorted[middle - 1]! + sorted[middle]!) / 2
    : sorted[Math.floor(middle)]!;
};
const IMAGE = process.env.MODEL_SERVING_IMAGE ?? 'harita/model-serving:dev';

const dir = await mkdtemp(join(tmpdir(), 'harita-bench-inference-'));
const redis = await new RedisContainer(benchImage('REDIS_IMAGE')).start();
const store = await new ObjectStoreContainer(benchImage('OBJECT_STORE_IMAGE')).start();
const models = await new ModelServingContainer(IMAGE).start();
const receiver = await JobEventsReceiver.start(KEY);
const connection = redis.connect({ maxRetriesPerRequest: null });
const queue = jobQueue(connection);

interface Run extends WorkerSample {
  wall: number;
}

async function runJob(setup: Setup): Promise<Run> {
  const worker = await WorkerProcess.start(
    workerEnvironment({ redis, store, receiver }, KEY, 'harita', {
      ...models.workerEnv(),
      MODEL_SERVING_PROTOCOL: setup.protocol,
      HEALTH_PORT: String(HEALTH_PORT),
      MAX_INPUT_PIXELS: String(SIZE * SIZE),
    }),
  );
  const sampler = new WorkerSampler(`http://127.0.0.1:${String(HEALTH_PORT)}/metrics`);
  try {
    const id = randomUUID();
    await sampler.start();
    const started = performance.now();
    const job = {
      type: 'inference',
      job_id: id,
      tenant_id: TENANT,
      params: {
        input: { dataset_id: DATASET, file: 'scene.tif' },
        model: 'landcover',
        batch_size: setup.batch,
      },
    } as QueuedJob;
    await queue.add('inference', job, { jobId: id });
    await receiver.until(
      () => receiver.of(id).some((e) => e.status === 'succeeded' || e.status === 'failed'),
      1_800_000,
    );
    const wall = (performance.now() - started) / 1000;
    const last = receiver.of(id).at(-1);
    if (last?.status !== 'succeeded')
      throw new Error(`the job failed: ${JSON.stringify(last?.error)}`);
    return { wall, ...(await sampler.stop()) };
  } finally {
    await worker.stop();
  }
}

try {
  await store.client().makeBucket('harita');
  const scene = join(dir, 'scene.tif');
  await writeDemoScene(scene, SIZE, SIZE);
  const body = await readFile(scene);
  await store
    .client()
    .putObject('harita', datasetKey(TENANT, DATASET, 'scene.tif'), body, body.length);
  const samples = new Map(SETUPS.map((s) => [s.label, [] as Run[]]));
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? SETUPS : [...SETUPS].reverse();
    for (const setup of order) {
      const sample = await runJob(setup);
      samples.get(setup.label)!.push(sample);
      console.error(`round ${String(round + 1)}: ${setup.label}: ${sample.wall.toFixed(1)} s`);
    }
  }
  const rows = SETUPS.map((setup) => {
    const runs = samples.get(setup.label)!;
    return {
      setup,
      wall: median(runs.map((r) => r.wall)),
      p95: median(runs.map((r) => r.p95Seconds)),
      cpu: median(runs.map((r) => r.cpuSeconds)) / megapixels,
      rss: Math.max(...runs.map((r) => r.peakRssBytes)) / 2 ** 20,
    };
  });
  console.log(
    `inference, ${String(SIZE)} x ${String(SIZE)} demo scene (${megapixels.toFixed(1)} Mpx), demo model, 256-pixel chips, halo 16, the worker's default requests in flight; median of ${String(rounds)}; image ${IMAGE}`,
  );
  console.log(
    'setup                                  wall s   Mpx/s   p95 request ms   worker CPU s/Mpx   worker peak RSS MiB',
  );
  for (const row of rows) {
    console.log(
      `${row.setup.label.padEnd(38)} ${row.wall.toFixed(1).padStart(6)} ${(megapixels / row.wall).toFixed(2).padStart(7)} ${(row.p95 * 1000).toFixed(0).padStart(16)} ${row.cpu.toFixed(3).padStart(18)} ${row.rss.toFixed(0).padStart(21)}`,
    );
  }
  const [grpc, rest, single] = rows;
  console.log(
    `gRPC batched vs REST one chip per request: ${(single!.wall / grpc!.wall).toFixed(2)}x as fast (target 4x); gRPC batched vs REST batched: ${(rest!.wall / grpc!.wall).toFixed(2)}x; gRPC batched: ${(megapixels / grpc!.wall).toFixed(2)} Mpx/s (target 4), worker CPU ${grpc!.cpu.toFixed(3)} s/Mpx (target at most 0.05)`,
  );
} finally {
  await queue.close();
  connection.disconnect();
  await receiver.close();
  await Promise.all([redis.stop(), store.stop(), models.stop()]);
  await rm(dir, { recursive: true, force: true });
}
