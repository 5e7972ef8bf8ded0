import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CogOptionsError,
  CogWriter,
  DATA_TYPES,
  RasterReader,
  saveCog,
  type CogOptions,
  type DataType,
  type TypedArray,
} from '../dist/index.js';
import { gdalRead, oracle, validateCog } from './oracle.js';
import { scratchDir } from './scratch.js';

const scratch = scratchDir();
const W = 517;
const H = 389;

const ARRAYS: Record<DataType, (n: number) => TypedArray> = {
  Byte: (n) => new Uint8Array(n),
  Int8: (n) => new Int8Array(n),
  UInt16: (n) => new Uint16Array(n),
  Int16: (n) => new Int16Array(n),
  UInt32: (n) => new Uint32Array(n),
  Int32: (n) => new Int32Array(n),
  Float32: (n) => new Float32Array(n),
  Float64: (n) => new Float64Array(n),
};

const RANGES: Record<DataType, [number, number]> = {
  Byte: [0, 255],
  Int8: [-128, 127],
  UInt16: [0, 65535],
  Int16: [-32768, 32767],
  UInt32: [0, 4294967295],
  Int32: [-2147483648, 2147483647],
  Float32: [-1e30, 1e30],
  Float64: [-1e300, 1e300],
};

/** A smooth field with noise, spanning the type's sign, and its extremes in the corners. */
function band(type: DataType, b: number): TypedArray {
  const values = ARRAYS[type](W * H);
  const [lo, hi] = RANGES[type];
  const span = Math.min(hi - lo, 4000);
  const mid = type.startsWith('U') || type === 'Byte' ? span / 2 : 0;
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const v =
        mid +
        (span / 2.2) * Math.sin((x + 7 * b) / 31) * Math.cos(y / 23) +
        ((x * 7919 + y * 104729) % 13) -
        6;
      values[y * W + x] = type.startsWith('Float') ? v / 3.7 : Math.round(v);
    }
  }
  values[0] = lo;
  values[W * H - 1] = hi;
  return values;
}

async function writeCog(
  name: string,
  options: Omit<CogOptions, 'width' | 'height'>,
  bands: TypedArray[],
  rowsPerCall = 53,
): Promise<string> {
  const writer = await CogWriter.create({ width: W, height: H, ...options });
  for (let row = 0; row < H; row += rowsPerCall) {
    const rows = Math.min(rowsPerCall, H - row);
    await writer.writeRows(
      bands.map((b) => b.subarray(row * W, (row + rows) * W)),
      rows,
    );
  }
  const path = join(scratch.path, `${name}.tif`);
  await saveCog(await writer.finish(), path);
  return path;
}

const GEOREFERENCE = {
  geoKeyDirectory: [
    1, 1, 0, 4, 1024, 0, 1, 1, 1025, 0, 1, 1, 1026, 34737, 22, 0, 3072, 0, 1, 32633,
  ],
  geoAsciiParams: 'WGS 84 / UTM zone 33N|',
  pixelScale: [10, 10, 0],
  tiepoint: [0, 0, 0, 500000, 5000000, 0],
};

