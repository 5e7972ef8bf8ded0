import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, type JobView } from '@harita/demo/api-client';
import { DEMO_SCENE, demoInferenceParams, demoNdviParams } from '@harita/demo/demo-jobs';
import { verifiedScene } from '@harita/demo/scenes';
import { CLASS_NODATA, RasterReader } from '@harita/raster';
import { writeDemoScene } from '@harita/demo/scene';
import { CLASS_COUNT, referencePrediction } from '@harita/model-serving';
import {
  compareBand1,
  gdalBands,
  gdalCalcNdvi,
  gdalZonal,
  stackBands,
  type BandOf,
} from '../src/gdal-oracle.js';
import { HaritaSystem } from '../src/system.js';
import { wholeScenePrediction } from '../src/whole-image.js';

// The NDVI, inference and zonal statistics pipelines through the whole system, driven as a
// client drives them: dataset, presigned upload, completion, job, progress to the end, download;
// on the real scenes of data/scenes/ (its README: provenance, bands), each result checked against
// GDAL's answer (GDAL's own tools, and the raster engine's GDAL oracle). And a second tenant sees
// none of it.
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

/** Uploads `path`, runs a job of `type` on it with `params` and follows it to success. */
async function jobOn(
  path: string,
  type: string,
  params: (input: { dataset_id: string; file: string }) => Record<string, unknown>,
): Promise<JobView> {
  const dataset = await api.uploadDataset(type, path);
  const created = await api.createJob(type, params({ dataset_id: dataset.id, file: dataset.file }));
  expect(created.status).toBe('queued');
  const views = await finished(api, created.id);
  const job = views.at(-1)!;
  expect(job.status, JSON.stringify(job.error)).toBe('succeeded');
  const progress = views.map((v) => v.progress);
  expect(progress).toEqual([...progress].sort((a, b) => a - b));
  expect(job.progress).toBe(100);
  return job;
}

async function download(url: string, name: string): Promise<string> {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  const path = join(dir, name);
  await writeFile(path, Buffer.from(await response.arrayBuffer()));
  return path;
}

async function downloadCog(url: string, name: string): Promise<string> {
  const path = await download(url, name);
  const { stdout } = await run('/usr/bin/python3', [
    '-m',
    'osgeo_utils.samples.validate_cloud_optimized_geotiff',
    path,
  ]);
  expect(stdout).toContain('is a valid cloud optimized GeoTIFF');
  return path;
}

