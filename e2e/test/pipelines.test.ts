import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, type JobView } from '@harita/demo/api-client';
import { CLASS_NODATA, RasterReader } from '@harita/raster';
import { writeDemoScene } from '@harita/demo/scene';
import { HaritaSystem } from '../src/system.js';
import { wholeScenePrediction } from '../src/whole-image.js';

// The NDVI and inference pipelines through the whole system, driven as a client drives them:
// dataset, presigned upload, completion, job, progress to the end, download; each result
// checked against an answer computed without the worker. And a second tenant sees none of it.
const run = promisify(execFile);
let system: HaritaSystem;
let dir: string;
let tenant: { id: string; token: string };
let api: ApiClient;

async function finished(client: ApiClient, id: string, timeoutMs = 120_000): Promise<JobView[]> {
  const seen: JobView[] = [];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = await client.job(id);
    seen.push(job);
    if (['succeeded', 'failed', 'canceled'].includes(job.status)) return seen;
    if (Date.now() > deadline)
      throw new Error(`job ${id} still ${job.status} after ${String(timeoutMs)} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function download(url: string, name: string): Promise<string> {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  const path = join(dir, name);
  await writeFile(path, Buffer.from(await response.arrayBuffer()));
  const { stdout } = await run('/usr/bin/python3', [
    '-m',
    'osgeo_utils.samples.validate_cloud_optimized_geotiff',
    path,
  ]);
  expect(stdout).toContain('is a valid cloud optimized GeoTIFF');
  return path;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'harita-e2e-pipelines-'));
  system = await HaritaSystem.start({ workers: 1 });
  tenant = await system.newTenant();
  api = new ApiClient(system.apiUrl, tenant.token);
}, 240_000);

afterAll(async () => {
  await system.stop();
  await rm(dir, { recursive: true, force: true });
}, 120_000);

describe('the pipelines through the API', () => {
  let ndviJob: JobView;

  it('NDVI: upload, job, progress to 100, and a COG equal to numpy NDVI of the input', async () => {
    const scene = join(dir, 'ndvi-scene.tif');
    await writeDemoScene(scene, 900, 650);
    const dataset = await api.uploadDataset('field', scene);
    const created = await api.createJob('ndvi', {
      input: { dataset_id: dataset.id, file: dataset.file },
      red_band: 3,
      nir_band: 4,
    });
    expect(created.status).toBe('queued');
    const views = await finished(api, created.id);
    ndviJob = views.at(-1)!;
    expect(ndviJob.status, JSON.stringify(ndviJob.error)).toBe('succeeded');
    const progress = views.map((v) => v.progress);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(ndviJob.progress).toBe(100);
    const result = ndviJob.results[0]!;
    expect(result.key).toBe(`tenants/${tenant.id}/jobs/${created.id}/ndvi.tif`);
    const path = await download(result.url, 'ndvi.tif');
    const { stdout } = await run('/usr/bin/python3', [
      '-c',
      `
import sys, numpy as np
from osgeo import gdal
src = gdal.Open(sys.argv[1]); out = gdal.Open(sys.argv[2])
red = src.GetRasterBand(3).ReadAsArray().astype(np.float64); nir = src.GetRasterBand(4).ReadAsArray().astype(np.float64)
valid = (red != 0) & (nir != 0) & ((nir + red) != 0)
expected = np.where(valid, (nir - red) / np.where(valid, nir + red, 1), -9999)
got = out.GetRasterBand(1).ReadAsArray().astype(np.float64)
print(float(np.max(np.abs(np.where(valid, got - expected, 0)))), int(np.sum((got == -9999) != ~valid)), out.GetRasterBand(1).GetNoDataValue(), out.GetProjection().count('32633') > 0)
`,
      scene,
      path,
    ]);
    const [maxDifference, nodataMismatches, nodata, crs] = stdout.trim().split(' ');
    expect(Number(maxDifference)).toBeLessThan(1e-6);
    expect(Number(nodataMismatches)).toBe(0);
    expect(Number(nodata)).toBe(-9999);
    expect(crs).toBe('True');
  });

  it('inference: stitched class ids equal one whole-image prediction in every pixel', async () => {
    const scene = join(dir, 'inference-scene.tif');
    await writeDemoScene(scene, 1000, 700);
    const dataset = await api.uploadDataset('landcover', scene);
    const created = await api.createJob('inference', {
      input: { dataset_id: dataset.id, file: dataset.file },
      model: 'landcover',
      batch_size: 4,
    });
    const job = (await finished(api, created.id)).at(-1)!;
    expect(job.status, JSON.stringify(job.error)).toBe('succeeded');
    const path = await download(job.results[0]!.url, 'classes.tif');
    const reader = await RasterReader.open(path);
    const served = (await reader.readRows(0, 700, [0])).bands[0]!;
    await reader.close();
    const expected = (await wholeScenePrediction(1000, 700, 1e-4)).classIds;
    let mismatches = 0;
    for (let p = 0; p < expected.length; p++) if (served[p] !== expected[p]) mismatches++;
    expect(mismatches).toBe(0);
    expect(expected.includes(CLASS_NODATA)).toBe(true);
  });

  it("a second tenant can neither see nor fetch anything of the first's", async () => {
    const other = await system.newTenant();
    const call = (path: string, token = other.token) =>
      fetch(`${system.apiUrl}/functions/v1${path}`, {
        headers: { authorization: `Bearer ${token}` },
      });
    expect((await call(`/jobs/${ndviJob.id}`)).status).toBe(404);
    expect(((await (await call('/jobs')).json()) as { items: unknown[] }).items).toEqual([]);
    expect(((await (await call('/datasets')).json()) as { items: unknown[] }).items).toEqual([]);
    const key = ndviJob.results[0]!.key;
    // Without a presigned URL, the object store itself refuses the key.
    const direct = await fetch(`${system.store.endpoint.href}harita/${key}`);
    await direct.body?.cancel();
    expect(direct.status).toBe(403);
    // The first tenant's own read still works.
    expect((await call(`/jobs/${ndviJob.id}`, tenant.token)).status).toBe(200);
  });
});
