import { describe, expect, it } from 'vitest';
import { JOB_PARAMS, JOB_TYPES, Job, JobRequest } from '../src/index.js';

const input = { dataset_id: '5d1c2b3a-4e5f-4a6b-8c7d-9e0f1a2b3c4d', file: 'scene.tif' };
const square = {
  type: 'Polygon',
  coordinates: [
    [
      [10, 50],
      [10.1, 50],
      [10.1, 50.1],
      [10, 50.1],
      [10, 50],
    ],
  ],
};

function messages(result: { success: boolean; error?: { issues: { message: string }[] } }) {
  return result.error?.issues.map((i) => i.message).join('; ') ?? '';
}

describe('job requests', () => {
  it('has a params schema for every job type', () => {
    expect(Object.keys(JOB_PARAMS).sort()).toEqual([...JOB_TYPES].sort());
  });

  it('fills in NDVI defaults (red band 3, NIR band 4)', () => {
    const parsed = JobRequest.parse({ type: 'ndvi', params: { input } });
    expect(parsed).toEqual({ type: 'ndvi', params: { input, red_band: 3, nir_band: 4 } });
  });

  it('refuses NDVI with the same band twice', () => {
    const result = JobRequest.safeParse({
      type: 'ndvi',
      params: { input, red_band: 4, nir_band: 4 },
    });
    expect(messages(result)).toMatch(/must differ/);
  });

  it('checks params against their own type', () => {
    const result = JobRequest.safeParse({
      type: 'buffer',
      params: { input, red_band: 3 },
    });
    expect(result.success).toBe(false);
  });

  it('refuses an unknown job type', () => {
    expect(JobRequest.safeParse({ type: 'mine_bitcoin', params: {} }).success).toBe(false);
  });

  it('accepts a band-math expression over named bands', () => {
    const parsed = JobRequest.parse({
      type: 'band_math',
      params: { input, expression: '(nir - swir) / (nir + swir)', bands: { nir: 8, swir: 11 } },
    });
    expect(parsed.params).toMatchObject({ output_type: 'float32' });
  });

  it('refuses band math with no bands or a band name that is not an identifier', () => {
    const noBands = { input, expression: '1', bands: {} };
    expect(JobRequest.safeParse({ type: 'band_math', params: noBands }).success).toBe(false);
    const badName = { input, expression: 'x', bands: { 'a-b': 1 } };
    expect(JobRequest.safeParse({ type: 'band_math', params: badName }).success).toBe(false);
  });

  it('accepts a buffer of a GeoJSON feature collection', () => {
    const result = JobRequest.safeParse({
      type: 'buffer',
      params: {
        geojson: {
          type: 'FeatureCollection',
          features: [{ type: 'Feature', geometry: square, properties: { name: 'field' } }],
        },
        distance_m: 250,
      },
    });
    expect(result.success).toBe(true);
  });

  it.each([
    ['an open ring', { ...square, coordinates: [square.coordinates[0]?.slice(0, 4)] }],
    ['a latitude past the pole', { type: 'Point', coordinates: [10, 91] }],
    ['a string coordinate', { type: 'Point', coordinates: ['10', 50] }],
    ['an unknown geometry type', { type: 'Circle', coordinates: [10, 50] }],
    ['a four-number position', { type: 'Point', coordinates: [1, 2, 3, 4] }],
    ['a one-position line', { type: 'LineString', coordinates: [[1, 2]] }],
    ['a polygon with no ring', { type: 'MultiPolygon', coordinates: [[]] }],
  ])('refuses invalid GeoJSON: %s', (_, geojson) => {
    const result = JobRequest.safeParse({
      type: 'buffer',
      params: { geojson, distance_m: 100 },
    });
    expect(result.success).toBe(false);
  });

  it('refuses a negative or absurd buffer distance', () => {
    for (const distance_m of [0, -5, 1e9]) {
      const result = JobRequest.safeParse({
        type: 'buffer',
        params: { geojson: square, distance_m },
      });
      expect(result.success).toBe(false);
    }
  });

  it('takes only polygons as zones', () => {
    const zones = (geometry: unknown) => ({
      type: 'FeatureCollection',
      features: [{ type: 'Feature', geometry, properties: null }],
    });
    const ok = JobRequest.safeParse({
      type: 'zonal_stats',
      params: { input, zones: zones(square) },
    });
    expect(ok.success).toBe(true);
    const point = JobRequest.safeParse({
      type: 'zonal_stats',
      params: { input, zones: zones({ type: 'Point', coordinates: [10, 50] }) },
    });
    expect(point.success).toBe(false);
    const none = JobRequest.safeParse({
      type: 'zonal_stats',
      params: { input, zones: { type: 'FeatureCollection', features: [] } },
    });
    expect(messages(none)).toMatch(/at least one zone/);
  });

  it('refuses an inference model name that could escape the URL path', () => {
    const result = JobRequest.safeParse({
      type: 'inference',
      params: { input, model: '../admin' },
    });
    expect(result.success).toBe(false);
  });
});

describe('jobs and queued jobs', () => {
  const base = {
    id: '7e6d5c4b-3a29-4180-9f7e-6d5c4b3a2918',
    tenant_id: '0b9f4a4e-3c1d-4c55-9b1e-6d7f0c2a1e01',
    type: 'ndvi',
    params: { input, red_band: 3, nir_band: 4 },
    status: 'succeeded',
    progress: 100,
    created_at: '2026-11-28T10:00:00Z',
    updated_at: '2026-11-28T10:01:00Z',
    started_at: '2026-11-28T10:00:01Z',
    finished_at: '2026-11-28T10:01:00Z',
    error: null,
    results: [
      {
        key: 'tenants/0b9f4a4e-3c1d-4c55-9b1e-6d7f0c2a1e01/jobs/7e6d5c4b-3a29-4180-9f7e-6d5c4b3a2918/ndvi.tif',
        media_type: 'image/tiff; application=geotiff; profile=cloud-optimized',
        bytes: 1234,
        sha256: 'a'.repeat(64),
      },
    ],
    attempts: 1,
  };

  it('accepts a finished job record', () => {
    expect(Job.safeParse(base).success).toBe(true);
  });

  it('refuses a progress outside 0-100, an unknown status and a bad checksum', () => {
    expect(Job.safeParse({ ...base, progress: 101 }).success).toBe(false);
    expect(Job.safeParse({ ...base, status: 'done' }).success).toBe(false);
    const badHash = { ...base, results: [{ ...base.results[0], sha256: 'xyz' }] };
    expect(Job.safeParse(badHash).success).toBe(false);
  });

  it('refuses an error with an unknown code', () => {
    const failed = { ...base, status: 'failed', error: { code: 'oops', message: 'x' } };
    expect(Job.safeParse(failed).success).toBe(false);
    const coded = { ...failed, error: { code: 'malformed_raster', message: 'not a TIFF' } };
    expect(Job.safeParse(coded).success).toBe(true);
  });
});
