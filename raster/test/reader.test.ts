import { describe, expect, it } from 'vitest';
import { RasterReader } from '../dist/index.js';
import { fixtures, gdalRead } from './oracle.js';
import { scratchDir } from './scratch.js';

const scratch = scratchDir();

/** Every band of the raster as the engine reads it, in uneven row windows. */
async function readAll(reader: RasterReader): Promise<Buffer> {
  const { width, height, bandCount } = reader.info;
  const parts: Buffer[] = [];
  for (let band = 0; band < bandCount; band++) {
    for (let row = 0; row < height; row += 97) {
      const rows = Math.min(97, height - row);
      const { bands } = await reader.readRows(row, rows, [band]);
      const array = bands[0]!;
      parts.push(
        Buffer.from(array.buffer, array.byteOffset, width * rows * array.BYTES_PER_ELEMENT),
      );
    }
  }
  return Buffer.concat(parts);
}

describe('reading GDAL-written GeoTIFFs', () => {
  it.each(fixtures().map((f) => [f.name, f] as const))(
    '%s reads to the same samples and metadata as GDAL',
    async (_name, f) => {
      const reader = await RasterReader.open(f.path);
      try {
        const { meta, raw } = await gdalRead(f.path, scratch.path);
        const { info } = reader;
        expect([info.width, info.height, info.bandCount, info.dataType]).toEqual([
          meta.width,
          meta.height,
          meta.bands,
          meta.dataType,
        ]);
        expect(info.geoTransform).toEqual(meta.geoTransform);
        expect(info.epsg).toBe(meta.epsg);
        expect(info.overviews.map((o) => [o.width, o.height])).toEqual(meta.overviews);
        expect(info.nodata === null ? null : String(info.nodata)).toBe(
          meta.nodata === null ? null : String(Number(meta.nodata)),
        );
        expect(info.hasMask).toBe(f.mask);
        expect(info.bands.map((b) => b.description ?? '')).toEqual(meta.descriptions);
        if (f.scaled)
          expect(info.bands.map((b) => [b.scale, b.offset])).toEqual([
            [0.0001, -0.1],
            [0.0001, -0.1],
          ]);
        const ours = await readAll(reader);
        expect(ours.length).toBe(raw.length);
        expect(ours.equals(raw)).toBe(true);
      } finally {
        await reader.close();
      }
    },
  );

  it('reads the per-dataset mask: masked pixels are 0, the rest 1', async () => {
    const f = fixtures().find((x) => x.mask)!;
    const reader = await RasterReader.open(f.path);
    try {
      const { masks } = await reader.readRows(90, 100, [0]);
      const mask = masks[0];
      const width = reader.info.width;
      expect(mask).not.toBeNull();
      // GDAL's fixture masks rows 100-179, columns 50-299.
      expect(mask![(100 - 90) * width + 50]).toBe(0);
      expect(mask![(179 - 90) * width + 299]).toBe(0);
      expect(mask![(99 - 90) * width + 50]).toBe(1);
      expect(mask![(150 - 90) * width + 300]).toBe(1);
      expect(mask!.reduce((sum, v) => sum + v, 0)).toBe(100 * width - 80 * 250);
    } finally {
      await reader.close();
    }
  });

  it('says which band does not exist', async () => {
    const reader = await RasterReader.open(fixtures()[0]!.path);
    try {
      await expect(reader.readRows(0, 1, [7])).rejects.toThrow(
        /has 3 bands; band 8 does not exist/,
      );
      await expect(reader.readRows(380, 20, [0])).rejects.toThrow(/outside/);
    } finally {
      await reader.close();
    }
  });
});
