import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Client } from 'minio';
import { datasetKey, type JobEvent } from '@harita/contracts';
import { jobQueue, type QueuedJob } from '@harita/queue';
import { CLASS_NODATA, RasterReader } from '@harita/raster';
import { readAll } from '../src/bytes.js';
import { writeDemoScene } from '@harita/demo/scene';
import { JobEventsReceiver } from '../src/job-events-receiver.js';
import {
  ModelServingContainer,
  type StartedModelServingContainer,
} from '../src/services/model-serving.js';
import {
  ObjectStoreContainer,
  type StartedObjectStoreContainer,
} from '../src/services/object-store.js';
import { RedisContainer, type StartedRedisContainer } from '../src/services/redis.js';
import { wholeScenePrediction } from '../src/whole-image.js';
import { WorkerProcess, workerEnvironment } from '../src/worker-process.js';

// Inference jobs through the worker process and model serving (the image's server), from and to
// the real object store: the stitched result against one whole-image prediction, probabilities,
// a model that does not fit the job, and model serving gone.
const run = promisify(execFile);
const bucket = 'harita';
const tenant = randomUUID();
const dataset = randomUUID();
const SERVICE_ROLE_KEY = 'service-role-key-for-the-e2e-suite';
const WIDTH = 1000;
const HEIGHT = 700;
const HEALTH_PORT = 19401;

let redis: StartedRedisContainer;
let store: StartedObjectStoreContainer;
let models: StartedModelServingContainer;
let minio: Client;
let receiver: JobEventsReceiver;
let worker: WorkerProcess;
let queue: Queue;
let connection: Redis;
let dir: string;

async function enqueue(params: Record<string, unknown>): Promise<string> {
  const id = randomUUID();
  const job = {
    type: 'inference',
    job_id: id,
    tenant_id: tenant,
    params: { input: { dataset_id: dataset, file: 'scene.tif' }, model: 'landcover', ...params },
  } as QueuedJob;
  await queue.add('inference', job, { jobId: id, attempts: 1 });
  return id;
}

async function finalEvent(id: string): Promise<JobEvent> {
  await receiver.until(
    () => receiver.of(id).some((e) => ['succeeded', 'failed', 'canceled'].includes(e.status)),
    120_000,
  );
  return receiver.of(id).at(-1)!;
}

/** A result downloaded, checked to be a valid COG, and opened. */
async function download(key: string): Promise<string> {
  const local = join(dir, key.replaceAll('/', '_'));
  await writeFile(local, await readAll(await minio.getObject(bucket, key)));
  const { stdout } = await run('/usr/bin/python3', [
    '-m',
    'osgeo_utils.samples.validate_cloud_optimized_geotiff',
    local,
  ]);
  expect(stdout).toContain('is a valid cloud optimized GeoTIFF');
  return local;
}

async function readBands(
  path: string,
): Promise<{ bands: ArrayLike<number>[]; epsg: number | null; count: number }> {
  const reader = await RasterReader.open(path);
  try {
    const bandIndexes = Array.from({ length: reader.info.bandCount }, (_, i) => i);
    const window = await reader.readRows(0, reader.info.height, bandIndexes);
    return { bands: window.bands, epsg: reader.info.epsg, count: reader.info.bandCount };
  } finally {
    await reader.close();
  }
}

async function workerMetrics(): Promise<string> {
  return (await fetch(`http://127.0.0.1:${String(HEALTH_PORT)}/metrics`)).text();
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'harita-e2e-inference-'));
  [redis, store, models, receiver] = await Promise.all([
    new RedisContainer().start(),
    new ObjectStoreContainer().start(),
    new ModelServingContainer().start(),
    JobEventsReceiver.start(SERVICE_ROLE_KEY),
  ]);
  minio = store.client();
  await minio.makeBucket(bucket);
  const scene = join(dir, 'scene.tif');
  await writeDemoScene(scene, WIDTH, HEIGHT);
  const body = await readFile(scene);
  await minio.putObject(bucket, datasetKey(tenant, dataset, 'scene.tif'), body, body.length);
  worker = await WorkerProcess.start(
    workerEnvironment({ redis, store, receiver }, SERVICE_ROLE_KEY, bucket, {
      HEALTH_PORT: String(HEALTH_PORT),
      ...models.workerEnv(),
      MODEL_REQUEST_TIMEOUT_SECONDS: '10',
      MODEL_REQUEST_RETRIES: '2',
    }),
  );
  connection = redis.connect({ maxRetriesPerRequest: null });
  queue = jobQueue(connection);
});

