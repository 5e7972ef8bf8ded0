import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { execFile } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, type JobView } from '@harita/demo/api-client';
import { writeDemoScene } from '@harita/demo/scene';
import { HaritaSystem } from '../src/system.js';

// Faults injected into the whole system while jobs run through the API: Redis restarted, a worker
// killed, the object store paused, model serving stopped, a malformed raster, and 200 jobs of
// three tenants on two workers. Each job must end once, with the right result or a coded error.
const run = promisify(execFile);
let system: HaritaSystem;
let dir: string;
let tenant: { id: string; token: string };
let api: ApiClient;
let big: { dataset_id: string; file: string };
let small: { dataset_id: string; file: string };

const TERMINAL = ['succeeded', 'failed', 'canceled'];

async function finished(id: string, client = api, timeoutMs = 180_000): Promise<JobView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = await client.job(id);
    if (TERMINAL.includes(job.status)) return job;
    if (Date.now() > deadline)
      throw new Error(`job ${id} still ${job.status} after ${String(timeoutMs)} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function running(id: string, atLeast = 10): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const job = await api.job(id);
    if (job.status === 'running' && job.progress >= atLeast) return;
    if (TERMINAL.includes(job.status))
      throw new Error(`job ${id} ended (${job.status}) before the fault`);
    if (Date.now() > deadline) throw new Error(`job ${id} did not get going`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const inference = (input: { dataset_id: string; file: string }) =>
  api.createJob('inference', { input, model: 'landcover', batch_size: 4 });

async function resultKeys(jobId: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const item of system.store
    .client()
    .listObjectsV2('harita', `tenants/${tenant.id}/jobs/${jobId}/`, true)) {
    keys.push((item as { name: string }).name);
  }
  return keys;
}

async function upload(name: string, path: string): Promise<{ dataset_id: string; file: string }> {
  const dataset = await api.uploadDataset(name, path);
  return { dataset_id: dataset.id, file: dataset.file };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'harita-e2e-faults-'));
  system = await HaritaSystem.start({
    workers: 2,
    workerEnv: {
      JOB_LOCK_SECONDS: '3',
      STALLED_CHECK_SECONDS: '1',
      MODEL_REQUEST_RETRIES: '1',
      MODEL_REQUEST_TIMEOUT_SECONDS: '5',
      TENANT_MAX_RUNNING: '4',
    },
  });
  tenant = await system.newTenant(300);
  api = new ApiClient(system.apiUrl, tenant.token);
  await writeDemoScene(join(dir, 'big.tif'), 2500, 2500);
  await writeDemoScene(join(dir, 'small.tif'), 300, 200);
  big = await upload('big', join(dir, 'big.tif'));
  small = await upload('small', join(dir, 'small.tif'));
}, 300_000);

afterAll(async () => {
  await system.stop();
  await rm(dir, { recursive: true, force: true });
}, 120_000);

describe('faults, through the whole system', () => {
  it('Redis restarted mid-job (append-only file on): the job completes', async () => {
    const job = await inference(big);
    await running(job.id);
    await system.redis.restart({ timeout: 15_000 });
    const done = await finished(job.id);
    expect(done.status, JSON.stringify(done.error)).toBe('succeeded');
    expect(await resultKeys(job.id)).toEqual([`tenants/${tenant.id}/jobs/${job.id}/classes.tif`]);
  });

  it('a worker killed mid-job: the other worker completes it, and there is one result', async () => {
    const job = await inference(big);
    await running(job.id);
    const holder = system.workers.find((w) =>
      w.records.some((r) => r['msg'] === 'job started' && r['job'] === job.id),
    );
    expect(holder).toBeDefined();
    holder!.signal('SIGKILL');
    await holder!.exited;
    const done = await finished(job.id);
    expect(done.status, JSON.stringify(done.error)).toBe('succeeded');
    expect(await resultKeys(job.id)).toEqual([`tenants/${tenant.id}/jobs/${job.id}/classes.tif`]);
    const attempts = await system.admin.query<{ attempt: number }>(
      'select distinct attempt from public.job_events where job_id = $1 order by attempt',
      [job.id],
    );
    expect(attempts.rows.map((r) => r.attempt)).toEqual([1, 2]);
    system.workers = system.workers.filter((w) => w !== holder);
    await system.addWorker();
  });

  it('the object store paused mid-job, then resumed: the job rides it out and succeeds', async () => {
    const job = await inference(big);
    await running(job.id);
    await run('docker', ['pause', system.store.getId()]);
    await new Promise((resolve) => setTimeout(resolve, 4000));
    await run('docker', ['unpause', system.store.getId()]);
    const done = await finished(job.id);
    expect(done.status, JSON.stringify(done.error)).toBe('succeeded');
  });

  it('a malformed raster: that job fails with malformed_raster while the workers go on serving others', async () => {
    const path = join(dir, 'corrupt.tif');
    await writeDemoScene(path, 900, 900);
    const bytes = await readFile(path);
    // The header (at the start of a COG) stays whole and every tile within the file, so the
    // upload's header check passes it (a file cut short it refuses); most tiles' compressed bytes
    // are garbage, which only decoding finds.
    bytes.fill(0xa5, Math.floor(bytes.length * 0.4));
    await writeFile(path, bytes);
    const broken = await upload('corrupt', path);
    const [bad, good] = await Promise.all([
      api.createJob('ndvi', { input: broken, red_band: 3, nir_band: 4 }),
      api.createJob('ndvi', { input: small, red_band: 3, nir_band: 4 }),
    ]);
    const [badDone, goodDone] = await Promise.all([finished(bad.id), finished(good.id)]);
    expect(badDone.status).toBe('failed');
    expect(badDone.error?.code).toBe('malformed_raster');
    expect(badDone.error?.message.length).toBeGreaterThan(10);
    expect(goodDone.status).toBe('succeeded');
  });

  it('200 mixed jobs from three tenants on two workers: every job ends exactly once', async () => {
    const tenants = [
      { ...tenant, client: api, input: small },
      ...(await Promise.all([system.newTenant(300), system.newTenant(300)])).map((t) => ({
        ...t,
        client: new ApiClient(system.apiUrl, t.token),
        input: small,
      })),
    ];
    // The other tenants need data of their own: the first tenant's dataset is not theirs to name.
    for (const t of tenants.slice(1)) {
      const dataset = await t.client.uploadDataset('small', join(dir, 'small.tif'));
      t.input = { dataset_id: dataset.id, file: dataset.file };
    }
    const zones = {
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          properties: {},
          geometry: {
            type: 'Polygon',
            coordinates: [
              [
                [15.0, 45.1],
                [15.02, 45.1],
                [15.02, 45.12],
                [15.0, 45.1],
              ],
            ],
          },
        },
      ],
    };
    const requests = Array.from({ length: 200 }, (_, i) => {
      const t = tenants[i % 3]!;
      const kind = i % 4;
      if (kind === 0)
        return () => t.client.createJob('ndvi', { input: t.input, red_band: 3, nir_band: 4 });
      if (kind === 1)
        return () => t.client.createJob('zonal_stats', { input: t.input, band: 1, zones });
      return () =>
        t.client.createJob('buffer', {
          geojson: { type: 'Point', coordinates: [10 + i / 100, 45] },
          distance_m: 50 + i,
          segments_per_quarter: 2,
        });
    });
    const ids: string[] = [];
    for (let i = 0; i < requests.length; i += 20) {
      ids.push(
        ...(await Promise.all(requests.slice(i, i + 20).map((create) => create()))).map(
          (j) => j.id,
        ),
      );
    }
    expect(new Set(ids).size).toBe(200);
    const deadline = Date.now() + 240_000;
    for (;;) {
      const open = await system.admin.query<{ n: number }>(
        `select count(*)::int as n from public.jobs where id = any($1) and status not in ('succeeded', 'failed', 'canceled')`,
        [ids],
      );
      if (open.rows[0]!.n === 0) break;
      if (Date.now() > deadline) throw new Error(`${String(open.rows[0]!.n)} jobs still open`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const statuses = await system.admin.query<{ status: string; n: number }>(
      'select status, count(*)::int as n from public.jobs where id = any($1) group by status',
      [ids],
    );
    expect(statuses.rows).toEqual([{ status: 'succeeded', n: 200 }]);
    const terminalEvents = await system.admin.query<{ job_id: string; n: number }>(
      `select j.id as job_id, count(e.job_id)::int as n from public.jobs j left join public.job_events e on e.job_id = j.id and e.status in ('succeeded', 'failed', 'canceled')
       where j.id = any($1) group by j.id`,
      [ids],
    );
    expect(terminalEvents.rows.filter((r) => r.n !== 1)).toEqual([]);
    expect(terminalEvents.rows).toHaveLength(200);
  });

  it('model serving stopped: the job fails with model_unavailable after its retries, and the metrics show it', async () => {
    await system.models.stop();
    const job = await inference(small);
    const done = await finished(job.id);
    expect(done.status).toBe('failed');
    expect(done.error?.code).toBe('model_unavailable');
    const metrics = await Promise.all(
      system.workers.map(async (w) =>
        (await fetch(`http://127.0.0.1:${w.healthPort}/metrics`)).text(),
      ),
    );
    const failed = metrics.reduce(
      (sum, text) =>
        sum +
        Number(/harita_jobs_total\{type="inference",outcome="failed"\} (\d+)/.exec(text)?.[1] ?? 0),
      0,
    );
    expect(failed).toBe(1);
    expect(
      metrics.some((text) =>
        /harita_inference_request_duration_seconds_count\{model="landcover",outcome="unavailable"\} [1-9]/.test(
          text,
        ),
      ),
    ).toBe(true);
  });
});
