import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { datasetKey, JOB_QUEUE_NAME, type QueuedJob } from '@harita/contracts';
import { Queue } from 'bullmq';
import { writeDemoScene } from '@harita/demo/scene';
import { JobEventsReceiver } from '../src/job-events-receiver.js';
import { ModelServingContainer } from '../src/services/model-serving.js';
import { ObjectStoreContainer } from '../src/services/object-store.js';
import { RedisContainer } from '../src/services/redis.js';
import { WorkerProcess, workerEnvironment } from '../src/worker-process.js';
import { benchImage } from './images.js';

/**
 * Inference end to end on a 4096 x 4096 demo scene: a job through the queue, the worker process,
 * the object store and model serving (the image's server), batched (8 chips per request) against
 * one chip per request, in one run, alternately. With one request in flight the worker and the
 * server take turns, so the worker's own share is the wall time less the server's request time
 * (from the server's :tensorflow:serving:request_latency). Usage: npm run bench:inference [-- --rounds 2]
 */
const rounds = Number(process.argv[process.argv.indexOf('--rounds') + 1] ?? 2) || 2;
const SIZE = 4096;
const KEY = 'service-role-key-for-the-inference-benchmark';
const TENANT = randomUUID();
const DATASET = randomUUID();
const HEALTH_PORT = 19402;

interface Setup {
  label: string;
  batch: number;
  inflight: number;
}

const SETUPS: Setup[] = [
  { label: 'batched, 8 chips per request', batch: 8, inflight: 1 },
  { label: 'one chip per request', batch: 1, inflight: 1 },
  { label: 'batched, 2 requests in flight (default)', batch: 8, inflight: 2 },
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
const queue = new Queue(JOB_QUEUE_NAME, { connection });

/** Seconds the server spent answering predict requests, so far. */
async function serverSeconds(): Promise<number> {
  const text = await (await fetch(`${models.url}/monitoring/prometheus/metrics`)).text();
  const line = text
    .split('\n')
    .find(
      (l) => l.startsWith(':tensorflow:serving:request_latency_sum') && l.includes('"landcover"'),
    );
  return line ? Number(line.split(' ').at(-1)) / 1e6 : 0;
}

/** A request's fixed cost: the mean round trip of a one-pixel predict. */
async function requestOverheadMs(): Promise<number> {
  const body = JSON.stringify({
    signature_name: 'class_ids',
    instances: [[[[0.1, 0.2, 0.1, 0.4]]]],
  });
  const started = performance.now();
  for (let i = 0; i < 50; i++) {
    const response = await fetch(`${models.url}/v1/models/landcover:predict`, {
      method: 'POST',
      body,
    });
    await response.text();
  }
  return (performance.now() - started) / 50;
}

async function runJob(setup: Setup): Promise<{ wall: number; server: number }> {
  const worker = await WorkerProcess.start(
    workerEnvironment({ redis, store, receiver }, KEY, 'harita', {
      HEALTH_PORT: String(HEALTH_PORT),
      MODEL_SERVING_URL: models.url,
      INFERENCE_REQUESTS_IN_FLIGHT: String(setup.inflight),
      MAX_INPUT_PIXELS: String(SIZE * SIZE),
    }),
  );
  try {
    const id = randomUUID();
    const before = await serverSeconds();
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
    return { wall, server: (await serverSeconds()) - before };
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
  const samples = new Map(SETUPS.map((s) => [s.label, [] as { wall: number; server: number }[]]));
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
    const wall = median(runs.map((r) => r.wall));
    const server = median(runs.map((r) => r.server));
    return {
      setup,
      wall,
      server,
      workerShare: setup.inflight === 1 ? (wall - server) / megapixels : Number.NaN,
    };
  });
  console.log(
    `inference, ${String(SIZE)} x ${String(SIZE)} demo scene (${megapixels.toFixed(1)} Mpx), demo model, 256-pixel chips, halo 16; median of ${String(rounds)}; image ${IMAGE}`,
  );
  console.log(
    'setup                                        wall s   Mpx/s   server s   worker s/Mpx',
  );
  for (const row of rows) {
    console.log(
      `${row.setup.label.padEnd(44)} ${row.wall.toFixed(1).padStart(6)} ${(megapixels / row.wall).toFixed(2).padStart(7)} ${row.server.toFixed(1).padStart(10)} ${Number.isNaN(row.workerShare) ? '         -' : row.workerShare.toFixed(3).padStart(14)}`,
    );
  }
  const [batched, single] = rows;
  console.log(
    `batched vs one chip per request: ${(single!.wall / batched!.wall).toFixed(2)}x as fast; the default vs one chip per request: ${(single!.wall / rows[2]!.wall).toFixed(2)}x`,
  );
  console.log(
    `a request's fixed cost (one-pixel predict, mean of 50): ${(await requestOverheadMs()).toFixed(2)} ms; one chip's share of a batch: ${((batched!.wall / Math.ceil(SIZE / 224) ** 2) * 1000).toFixed(1)} ms`,
  );
} finally {
  await queue.close();
  connection.disconnect();
  await receiver.close();
  await Promise.all([redis.stop(), store.stop(), models.stop()]);
  await rm(dir, { recursive: true, force: true });
}
