import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  InvalidZonesError,
  UnsupportedCrsError,
  zonalStatistics,
  type ZoneStatistics,
} from '../dist/index.js';
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

/** The fixtures' CRS (UTM 33N): origin 500000, 5000000, 10 m pixels; pixel centres at ...5. */
const UTM = { type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::32633' } };
const px = (c: number): number => 500000 + 10 * c;
const py = (r: number): number => 5000000 - 10 * r;
const square = (c0: number, r0: number, c1: number, r1: number): [number, number][] =>
  ring([
    [px(c0), py(r0)],
    [px(c1), py(r0)],
    [px(c1), py(r1)],
    [px(c0), py(r1)],
  ]);
const feature = (id: string, geometry: object): object => ({
  type: 'Feature',
  id,
  properties: null,
  geometry,
});
/** Shapes on the pixel grid's edges and centres, where the burning rules decide every pixel. */
const BOUNDARIES = {
  type: 'FeatureCollection',
  crs: UTM,
  features: [
    feature('vertices on centres', {
      type: 'Polygon',
      coordinates: [square(10.5, 10.5, 20.5, 20.5)],
    }),
    feature('the same, clockwise', {
      type: 'Polygon',
      coordinates: [square(10.5, 10.5, 20.5, 20.5).reverse()],
    }),
    feature('vertices on corners', { type: 'Polygon', coordinates: [square(30, 10, 40, 20)] }),
    feature('overlapping parts and a hole', {
      type: 'MultiPolygon',
      coordinates: [
        [square(50, 10, 70, 30), square(55.5, 15.5, 60.5, 20.5)],
        [square(60, 20, 80, 40)],
        [square(60, 20, 80, 40)],
      ],
    }),
    feature('bow tie crossing at a centre', {
      type: 'Polygon',
      coordinates: [
        ring([
          [px(100.5), py(100.5)],
          [px(120.5), py(120.5)],
          [px(120.5), py(100.5)],
          [px(100.5), py(120.5)],
        ]),
      ],
    }),
    feature('slanted', {
      type: 'Polygon',
      coordinates: [
        ring([
          [px(200.25), py(50.5)],
          [px(260.5), py(80.5)],
          [px(230.75), py(130.5)],
          [px(190.5), py(90)],
        ]),
      ],
    }),
    feature('again, overlapping the first', {
      type: 'Polygon',
      coordinates: [square(10.5, 10.5, 20.5, 20.5)],
    }),
    feature('past the edge', { type: 'Polygon', coordinates: [square(-5.5, -3, 7.5, 9.5)] }),
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

describe('zonal statistics against GDAL rasterize', () => {
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

  it.each([
    ['u16-tiled-deflate-p2-pixel', 1],
    ['byte-tiled-lzw-p2-mask', 1],
  ])(
    "%s: shapes on pixel edges and centres, in the raster's own CRS by the crs member, burn as GDAL burns them",
    async (name, band) => {
      const f = fixture(name);
      const zonesPath = join(scratch.path, 'boundaries.json');
      await writeFile(zonesPath, JSON.stringify(BOUNDARIES));
      const ours = await zonalStatistics(f.path, BOUNDARIES, { band });
      expectMatches(ours, await oracle<Reference[]>('zonal', f.path, zonesPath, String(band)));
      expect(ours[0]!.pixelCount).toBe(ours[6]!.pixelCount);
    },
  );

  it('honours a crs member naming another CRS: zones in Web Mercator', async () => {
    const f = fixture('u16-tiled-deflate-p2-pixel');
    const { default: proj4 } = await import('proj4');
    const toMercator = proj4('EPSG:4326', 'EPSG:3857');
    const mercator = {
      ...ZONES,
      crs: { type: 'name', properties: { name: 'EPSG:3857' } },
      features: ZONES.features.slice(0, 4).map((zone) => ({
        ...zone,
        geometry: {
          ...zone.geometry,
          coordinates: JSON.parse(
            JSON.stringify(zone.geometry.coordinates),
            (_key, value: unknown) =>
              Array.isArray(value) && typeof value[0] === 'number'
                ? toMercator.forward(value as number[])
                : value,
          ) as unknown,
        },
      })),
    };
    const zonesPath = join(scratch.path, 'mercator.json');
    await writeFile(zonesPath, JSON.stringify(mercator));
    const ours = await zonalStatistics(f.path, mercator, { band: 1 });
    expectMatches(ours, await oracle<Reference[]>('zonal', f.path, zonesPath, '1'));
  });

  it('refuses a crs member it cannot use, by name; WGS 84 by any of its names is the default', async () => {
    const f = fixture('u16-tiled-deflate-p2-pixel');
    await expect(
      zonalStatistics(f.path, {
        ...ZONES,
        crs: { type: 'name', properties: { name: 'EPSG:2154' } },
      }),
    ).rejects.toThrow(/EPSG:2154 is not built in/);
    const link = { type: 'link', properties: { href: 'http://example.com/crs/42' } };
    await expect(zonalStatistics(f.path, { ...ZONES, crs: link })).rejects.toThrow(
      UnsupportedCrsError,
    );
    await expect(zonalStatistics(f.path, { ...ZONES, crs: link })).rejects.toThrow(
      /crs member .*link.* names no EPSG code/,
    );
    const plain = await zonalStatistics(f.path, ZONES);
    for (const name of ['urn:ogc:def:crs:OGC:1.3:CRS84', 'EPSG:4326']) {
      const named = { ...ZONES, crs: { type: 'name', properties: { name } } };
      expect(await zonalStatistics(f.path, named)).toEqual(plain);
    }
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
