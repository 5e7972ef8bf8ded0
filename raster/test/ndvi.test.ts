import { existsSync } from 'node:fs';
import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NDVI_NODATA, normalizedDifferenceToCog, RasterReader } from '../dist/index.js';
import { fixture, gdal, oracle, validateCog } from './oracle.js';
import { scratchDir } from './scratch.js';

const scratch = scratchDir();

interface Comparison {
  maxDiff: number;
  maskMismatches: number;
  valid: number;
}

/** gdal_calc.py's NDVI of bands a and b, in float64 like the engine, as Float32 with the same nodata. */
async function gdalCalc(
  input: string,
  a: number,
  b: number,
  output: string,
  scale = 1,
  offset = 0,
): Promise<void> {
  const physical = (band: string): string =>
    scale === 1 && offset === 0
      ? `${band}.astype(numpy.float64)`
      : `(${band}.astype(numpy.float64)*${String(scale)}+${String(offset)})`;
  await gdal('gdal_calc.py', [
    '--quiet',
    '-A',
    input,
    `--A_band=${String(a)}`,
    '-B',
    input,
    `--B_band=${String(b)}`,
    `--calc=(${physical('A')}-${physical('B')})/(${physical('A')}+${physical('B')})`,
    `--NoDataValue=${String(NDVI_NODATA)}`,
    '--type=Float32',
    '--overwrite',
    `--outfile=${output}`,
  ]);
}

describe('NDVI against gdal_calc.py', () => {
  it.each([
    ['u16-tiled-deflate-p2-pixel'],
    ['u16-striped-lzw-band'],
    ['u16-bigendian-deflate-p2'],
    ['i16-tiled-deflate-p2-nodata'],
    ['f32-tiled-deflate-p3-nan'],
    ['f32-tiled-zstd-nodata'],
    ['byte-striped-deflate-pixel'],
  ])(
    '%s: the same value in every pixel (1e-6) and the same nodata, as a valid COG',
    async (name) => {
      const f = fixture(name);
      const ours = join(scratch.path, `${name}-ndvi.tif`);
      const theirs = join(scratch.path, `${name}-gdal.tif`);
      const summary = await normalizedDifferenceToCog(f.path, ours, {
        a: 2,
        b: 1,
        cog: { blockSize: 128 },
      });
      await gdalCalc(f.path, 2, 1, theirs);
      const comparison = await oracle<Comparison>('compare', ours, theirs, '1e-6');
      expect(comparison.maskMismatches).toBe(0);
      expect(comparison.valid).toBeGreaterThan(150_000);
      expect(comparison.maxDiff).toBeLessThanOrEqual(1e-6);
      expect(await validateCog(ours)).toMatchObject({ valid: true, errors: [] });
      expect(summary).toMatchObject({ width: 517, height: 389, bigTiff: false });
    },
  );

  it('applies scale and offset before the ratio', async () => {
    const f = fixture('u16-scaled-described');
    const ours = join(scratch.path, 'scaled-ndvi.tif');
    const theirs = join(scratch.path, 'scaled-gdal.tif');
    await normalizedDifferenceToCog(f.path, ours, { a: 2, b: 1 });
    await gdalCalc(f.path, 2, 1, theirs, 0.0001, -0.1);
    const comparison = await oracle<Comparison>('compare', ours, theirs, '1e-6');
    expect(comparison).toMatchObject({ maskMismatches: 0 });
    expect(comparison.maxDiff).toBeLessThanOrEqual(1e-6);
  });

  it('writes nodata where the mask hides a pixel', async () => {
    const f = fixture('byte-tiled-lzw-p2-mask');
    const ours = join(scratch.path, 'masked-ndvi.tif');
    await normalizedDifferenceToCog(f.path, ours, { a: 2, b: 1 });
    const reader = await RasterReader.open(ours);
    try {
      expect(reader.info.nodata).toBe(NDVI_NODATA);
      const { bands } = await reader.readRows(100, 80, [0]);
      const inside = bands[0]!.subarray(50, 300);
      expect(Array.from(inside).every((v) => v === NDVI_NODATA)).toBe(true);
      expect(bands[0]![40]).not.toBe(NDVI_NODATA);
    } finally {
      await reader.close();
    }
  });

  it('carries the georeference, and rejects a band the raster lacks or the same band twice', async () => {
    const f = fixture('u16-striped-lzw-band');
    const out = join(scratch.path, 'geo-ndvi.tif');
    await normalizedDifferenceToCog(f.path, out, { a: 2, b: 1 });
    const info = JSON.parse(await gdal('gdalinfo', ['-json', out])) as {
      geoTransform: number[];
      stac?: unknown;
      coordinateSystem: { wkt: string };
    };
    expect(info.geoTransform).toEqual([500000, 10, 0, 5000000, 0, -10]);
    expect(info.coordinateSystem.wkt).toContain('UTM zone 33N');
    await expect(normalizedDifferenceToCog(f.path, out, { a: 5, b: 1 })).rejects.toThrow(
      /band 5 does not exist: .* has 2 bands/,
    );
    await expect(normalizedDifferenceToCog(f.path, out, { a: 1, b: 1 })).rejects.toThrow(
      /two different bands/,
    );
  });

  it('stops when aborted, leaving neither the output nor its temporary tiles', async () => {
    const f = fixture('u16-striped-lzw-band');
    const out = join(scratch.path, 'aborted.tif');
    const temp = join(scratch.path, 'aborted-tiles');
    await mkdir(temp);
    const controller = new AbortController();
    const fractions: number[] = [];
    const running = normalizedDifferenceToCog(f.path, out, {
      a: 2,
      b: 1,
      signal: controller.signal,
      cog: { blockSize: 16, tempDir: temp },
      onProgress: (fraction) => {
        fractions.push(fraction);
        if (fraction > 0.2) controller.abort();
      },
    });
    await expect(running).rejects.toThrow(/aborted/i);
    expect(fractions.at(-1)).toBeLessThan(0.5);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(`${out}.partial`)).toBe(false);
    expect(await readdir(temp)).toEqual([]);
  });
});