describe('the COG writer, read back by GDAL', () => {
  it.each(DATA_TYPES.map((t) => [t]))(
    '%s: a valid COG that GDAL reads to the very samples written',
    async (type) => {
      const bands = [band(type, 0)];
      const path = await writeCog(
        `type-${type}`,
        { bandCount: 1, dataType: type, blockSize: 128, georeference: GEOREFERENCE },
        bands,
      );
      expect(await validateCog(path)).toMatchObject({ valid: true, errors: [] });
      const { meta, raw } = await gdalRead(path, scratch.path);
      // GDAL 3.6 has no Int8 type: it reads signed bytes as Byte (PIXELTYPE=SIGNEDBYTE), same bits.
      expect(meta.dataType).toBe(type === 'Int8' ? 'Byte' : type);
      expect(meta.blockSize).toEqual([128, 128]);
      expect(meta.overviews).toEqual([
        [259, 195],
        [130, 98],
        [65, 49],
      ]);
      expect(meta.geoTransform).toEqual([500000, 10, 0, 5000000, 0, -10]);
      expect(meta.epsg).toBe(32633);
      expect(meta.compression).toBe('DEFLATE');
      expect(meta.predictor).toBe(type.startsWith('Float') ? '3' : '2');
      const written = bands[0]!;
      expect(raw.equals(Buffer.from(written.buffer, written.byteOffset, written.byteLength))).toBe(
        true,
      );
    },
  );

  it('pixel-interleaves several bands and keeps their descriptions and nodata', async () => {
    const bands = [band('UInt16', 0), band('UInt16', 1), band('UInt16', 2)];
    const path = await writeCog(
      'three-bands',
      {
        bandCount: 3,
        dataType: 'UInt16',
        blockSize: 256,
        nodata: 0,
        bands: ['red', 'green', 'blue'].map((description) => ({
          description,
          scale: 1,
          offset: 0,
        })),
      },
      bands,
      512,
    );
    expect(await validateCog(path)).toMatchObject({ valid: true });
    const { meta, raw } = await gdalRead(path, scratch.path);
    expect(meta).toMatchObject({ bands: 3, nodata: '0.0', descriptions: ['red', 'green', 'blue'] });
    expect(raw.equals(Buffer.concat(bands.map((b) => Buffer.from(b.buffer))))).toBe(true);
  });

  it.each([['average'], ['nearest']] as const)(
    'builds %s overviews that match numpy over the level above',
    async (resampling) => {
      const values = band('Float32', 3);
      for (let i = 0; i < values.length; i += 17) values[i] = -9999;
      const path = await writeCog(
        `overviews-${resampling}`,
        { bandCount: 1, dataType: 'Float32', blockSize: 64, nodata: -9999, overviews: resampling },
        [values],
      );
      const levels = await oracle<
        { size: number[]; averageMaxDiff: number; nearestMaxDiff: number }[]
      >('overview', path);
      expect(levels.map((l) => l.size)).toEqual([
        [259, 195],
        [130, 98],
        [65, 49],
        [33, 25],
      ]);
      for (const level of levels) {
        expect(resampling === 'average' ? level.averageMaxDiff : level.nearestMaxDiff).toBeLessThan(
          1e-3,
        );
      }
    },
  );

  it('writes BigTIFF when asked, and a classic TIFF otherwise', async () => {
    const path = await writeCog(
      'bigtiff',
      { bandCount: 1, dataType: 'Int16', bigTiff: 'yes', blockSize: 128 },
      [band('Int16', 0)],
    );
    const head = await RasterReader.open(path);
    try {
      expect(head.info.bigTiff).toBe(true);
    } finally {
      await head.close();
    }
    expect(await validateCog(path)).toMatchObject({ valid: true });
    const { raw } = await gdalRead(path, scratch.path);
    expect(raw.equals(Buffer.from(band('Int16', 0).buffer))).toBe(true);
  });

  it('writes a raster smaller than one tile with no overviews', async () => {
    const writer = await CogWriter.create({ width: 10, height: 3, bandCount: 1, dataType: 'Byte' });
    await writer.writeRows([Uint8Array.from({ length: 30 }, (_, i) => i)], 3);
    const path = join(scratch.path, 'tiny.tif');
    await saveCog(await writer.finish(), path);
    const { meta, raw } = await gdalRead(path, scratch.path);
    expect(meta).toMatchObject({ width: 10, height: 3, overviews: [] });
    expect(Array.from(raw)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(await validateCog(path)).toMatchObject({ valid: true });
  });

  it('refuses rows past the end, an unfinished image and bad options, leaving no file', async () => {
    await expect(
      CogWriter.create({ width: 0, height: 1, bandCount: 1, dataType: 'Byte' }),
    ).rejects.toThrow(CogOptionsError);
    await expect(
      CogWriter.create({ width: 1, height: 1, bandCount: 1, dataType: 'Byte', blockSize: 100 }),
    ).rejects.toThrow(/multiple of 16/);
    await expect(
      CogWriter.create({ width: 1, height: 1, bandCount: 1, dataType: 'UInt16', predictor: 3 }),
    ).rejects.toThrow(/floating-point/);
    const writer = await CogWriter.create({ width: 4, height: 4, bandCount: 1, dataType: 'Byte' });
    await expect(writer.writeRows([new Uint8Array(20)], 5)).rejects.toThrow(/pass the image's 4/);
    await writer.writeRows([new Uint8Array(8)], 2);
    await expect(writer.finish()).rejects.toThrow(/only 2 of 4 rows/);
    await writer.abort();
  });
});
