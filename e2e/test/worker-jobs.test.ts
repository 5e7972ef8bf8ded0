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
import {
  enqueueJobs,
  jobQueue,
  signalCancel,
  type QueuedJob,
  type RequestPriority,
} from '@harita/queue';
import {
  ObjectStoreContainer,
  type StartedObjectStoreContainer,
} from '../src/services/object-store.js';
import { RedisContainer, type StartedRedisContainer } from '../src/services/redis.js';
import { JobEventsReceiver } from '../src/job-events-receiver.js';
import { defined } from '../src/defined.js';
import { smallBufferJob } from '../src/jobs.js';
import { runWorkerOnce, WorkerProcess, workerEnvironment } from '../src/worker-process.js';

// The worker as a process, taking jobs from real Redis, reading and writing the real object store,
// posting its job events where the functions will receive them.
const run = promisify(execFile);
const bucket = 'harita';
const tenant = randomUUID();
const dataset = randomUUID();
const SERVICE_ROLE_KEY = 'service-role-key-for-the-e2e-suite';

let redis: StartedRedisContainer;
let store: StartedObjectStoreContainer;
let minio: Client;
let receiver: JobEventsReceiver;
let worker: WorkerProcess;
let queue: Queue;
let connection: Redis;
let dir: string;
let env: Record<string, string>;

async function upload(name: string, body: Buffer): Promise<void> {
  await minio.putObject(bucket, datasetKey(tenant, dataset, name), body, body.length);
}

async function enqueue(
  job: Omit<QueuedJob, 'job_id' | 'tenant_id'>,
  attempts = 1,
): Promise<string> {
  const id = randomUUID();
  await queue.add(
    job.type,
    { ...job, job_id: id, tenant_id: tenant },
    {
      jobId: id,
      attempts,
    },
  );
  return id;
}

/** Enqueues a job as the dispatcher does: fairly, at its request's priority. */
async function enqueue1(job: QueuedJob, priority: RequestPriority = 'normal'): Promise<void> {
  await enqueueJobs(queue, connection, [{ job, priority }]);
}

async function finalEvent(id: string): Promise<JobEvent> {
  await receiver.until(() =>
    receiver.of(id).some((e) => ['succeeded', 'failed', 'canceled'].includes(e.status)),
  );
  return defined(receiver.of(id).at(-1), `an event of job ${id}`);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'harita-e2e-worker-'));
  [redis, store, receiver] = await Promise.all([
    new RedisContainer().start(),
    new ObjectStoreContainer().start(),
    JobEventsReceiver.start(SERVICE_ROLE_KEY),
  ]);
  minio = store.client();
  await minio.makeBucket(bucket);
  await run('/usr/bin/python3', [
    '-c',
    `
import sys, numpy as np
from osgeo import gdal, osr
gdal.UseExceptions()
n = 1500
y, x = np.mgrid[0:n, 0:n]
mem = gdal.GetDriverByName("MEM").Create("", n, n, 4, gdal.GDT_UInt16)
mem.SetGeoTransform([500000, 10, 0, 5000000, 0, -10])
srs = osr.SpatialReference(); srs.ImportFromEPSG(32633); mem.SetProjection(srs.ExportToWkt())
for b in range(1, 5):
    mem.GetRasterBand(b).WriteArray((1000 * b + 300 * np.sin(x / (20.0 + b)) + 200).astype(np.uint16))
    mem.GetRasterBand(b).SetNoDataValue(0)
gdal.GetDriverByName("COG").CreateCopy(sys.argv[1], mem, options=["COMPRESS=DEFLATE"])
big = gdal.GetDriverByName("MEM").Create("", 6000, 6000, 2, gdal.GDT_UInt16)
big.SetGeoTransform([500000, 10, 0, 5000000, 0, -10]); big.SetProjection(srs.ExportToWkt())
for b in (1, 2):
    big.GetRasterBand(b).Fill(1000 * b)
gdal.GetDriverByName("COG").CreateCopy(sys.argv[2], big, options=["COMPRESS=DEFLATE"])
huge = gdal.GetDriverByName("GTiff").Create(sys.argv[3], 30000, 30000, 2, gdal.GDT_UInt16, ["TILED=YES", "SPARSE_OK=TRUE", "COMPRESS=DEFLATE"])
huge.SetGeoTransform([500000, 1, 0, 5000000, 0, -1]); huge = None
`,
    join(dir, 'scene.tif'),
    join(dir, 'big.tif'),
    join(dir, 'huge.tif'),
  ]);
  await upload('scene.tif', await readFile(join(dir, 'scene.tif')));
  // Big enough that a job is still running when the tests stop or kill its worker.
  await upload('big.tif', await readFile(join(dir, 'big.tif')));
  // 30000 x 30000 declared in a file of a few kilobytes: past the default pixel limit.
  await upload('huge.tif', await readFile(join(dir, 'huge.tif')));
  await upload('broken.tif', Buffer.from('II*\0 this is not really a TIFF at all'));
  env = workerEnvironment({ redis, store, receiver }, SERVICE_ROLE_KEY, bucket, {
    HEALTH_PORT: '19400',
    WORKER_CONCURRENCY: '2',
    JOB_LOCK_SECONDS: '2',
    TENANT_MAX_RUNNING: '2',
    STALLED_CHECK_SECONDS: '1',
  });
  worker = await WorkerProcess.start(env);
  connection = redis.connect({ maxRetriesPerRequest: null });
  queue = jobQueue(connection);
});