afterAll(async () => {
  await worker.stop();
  await queue.close();
  connection.disconnect();
  await receiver.close();
  await Promise.all([redis.stop(), store.stop(), models.stop()]);
  await rm(dir, { recursive: true, force: true });
});

describe('inference jobs', () => {
  it('stitch batched chips into class ids equal to one whole-image prediction in every pixel', async () => {
    const id = await enqueue({ batch_size: 3, halo: 8 });
    const last = await finalEvent(id);
    expect(last.error).toBeUndefined();
    expect(last.status).toBe('succeeded');
    const result = last.results?.[0];
    expect(result?.key).toBe(`tenants/${tenant}/jobs/${id}/classes.tif`);
    const classes = await readBands(await download(result!.key));
    expect(classes.epsg).toBe(32633);
    const expected = (await wholeScenePrediction(WIDTH, HEIGHT, 1e-4)).classIds;
    const served = classes.bands[0]!;
    let mismatches = 0;
    for (let p = 0; p < expected.length; p++) if (served[p] !== expected[p]) mismatches++;
    expect(mismatches).toBe(0);
    expect(new Set(expected).size).toBe(5);
  });

  it('writes the class probabilities too when asked, one band per class, agreeing with the class ids', async () => {
    const id = await enqueue({ probabilities: true, batch_size: 4 });
    const last = await finalEvent(id);
    expect(last.status).toBe('succeeded');
    expect(last.results?.map((r) => r.key.split('/').at(-1))).toEqual([
      'classes.tif',
      'probabilities.tif',
    ]);
    const classes = (await readBands(await download(last.results![0]!.key))).bands[0]!;
    const probabilities = await readBands(await download(last.results![1]!.key));
    expect(probabilities.count).toBe(4);
    let disagreements = 0;
    for (let p = 0; p < WIDTH * HEIGHT; p++) {
      if (classes[p] === CLASS_NODATA) continue;
      let best = 0;
      for (let k = 1; k < 4; k++)
        if (probabilities.bands[k]![p]! > probabilities.bands[best]![p]!) best = k;
      const sum = [0, 1, 2, 3].reduce((s, k) => s + probabilities.bands[k]![p]!, 0);
      if (best !== classes[p] || Math.abs(sum - 1) > 1e-4) disagreements++;
    }
    expect(disagreements).toBe(0);
  });

  it('refuse a model that does not take the bands given, and a model that is not served', async () => {
    const threeBands = await finalEvent(await enqueue({ bands: [1, 2, 3] }));
    expect(threeBands.status).toBe('failed');
    expect(threeBands.error).toEqual({
      code: 'invalid_params',
      message: "model 'landcover' takes 4 bands and the job gives 3",
    });
    const unknown = await finalEvent(await enqueue({ model: 'no-such-model' }));
    expect(unknown.status).toBe('failed');
    expect(unknown.error?.code).toBe('invalid_params');
    expect(unknown.error?.message).toMatch(/no model 'no-such-model'/);
  });

  it('fail with model_unavailable after their retries when model serving is gone, and the metrics show it', async () => {
    await models.stop();
    const last = await finalEvent(await enqueue({}));
    expect(last.status).toBe('failed');
    expect(last.error?.code).toBe('model_unavailable');
    expect(last.error?.message).toMatch(/after 3 tries/);
    const metrics = await workerMetrics();
    expect(metrics).toMatch(
      /harita_inference_request_duration_seconds_count\{model="landcover",outcome="unavailable"\} 3/,
    );
    expect(metrics).toMatch(/harita_jobs_total\{type="inference",outcome="failed"\} 3/);
    expect(metrics).toMatch(/harita_jobs_total\{type="inference",outcome="succeeded"\} 2/);
  });
});