async function epsg(path: string): Promise<string> {
  return (await run('gdalsrsinfo', ['-o', 'epsg', path])).stdout.trim();
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

interface NdviCase {
  name: string;
  /** The scene files (data/scenes/): one is uploaded as it is, several are stacked first. */
  files: string[];
  /** Red and NIR for GDAL: [position in `files`, 1-based band]. */
  red: [number, number];
  nir: [number, number];
  params: (input: { dataset_id: string; file: string }) => Record<string, unknown>;
  epsg: string;
  /** Pixels valid in both bands, as GDAL reads them. */
  valid: number;
}

// Every multiband scene, with its bands as data/scenes/README.md gives them. Landsat 8 comes as
// one file per band; a job reads one dataset file (NdviParams and BandMathParams have one
// `input`), so the user stacks the two files into one before uploading, and GDAL reads the two
// originals.
const NDVI_CASES: NdviCase[] = [
  {
    name: "NAIP, the demo's job: Byte, nodata 0, its NIR band tagged as alpha in the TIFF",
    files: [DEMO_SCENE.file],
    red: [0, 1],
    nir: [0, 4],
    params: demoNdviParams,
    epsg: 'EPSG:26914',
    valid: 934 * 723,
  },
  {
    name: 'Landsat 7 ETM+: Byte, no nodata, SIRGAS 2000 / UTM 25S',
    files: ['L7_ETMs.tif'],
    red: [0, 3],
    nir: [0, 4],
    params: (input) => ({ input, red_band: 3, nir_band: 4 }),
    epsg: 'EPSG:31985',
    valid: 349 * 352,
  },
  {
    name: 'Sentinel-2 L2A: Float32 in EPSG:4326, NaN nodata outside Luxembourg',
    files: ['sent2_L2A_2024-08-24.tif'],
    red: [0, 3],
    nir: [0, 4],
    params: (input) => ({ input, red_band: 3, nir_band: 4 }),
    epsg: 'EPSG:4326',
    valid: 4876,
  },
  {
    name: 'Landsat 8 OLI: UInt16 red and NIR in two files, stacked by the user',
    files: ['l8_B4.tif', 'l8_B5.tif'],
    red: [0, 1],
    nir: [1, 1],
    params: (input) => ({ input, red_band: 1, nir_band: 2 }),
    epsg: 'EPSG:32616',
    valid: 627 * 603,
  },
];

describe('the pipelines through the API, on real scenes', () => {
  let ndviJob: JobView;

  for (const scene of NDVI_CASES) {
    it(`NDVI equals GDAL's, nodata where GDAL's is: ${scene.name}`, async () => {
      const files = await Promise.all(scene.files.map((file) => verifiedScene(file)));
      const upload =
        files.length === 1
          ? files[0]!
          : join(dir, scene.files.map((file) => file.replace(/\.tif$/, '')).join('_') + '.tif');
      if (files.length > 1) await stackBands(files, upload);
      const job = await jobOn(upload, 'ndvi', scene.params);
      ndviJob = job;
      const result = job.results[0]!;
      expect(result.key).toBe(`tenants/${tenant.id}/jobs/${job.id}/ndvi.tif`);
      const served = await downloadCog(result.url, `ndvi-${job.id}.tif`);
      const band = ([at, number]: [number, number]): BandOf => ({ path: files[at]!, band: number });
      const expected = join(dir, `gdal-ndvi-${job.id}.tif`);
      await gdalCalcNdvi(band(scene.red), band(scene.nir), expected);
      const comparison = await compareBand1(served, expected);
      expect(comparison.maskMismatches).toBe(0);
      expect(comparison.valid).toBe(scene.valid);
      expect(comparison.maxDiff).toBeLessThan(1e-6);
      expect(await epsg(served)).toBe(scene.epsg);
    });
  }

  it("inference, the demo's job on NAIP: the landcover model's classes of its blue, green, red and NIR", async () => {
    const job = await jobOn(await verifiedScene(DEMO_SCENE.file), 'inference', demoInferenceParams);
    const served = await downloadCog(job.results[0]!.url, 'naip-classes.tif');
    const reader = await RasterReader.open(served);
    const { width, height } = reader.info;
    const classes = (await reader.readRows(0, height, [0])).bands[0]!;
    await reader.close();
    // The model's input worked out here from GDAL's read of the scene: blue, green, red and NIR
    // are NAIP's bands 3, 2, 1 and 4 (data/scenes/README.md), 8-bit numbers over 255.
    const naip = await gdalBands(await verifiedScene(DEMO_SCENE.file), dir);
    expect([naip.width, naip.height]).toEqual([width, height]);
    const [red, green, blue, nir] = naip.bands;
    const pixels = width * height;
    const input = new Float32Array(pixels * 4);
    for (let p = 0; p < pixels; p++) {
      input.set([blue![p]! / 255, green![p]! / 255, red![p]! / 255, nir![p]! / 255], p * 4);
    }
    const reference = referencePrediction(input, height, width);
    // Where the two best logits are within float32's reach of each other, either class is right.
    let mismatches = 0;
    let ties = 0;
    for (let p = 0; p < pixels; p++) {
      const logits = [...reference.logits.subarray(p * CLASS_COUNT, (p + 1) * CLASS_COUNT)];
      const [best, second] = logits.sort((a, b) => b - a);
      if (best! - second! < 1e-4) ties++;
      else if (classes[p] !== reference.classIds[p]) mismatches++;
    }
    expect(mismatches).toBe(0);
    expect(ties).toBeLessThan(pixels / 10_000);
    // What a user sees in the preview: open water (NDVI below -0.2) is water, growing fields
    // (NDVI above 0.3) are vegetation.
    const share = (where: (p: number) => boolean, is: (id: number) => boolean) => {
      let all = 0;
      let hits = 0;
      for (let p = 0; p < pixels; p++) {
        if (!where(p)) continue;
        all++;
        if (is(classes[p]!)) hits++;
      }
      return hits / all;
    };
    const ndvi = (p: number) => (nir![p]! - red![p]!) / (nir![p]! + red![p]!);
    expect(
      share(
        (p) => ndvi(p) < -0.2,
        (id) => id === 0,
      ),
    ).toBeGreaterThan(0.9);
    expect(
      share(
        (p) => ndvi(p) > 0.3,
        (id) => id === 2 || id === 3,
      ),
    ).toBeGreaterThan(0.8);
  });

  it('zonal statistics on the DEM (EPSG:4269) equal GDAL rasterize and numpy, per zone', async () => {
    const zones = {
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          properties: { name: 'valley with an island left out' },
          geometry: {
            type: 'Polygon',
            coordinates: [
              [
                [-107.13, 38.945],
                [-107.09, 38.942],
                [-107.07, 38.96],
                [-107.085, 38.985],
                [-107.12, 38.98],
                [-107.13, 38.945],
              ],
              [
                [-107.11, 38.955],
                [-107.11, 38.965],
                [-107.1, 38.965],
                [-107.1, 38.955],
                [-107.11, 38.955],
              ],
            ],
          },
        },
        {
          type: 'Feature',
          properties: { name: 'across the east edge' },
          geometry: {
            type: 'Polygon',
            coordinates: [
              [
                [-107.07, 38.95],
                [-107.03, 38.95],
                [-107.03, 38.97],
                [-107.07, 38.97],
                [-107.07, 38.95],
              ],
            ],
          },
        },
      ],
    };
    const dem = await verifiedScene('co_elevation_roi.tif');
    const job = await jobOn(dem, 'zonal_stats', (input) => ({ input, band: 1, zones }));
    expect(job.results[0]!.media_type).toBe('application/json');
    const body = (await (await fetch(job.results[0]!.url)).json()) as {
      zones: Record<string, number | null>[];
    };
    const served = body.zones;
    const zonesPath = join(dir, 'dem-zones.geojson');
    await writeFile(zonesPath, JSON.stringify(zones));
    const expected = await gdalZonal(dem, zonesPath, 1);
    expect(served).toHaveLength(expected.length);
    served.forEach((zone, i) => {
      const gdal = expected[i]!;
      expect(gdal.validCount).toBeGreaterThan(10_000);
      expect(zone).toMatchObject({
        pixelCount: gdal.pixelCount,
        validCount: gdal.validCount,
        min: gdal.min,
        max: gdal.max,
      });
      expect(zone['mean']).toBeCloseTo(gdal.mean!, 6);
      expect(zone['stddev']).toBeCloseTo(gdal.stddev!, 6);
    });
  });

  it('inference on a synthetic scene with a nodata corner: stitched class ids equal one whole-image prediction in every pixel', async () => {
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
    const path = await downloadCog(job.results[0]!.url, 'classes.tif');
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
