import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bandMathToCog, rasterStatistics, zonalStatistics } from '../dist/index.js';
import { fieldCase, gdalMasked, gdalRead, oracle, validateCog } from './oracle.js';
import { scratchDir } from './scratch.js';

const scratch = scratchDir();

interface Expected {
  validCount: number;
  min: number | null;
  max: number | null;
  mean: number | null;
  stddev: number | null;
}

/** GDAL's answers agree to 1e-9 relative (test/cases/README.md). */
function expectClose(ours: Expected & { nodataCount?: number }, theirs: Expected): void {
  expect(ours.validCount).toBe(theirs.validCount);
  for (const key of ['min', 'max', 'mean', 'stddev'] as const) {
    const reference = theirs[key]!;
    expect(Math.abs(ours[key]! - reference), key).toBeLessThanOrEqual(
      1e-9 * Math.max(1, Math.abs(reference)),
    );
  }
}

/** Our band-math output equals GDAL's expression over GDAL's masks: nodata exactly where GDAL's is. */
async function expectCalcLikeGdal(
  input: string,
  expression: string,
  numpy: string,
  bands: Record<string, number>,
): Promise<void> {
  const output = join(scratch.path, `${input.split('/').pop()!}.calc.tif`);
  await bandMathToCog(input, output, { expression, bands });
  const { values } = await gdalMasked(input, scratch.path, numpy, bands);
  const { meta, raw } = await gdalRead(output, scratch.path);
  const ours = new Float32Array(raw.buffer, raw.byteOffset, raw.length / 4);
  const nodata = Number(meta.nodata);
  let mismatches = 0;
  values.forEach((expected, i) => {
    const got = ours[i]!;
    const same = Number.isNaN(expected)
      ? got === nodata
      : got !== nodata && Math.abs(got - expected) <= 1e-6 * Math.max(1, Math.abs(expected));
    if (!same) mismatches++;
  });
  expect(mismatches).toBe(0);
  expect((await validateCog(output)).valid).toBe(true);
}

describe("the field cases give GDAL's answers", () => {
  it('f32_nodata_34e38: a Float32 nodata is compared as float32', async () => {
    const path = fieldCase('f32_nodata_34e38.tif');
    const [ours] = await rasterStatistics(path, { buckets: 0 });
    const { statistics } = await gdalMasked(path, scratch.path, 't', { t: 1 });
    expectClose(ours!, statistics[0]!);
    expect(ours!.nodataCount).toBe(statistics[0]!.nodataCount);
    expect(ours!.validCount).toBe(10935);
    await expectCalcLikeGdal(path, 't * 1', 't * 1', { t: 1 });
  });

  it('sparse_cog_rgb_mask: an absent tile of the internal mask is masked', async () => {
    const path = fieldCase('sparse_cog_rgb_mask.tif');
    const ours = await rasterStatistics(path, { buckets: 0 });
    const { statistics } = await gdalMasked(path, scratch.path, 'r', { r: 1, g: 2, b: 3 });
    statistics.forEach((theirs, b) => {
      expectClose(ours[b]!, theirs);
      expect(ours[b]!.nodataCount).toBe(theirs.nodataCount);
    });
    expect(ours[0]!.validCount).toBe(105341);
    await expectCalcLikeGdal(path, 'g - r', 'g - r', { r: 1, g: 2 });
  });

  it('multipolygon_overlap_zonal: a MultiPolygon is the union of its parts; a bow tie burns as GDAL burns it', async () => {
    const zonesPath = fieldCase('overlap_zones.geojson');
    const zones: unknown = JSON.parse(await readFile(zonesPath, 'utf8'));
    const path = fieldCase('overlap_base.tif');
    const ours = await zonalStatistics(path, zones);
    const theirs = await oracle<(Expected & { pixelCount: number })[]>(
      'zonal',
      path,
      zonesPath,
      '1',
    );
    ours.forEach((zone, z) => {
      expect(zone.pixelCount).toBe(theirs[z]!.pixelCount);
      expectClose(zone, theirs[z]!);
    });
    expect(ours.map((zone) => zone.pixelCount)).toEqual([2800, 400]);
  });

  it('nbits1_mask: 1-bit data, rows not whole bytes, reads as Byte 0 and 1', async () => {
    const path = fieldCase('nbits1_mask.tif');
    const [ours] = await rasterStatistics(path, { buckets: 0 });
    const { statistics } = await gdalMasked(path, scratch.path, 'v', { v: 1 });
    expectClose(ours!, statistics[0]!);
    expect([ours!.validCount, ours!.min, ours!.max]).toEqual([73926, 0, 1]);
  });

  it('jpeg_ycbcr_cog_mask: JPEG in YCbCr with a mask, each pixel as GDAL decodes it', async () => {
    const path = fieldCase('jpeg_ycbcr_cog_mask.tif');
    const ours = await rasterStatistics(path, { bands: [1, 2, 3], buckets: 0 });
    const { statistics } = await gdalMasked(path, scratch.path, 'r', { r: 1, g: 2, b: 3 });
    statistics.forEach((theirs, b) => {
      expectClose(ours[b]!, theirs);
    });
    expect(ours[0]!.validCount).toBe(166197);
  });
});
