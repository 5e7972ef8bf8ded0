import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvalidZonesError, zonalStatistics, type ZoneStatistics } from '../dist/index.js';
import { fixture, oracle } from './oracle.js';
import { scratchDir } from './scratch.js';

const scratch = scratchDir();

// The fixtures cover UTM 33N x 500000-505170, y 4996110-5000000: about 15.0-15.066 E, 45.105-45.14 N.
const ring = (points: [number, number][]): [number, number][] => [...points, points[0]!];
const ZONES = {
  type: 'FeatureCollection',
  features: [
    {
      type: 'Feature',
      id: 'triangle',
      properties: { kind: 'field' },
      geometry: {
        type: 'Polygon',
        coordinates: [
          ring([
            [15.005, 45.11],
            [15.05, 45.112],
            [15.02, 45.135],
          ]),
        ],
      },
    },
    {
      type: 'Feature',
      id: 2,
      properties: null,
      geometry: {
        type: 'Polygon',
        coordinates: [
          ring([
            [15.01, 45.115],
            [15.04, 45.115],
            [15.04, 45.13],
            [15.01, 45.13],
          ]),
          ring([
            [15.02, 45.12],
            [15.03, 45.12],
            [15.03, 45.125],
            [15.02, 45.125],
          ]),
        ],
      },
    },
    {
      type: 'Feature',
      properties: { kind: 'two parts' },
      geometry: {
        type: 'MultiPolygon',
        coordinates: [
          [
            ring([
              [15.001, 45.106],
              [15.004, 45.106],
              [15.004, 45.108],
              [15.001, 45.108],
            ]),
          ],
          [
            ring([
              [15.055, 45.13],
              [15.06, 45.13],
              [15.06, 45.138],
            ]),
          ],
        ],
      },
    },
    {
      type: 'Feature',
      properties: { kind: 'half outside' },
      geometry: {
        type: 'Polygon',
        coordinates: [
          ring([
            [14.99, 45.12],
            [15.01, 45.12],
            [15.01, 45.15],
            [14.99, 45.15],
          ]),
        ],
      },
    },
    {
      type: 'Feature',
      properties: { kind: 'outside' },
      geometry: {
        type: 'Polygon',
        coordinates: [
          ring([
            [16, 46],
            [16.1, 46],
            [16.1, 46.1],
          ]),
        ],
      },
    },
  ],
};

interface Reference {
  pixelCount: number;
  validCount: number;
  min: number | null;
  max: number | null;
  mean: number | null;
  stddev: number | null;
}

function expectMatches(ours: ZoneStatistics[], theirs: Reference[]): void {
  expect(ours).toHaveLength(theirs.length);
  ours.forEach((zone, i) => {
    const reference = theirs[i]!;
    expect([zone.pixelCount, zone.validCount]).toEqual([
      reference.pixelCount,
      reference.validCount,
    ]);
    for (const key of ['min', 'max', 'mean', 'stddev'] as const) {
      if (reference[key] === null) expect(zone[key]).toBeNull();
      else
        expect(Math.abs(zone[key]! - reference[key])).toBeLessThanOrEqual(
          1e-9 * Math.max(1, Math.abs(reference[key])),
        );
    }
  });
}

describe('zonal statistics against numpy', () => {
  it.each([
    ['u16-tiled-deflate-p2-pixel', 2],
    ['f32-tiled-deflate-p3-nan', 1],
    ['i16-striped-zstd-band', 2],
    ['byte-tiled-lzw-p2-mask', 1],
    ['u16-scaled-described', 1],
  ])('%s band %i: counts and statistics per zone, holes and parts included', async (name, band) => {
    const f = fixture(name);
    const zonesPath = join(scratch.path, 'zones.json');
    await writeFile(zonesPath, JSON.stringify(ZONES));
    const ours = await zonalStatistics(f.path, ZONES, { band });
    expectMatches(ours, await oracle<Reference[]>('zonal', f.path, zonesPath, String(band)));
    expect(ours[0]).toMatchObject({ zone: 0, id: 'triangle', properties: { kind: 'field' } });
    expect(ours[1]!.pixelCount).toBeGreaterThan(0);
    expect(ours[4]).toMatchObject({ pixelCount: 0, validCount: 0, mean: null });
  });

  it('rejects zones that are not polygons in GeoJSON, naming the problem', async () => {
    const f = fixture('u16-striped-lzw-band');
    await expect(
      zonalStatistics(f.path, { type: 'FeatureCollection', features: [] }),
    ).rejects.toThrow(InvalidZonesError);
    await expect(zonalStatistics(f.path, { type: 'Point', coordinates: [1, 2] })).rejects.toThrow(
      /invalid zones/,
    );
    const open = {
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
    await expect(zonalStatistics(f.path, open)).rejects.toThrow(/closed/);
    await expect(zonalStatistics(f.path, ZONES, { band: 3 })).rejects.toThrow(
      /band 3 does not exist/,
    );
  });
});