afterAll(async () => {
  await worker.stop();
  await queue.close();
  connection.disconnect();
  await receiver.close();
  await Promise.all([redis.stop(), store.stop()]);
  await rm(dir, { recursive: true, force: true });
});

describe('the job worker', () => {
  it('stops at start-up with one clear line when a variable is missing or malformed', async () => {
    const missing = await runWorkerOnce({ ...env, REDIS_HOST: '' });
    expect(missing).toEqual({ code: 1, stderr: 'worker: REDIS_HOST is not set\n' });
    const malformed = await runWorkerOnce({ ...env, WORKER_CONCURRENCY: 'many' });
    expect(malformed.code).toBe(1);
    expect(malformed.stderr).toMatch(/^worker: WORKER_CONCURRENCY is invalid: .+\n$/);
  });

  it('runs an NDVI job: a COG under the job prefix, progress and ordered events ending in succeeded', async () => {
    const id = await enqueue({
      type: 'ndvi',
      params: { input: { dataset_id: dataset, file: 'scene.tif' }, red_band: 3, nir_band: 4 },
    });
    const last = await finalEvent(id);
    expect(last.status).toBe('succeeded');
    const events = receiver.of(id);
    expect(events[0]).toMatchObject({ status: 'running', progress: 0, attempt: 1, sequence: 0 });
    expect(events.map((e) => e.sequence)).toEqual(events.map((_, i) => i));
    const progress = events.map((e) => e.progress);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    const result = defined(last.results?.[0], 'a result');
    expect(result).toMatchObject({
      key: `tenants/${tenant}/jobs/${id}/ndvi.tif`,
      media_type: expect.stringContaining('cloud-optimized') as unknown,
    });
    const stat = await minio.statObject(bucket, result.key);
    expect(stat.size).toBe(result.bytes);
    const local = join(dir, 'ndvi.tif');
    const chunks: Buffer[] = [];
    for await (const chunk of await minio.getObject(bucket, result.key))
      chunks.push(chunk as Buffer);
    await writeFile(local, Buffer.concat(chunks));
    const { stdout } = await run('/usr/bin/python3', [
      '-m',
      'osgeo_utils.samples.validate_cloud_optimized_geotiff',
      local,
    ]);
    expect(stdout).toContain('is a valid cloud optimized GeoTIFF');
  });

  it('runs zonal statistics into a JSON result', async () => {
    const ring = [
      [15.001, 45.11],
      [15.05, 45.11],
      [15.05, 45.13],
      [15.001, 45.11],
    ];
    const zones = {
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          properties: { name: 'a' },
          geometry: { type: 'Polygon', coordinates: [ring] },
        },
      ],
    };
    const id = await enqueue({
      type: 'zonal_stats',
      params: { input: { dataset_id: dataset, file: 'scene.tif' }, band: 2, zones },
    } as never);
    const last = await finalEvent(id);
    expect(last.status).toBe('succeeded');
    const body: Buffer[] = [];
    for await (const chunk of await minio.getObject(
      bucket,
      defined(last.results?.[0], 'a result').key,
    ))
      body.push(chunk as Buffer);
    const stats = JSON.parse(Buffer.concat(body).toString()) as {
      zones: { pixelCount: number; mean: number }[];
    };
    const zone = defined(stats.zones[0], 'a zone');
    expect(zone.pixelCount).toBeGreaterThan(1000);
    expect(zone.mean).toBeGreaterThan(2000);
  });

  it('fails bad input with its coded error and keeps serving other jobs', async () => {
    const missingBand = await enqueue({
      type: 'ndvi',
      params: { input: { dataset_id: dataset, file: 'scene.tif' }, red_band: 3, nir_band: 9 },
    });
    const malformed = await enqueue({
      type: 'ndvi',
      params: { input: { dataset_id: dataset, file: 'broken.tif' }, red_band: 1, nir_band: 2 },
    });
    const absent = await enqueue({
      type: 'ndvi',
      params: { input: { dataset_id: randomUUID(), file: 'scene.tif' }, red_band: 1, nir_band: 2 },
    });
    const badExpression = await enqueue({
      type: 'band_math',
      params: {
        input: { dataset_id: dataset, file: 'scene.tif' },
        expression: 'nir +* red',
        bands: { nir: 4, red: 3 },
        output_type: 'float32',
      },
    });
    const fine = await enqueue({
      type: 'band_math',
      params: {
        input: { dataset_id: dataset, file: 'scene.tif' },
        expression: 'nir - red',
        bands: { nir: 4, red: 3 },
        output_type: 'int16',
      },
    });
    expect((await finalEvent(missingBand)).error).toMatchObject({
      code: 'missing_band',
      message: expect.stringContaining('band 9 does not exist') as unknown,
    });
    expect((await finalEvent(malformed)).error).toMatchObject({ code: 'malformed_raster' });
    expect((await finalEvent(absent)).error).toMatchObject({ code: 'not_found' });
    expect((await finalEvent(badExpression)).error).toMatchObject({ code: 'invalid_params' });
    expect(await finalEvent(fine)).toMatchObject({ status: 'succeeded' });
    const huge = await enqueue({
      type: 'ndvi',
      params: { input: { dataset_id: dataset, file: 'huge.tif' }, red_band: 1, nir_band: 2 },
    });
    expect((await finalEvent(huge)).error).toMatchObject({
      code: 'too_large',
      message: expect.stringContaining('30000 x 30000') as unknown,
    });
    const openRing = {
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          properties: {},
          geometry: {
            type: 'Polygon',
            coordinates: [
              [
                [15, 45],
                [15.1, 45],
                [15.1, 45.1],
                [15, 45.2],
              ],
            ],
          },
        },
      ],
    };
    const badZones = await enqueue({
      type: 'zonal_stats',
      params: { input: { dataset_id: dataset, file: 'scene.tif' }, band: 1, zones: openRing },
    } as never);
    expect((await finalEvent(badZones)).error).toMatchObject({
      code: 'invalid_geojson',
      message: expect.stringContaining('closed') as unknown,
    });
    const failed = await queue.getJob(malformed);
    expect(failed?.attemptsMade).toBe(1);
  });

  it('runs a geodesic buffer into GeoJSON', async () => {
    const geojson = {
      type: 'Feature',
      properties: { name: 'well' },
      geometry: { type: 'Point', coordinates: [15, 78] },
    };
    const id = await enqueue({
      type: 'buffer',
      params: { geojson, distance_m: 1000, segments_per_quarter: 8 },
    } as never);
    const last = await finalEvent(id);
    expect(last.status).toBe('succeeded');
    const result = defined(last.results?.[0], 'a result');
    expect(result).toMatchObject({
      key: `tenants/${tenant}/jobs/${id}/buffer.geojson`,
      media_type: 'application/geo+json',
    });
    const body: Buffer[] = [];
    for await (const chunk of await minio.getObject(bucket, result.key)) body.push(chunk as Buffer);
    expect(JSON.parse(Buffer.concat(body).toString())).toMatchObject({
      type: 'FeatureCollection',
      features: [{ properties: { name: 'well' }, geometry: { type: 'Polygon' } }],
    });
  });

  it("shares the worker fairly: tenant B's one job runs before tenant A's thousand", async () => {
    const tenantA = randomUUID();
    const tenantB = randomUUID();
    const job = (tenantId: string): QueuedJob => smallBufferJob(tenantId);
    // Paused while it fills, so the whole flood is queued before any of it runs.
    await queue.pause();
    const flood = Array.from({ length: 1000 }, () => job(tenantA));
    for (const queued of flood) await enqueue1(queued);
    const single = job(tenantB);
    await enqueue1(single);
    await queue.resume();
    await receiver.until(() => receiver.of(single.job_id).length > 0);
    // Counted when B's job starts, as the issue asks, in the order the events arrived: counted at
    // its end, A's quick jobs in the other slot keep finishing while B's runs.
    const arrived = receiver.events;
    const bStart = arrived.findIndex((e) => e.job_id === single.job_id);
    const ofA = new Set(flood.map((a) => a.job_id));
    const doneOfA = arrived
      .slice(0, bStart)
      .filter((e) => ofA.has(e.job_id) && e.status === 'succeeded').length;
    // Two slots: B's job starts with or right after A's first, not behind A's thousand.
    expect(doneOfA).toBeLessThanOrEqual(3);
    await receiver.until(() => receiver.of(single.job_id).some((e) => e.status === 'succeeded'));
    await queue.drain();
  });

  it('cancels a running job: it stops and ends canceled, with no result left', async () => {
    const id = await enqueue({
      type: 'ndvi',
      params: { input: { dataset_id: dataset, file: 'big.tif' }, red_band: 1, nir_band: 2 },
    });
    await receiver.until(() => receiver.of(id).length > 0);
    await signalCancel(connection, id);
    const last = await finalEvent(id);
    expect(last).toMatchObject({ status: 'canceled', error: { code: 'canceled' } });
    const listed = await minio
      .listObjectsV2(bucket, `tenants/${tenant}/jobs/${id}/`, true)
      .toArray();
    expect(listed).toEqual([]);
  });

  it("orders by the request's priority among jobs at the same place in their tenants' queues", async () => {
    await queue.pause();
    const job = (): QueuedJob => smallBufferJob(randomUUID(), [3, 4]);
    const [low, normal, high] = [job(), job(), job()];
    await enqueue1(low, 'low');
    await enqueue1(normal);
    await enqueue1(high, 'high');
    const priorities = await Promise.all(
      [high, normal, low].map(async (j) => (await queue.getJob(j.job_id))?.opts.priority),
    );
    expect(priorities).toEqual([1, 2, 3]);
    await queue.resume();
    for (const j of [low, normal, high])
      expect(await finalEvent(j.job_id)).toMatchObject({ status: 'succeeded' });
  });

  it('delivers every event in order though the endpoint fails at first', async () => {
    receiver.failNext = 3;
    const id = await enqueue({
      type: 'buffer',
      params: {
        geojson: { type: 'Point', coordinates: [1, 2] },
        distance_m: 10,
        segments_per_quarter: 2,
      },
    } as never);
    const last = await finalEvent(id);
    expect(last.status).toBe('succeeded');
    expect(receiver.of(id).map((e) => e.sequence)).toEqual(receiver.of(id).map((_, i) => i));
  });

  it('rides out the object store pausing mid-job and keeps its lock through a job longer than the lock', async () => {
    const id = await enqueue({
      type: 'ndvi',
      params: { input: { dataset_id: dataset, file: 'big.tif' }, red_band: 1, nir_band: 2 },
    });
    await receiver.until(() => receiver.of(id).length > 0);
    await run('docker', ['pause', store.getId()]);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    await run('docker', ['unpause', store.getId()]);
    // The job runs longer than its 2 s lock: only a lock kept renewing lets its first run finish.
    expect(await finalEvent(id)).toMatchObject({ status: 'succeeded', attempt: 1 });
  });

  it('answers /healthz, /readyz and /metrics with the harita_ metrics', async () => {
    expect((await fetch('http://127.0.0.1:19400/healthz')).status).toBe(200);
    const ready = await fetch('http://127.0.0.1:19400/readyz');
    expect(await ready.json()).toEqual({ status: 'ready', failing: [], unreachable: [] });
    const metrics = await (await fetch('http://127.0.0.1:19400/metrics')).text();
    expect(metrics).toMatch(/harita_jobs_total\{type="ndvi",outcome="succeeded"\} [1-9]/);
    expect(metrics).toMatch(/harita_jobs_total\{type="ndvi",outcome="failed"\} [1-9]/);
    expect(metrics).toMatch(/harita_pixels_processed_total\{type="ndvi"\} [1-9]/);
    // The queue's depth is the dispatcher's to export: from every worker it would multiply.
    expect(metrics).not.toContain('harita_queue_jobs');
    expect(metrics).toContain('process_cpu_seconds_total');
    expect(worker.lines.join('\n')).not.toContain(SERVICE_ROLE_KEY);
  });

  it('finishes the running job on SIGTERM, then exits 0', async () => {
    const id = await enqueue({
      type: 'ndvi',
      params: { input: { dataset_id: dataset, file: 'big.tif' }, red_band: 1, nir_band: 2 },
    });
    await receiver.until(() => receiver.of(id).length > 0);
    worker.signal('SIGTERM');
    expect(await worker.exited).toBe(0);
    expect(receiver.of(id).at(-1)).toMatchObject({ status: 'succeeded' });
    worker = await WorkerProcess.start(env);
  });

  it('hands a job back when it outlasts the shutdown grace period, for another worker to finish', async () => {
    await worker.stop();
    const brief = await WorkerProcess.start({ ...env, SHUTDOWN_GRACE_SECONDS: '1' });
    const id = await enqueue({
      type: 'ndvi',
      params: { input: { dataset_id: dataset, file: 'big.tif' }, red_band: 1, nir_band: 2 },
    });
    await receiver.until(() => receiver.of(id).length > 0);
    brief.signal('SIGTERM');
    expect(await brief.exited).toBe(0);
    expect(brief.records.some((r) => r.msg === 'handed back at shutdown')).toBe(true);
    expect(['waiting', 'prioritized']).toContain(await (await queue.getJob(id))?.getState());
    expect(receiver.of(id).some((e) => e.status === 'failed' || e.status === 'succeeded')).toBe(
      false,
    );
    worker = await WorkerProcess.start(env);
    expect(await finalEvent(id)).toMatchObject({ status: 'succeeded' });
  });

  it('hands a job held by a killed worker to another, which completes it once', async () => {
    const id = await enqueue({
      type: 'ndvi',
      params: { input: { dataset_id: dataset, file: 'big.tif' }, red_band: 1, nir_band: 2 },
    });
    await receiver.until(() => receiver.of(id).length > 0);
    worker.signal('SIGKILL');
    await worker.exited;
    worker = await WorkerProcess.start(env);
    const last = await finalEvent(id);
    expect(last).toMatchObject({ status: 'succeeded', attempt: 2 });
    const events = receiver.of(id);
    expect(events.filter((e) => e.status === 'succeeded')).toHaveLength(1);
    const keys = events.map((e) => `${String(e.attempt)}/${String(e.sequence)}`);
    expect(new Set(keys).size).toBe(keys.length);
    const listed = await minio
      .listObjectsV2(bucket, `tenants/${tenant}/jobs/${id}/`, true)
      .toArray();
    expect(listed.map((o: { name?: string }) => o.name)).toEqual([
      `tenants/${tenant}/jobs/${id}/ndvi.tif`,
    ]);
  });
});
