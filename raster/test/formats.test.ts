import { describe, expect, it } from 'vitest';
import { RasterReader, UnsupportedRasterError } from '../dist/index.js';
import { field, gdalRead } from './oracle.js';
import { scratchDir } from './scratch.js';

const scratch = scratchDir();

/** Every band of the raster as the engine reads it, band after band, in uneven row windows. */
async function readAll(reader: RasterReader): Promise<Buffer> {
  const { width, height, bandCount } = reader.info;
  const parts: Buffer[] = [];
  for (let band = 0; band < bandCount; band++) {
    for (let row = 0; row < height; row += 37) {
      const rows = Math.min(37, height - row);
      const array = (await reader.readRows(row, rows, [band])).bands[0]!;
      parts.push(
        Buffer.from(array.buffer, array.byteOffset, width * rows * array.BYTES_PER_ELEMENT),
      );
    }
  }
  return Buffer.concat(parts);
}

const formats = field().formats;

describe('formats users send, read as GDAL reads them', () => {
  it.each(formats.filter((f) => f.kind === 'read').map((f) => [f.name, f] as const))(
    '%s: the same type and every sample as GDAL',
    async (_name, f) => {
      const { meta, raw } = await gdalRead(f.path, scratch.path);
      const reader = await RasterReader.open(f.path);
      try {
        expect([reader.info.dataType, reader.info.bandCount]).toEqual([meta.dataType, meta.bands]);
        expect((await readAll(reader)).equals(raw)).toBe(true);
      } finally {
        await reader.close();
      }
    },
  );

  it.each(formats.filter((f) => f.kind === 'refused').map((f) => [f.name, f] as const))(
    '%s: refused with a message naming the format, not suggesting corruption',
    async (_name, f) => {
      const opened = RasterReader.open(f.path);
      await expect(opened).rejects.toThrow(UnsupportedRasterError);
      const message = await opened.then(
        () => '',
        (error: unknown) => (error as Error).message,
      );
      expect(message).toContain(f.format!);
      expect(message).toMatch(/not supported/);
      expect(message).not.toMatch(/corrupt|truncated|damaged|malformed|decompress/i);
    },
  );
});
