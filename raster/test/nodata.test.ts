import { describe, expect, it } from 'vitest';
import { rasterStatistics, RasterReader } from '../dist/index.js';
import { field, gdal, gdalRead } from './oracle.js';
import { scratchDir } from './scratch.js';

const scratch = scratchDir();

interface GdalStats {
  bands: { metadata: Record<string, Record<string, string>> }[];
}

/** A number as GDAL prints it (inf, -inf and nan included). */
const gdalNumber = (text: string): number =>
  ({ inf: Infinity, '-inf': -Infinity, nan: NaN })[text.toLowerCase()] ?? Number(text);

/** gdalinfo prints statistics to 14 significant digits. */
const close = (ours: number | null, theirs: number): void => {
  expect(ours).not.toBeNull();
  expect(Math.abs(ours! - theirs)).toBeLessThanOrEqual(1e-13 * Math.max(1, Math.abs(theirs)));
};

/** Every sample of band 1 as the engine reads it. */
async function samples(reader: RasterReader): Promise<Buffer> {
  const { width, height } = reader.info;
  const { bands } = await reader.readRows(0, height, [0]);
  const array = bands[0]!;
  return Buffer.from(array.buffer, array.byteOffset, width * height * array.BYTES_PER_ELEMENT);
}

describe('nodata as GDAL defines it for each data type', () => {
  it.each(field().nodata.map((f) => [f.name, f.nodata, f] as const))(
    '%s (nodata %s): absent tiles read as GDAL fills them, and statistics count what gdalinfo -stats counts',
    async (_name, _nodata, f) => {
      const reader = await RasterReader.open(f.path);
      const { meta, raw } = await gdalRead(f.path, scratch.path);
      try {
        expect(reader.info.nodata === null ? null : String(reader.info.nodata)).toBe(
          meta.nodata === null ? null : String(gdalNumber(meta.nodata)),
        );
        expect((await samples(reader)).equals(raw)).toBe(true);
      } finally {
        await reader.close();
      }
      const [ours] = await rasterStatistics(f.path, { buckets: 0 });
      const theirs = JSON.parse(await gdal('gdalinfo', ['-json', '-stats', f.path])) as GdalStats;
      const md = theirs.bands[0]!.metadata['']!;
      const total = 40 * 40;
      expect(ours!.validCount).toBe(
        Math.round((Number(md.STATISTICS_VALID_PERCENT) / 100) * total),
      );
      expect(ours!.validCount + ours!.nodataCount).toBe(total);
      close(ours!.min, Number(md.STATISTICS_MINIMUM));
      close(ours!.max, Number(md.STATISTICS_MAXIMUM));
      close(ours!.mean, Number(md.STATISTICS_MEAN));
    },
  );
});
