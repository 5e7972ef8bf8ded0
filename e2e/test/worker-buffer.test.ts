import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import type { GeoJson } from '@harita/contracts';
import { geodesicBuffer } from '@harita/worker/geodesic-buffer';
import { PostgresContainer, type StartedPostgresContainer } from '../src/services/postgres.js';

// The buffer job's geometry against PostGIS's ST_Buffer on geography, the reference for
// geodesically correct buffers, from the equator to high latitudes and across the antimeridian.
let postgres: StartedPostgresContainer;
let db: pg.Client;

beforeAll(async () => {
  postgres = await new PostgresContainer().start();
  db = await postgres.connect();
});

afterAll(async () => {
  await db.end();
  await postgres.stop();
});

interface Comparison {
  reference: number;
  ours: number;
  difference: number;
}

/** Areas on the ellipsoid (m²) of PostGIS's buffer, ours, and of their symmetric difference. */
async function compare(input: GeoJson, distance: number): Promise<Comparison> {
  const ours = geodesicBuffer(input, distance, 8).features[0]?.geometry;
  const { rows } = await db.query<Comparison>(
    `WITH b AS (
       SELECT ST_Buffer(ST_GeomFromGeoJSON($1)::geography, $2, 'quad_segs=8') AS reference,
              ST_GeomFromGeoJSON($3) AS ours)
     SELECT ST_Area(reference) AS reference,
            ST_Area(ours::geography) AS ours,
            ST_Area(ST_SymDifference(ST_ShiftLongitude(reference::geometry), ST_ShiftLongitude(ours))::geography) AS difference
     FROM b`,
    [JSON.stringify(input), distance, JSON.stringify(ours)],
  );
  const row = rows[0];
  if (!row) throw new Error('no comparison');
  return row;
}

describe('geodesic buffers against PostGIS ST_Buffer(geography)', () => {
  it.each([
    ['a point on the equator, 1 km', { type: 'Point', coordinates: [10, 0] }, 1000],
    ['a point at 60 N, 5 km', { type: 'Point', coordinates: [25, 60] }, 5000],
    ['a point at 78 N (Svalbard), 10 km', { type: 'Point', coordinates: [15, 78] }, 10_000],
    ['a point at 70 S, 25 km', { type: 'Point', coordinates: [-60, -70] }, 25_000],
    [
      'a line at 45 N, 500 m',
      {
        type: 'LineString',
        coordinates: [
          [7, 45],
          [7.05, 45.02],
          [7.1, 45],
        ],
      },
      500,
    ],
    [
      'a polygon at 52 N, 2 km',
      {
        type: 'Polygon',
        coordinates: [
          [
            [13.3, 52.5],
            [13.5, 52.5],
            [13.5, 52.6],
            [13.3, 52.6],
            [13.3, 52.5],
          ],
        ],
      },
      2000,
    ],
  ] as [string, GeoJson, number][])(
    '%s: the same area within 0.5 % and the same shape within 1 %',
    async (_name, input, distance) => {
      const { reference, ours, difference } = await compare(input, distance);
      expect(Math.abs(ours - reference) / reference).toBeLessThan(0.005);
      expect(difference / reference).toBeLessThan(0.01);
    },
  );

  it('splits a buffer across the antimeridian into two parts within ±180, of the right area', async () => {
    const input: GeoJson = { type: 'Point', coordinates: [179.95, -17] };
    const buffered = geodesicBuffer(input, 20_000, 8).features[0]?.geometry;
    expect(buffered?.type).toBe('MultiPolygon');
    const longitudes = (buffered?.coordinates.flat(3) ?? []).filter((_, i) => i % 2 === 0);
    expect(Math.max(...longitudes)).toBe(180);
    expect(Math.min(...longitudes)).toBe(-180);
    const { reference, ours } = await compare(input, 20_000);
    expect(Math.abs(ours - reference) / reference).toBeLessThan(0.005);
  });

  it('keeps each feature with its id and properties', () => {
    const result = geodesicBuffer(
      {
        type: 'FeatureCollection',
        features: [
          {
            type: 'Feature',
            id: 'well-7',
            properties: { depth: 40 },
            geometry: { type: 'Point', coordinates: [36.8, -1.3] },
          },
        ],
      },
      100,
      4,
    );
    expect(result.features[0]).toMatchObject({
      type: 'Feature',
      id: 'well-7',
      properties: { depth: 40 },
      geometry: { type: 'Polygon' },
    });
  });
});
