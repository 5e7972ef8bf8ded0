import { describe, expect, it } from 'vitest';
import { RasterReader } from '../dist/index.js';
import { field, gdalMasks } from './oracle.js';
import { scratchDir } from './scratch.js';

const scratch = scratchDir();
/** GDAL's mask flags for a mask of its own (per dataset, or an alpha band); nodata is not one. */
const GMF_PER_DATASET = 2;
const GMF_ALPHA = 4;

describe('masks as GDAL reads them', () => {
  it.each(field().masks.map((f) => [f.name, f] as const))(
    "%s: each band's mask is GDAL's, pixel for pixel",
    async (_name, f) => {
      const { flags, masks } = await gdalMasks(f.path, scratch.path);
      const reader = await RasterReader.open(f.path);
      try {
        const { width, height, bandCount } = reader.info;
        const pixels = width * height;
        const window = await reader.readRows(0, height, [...Array(bandCount).keys()]);
        flags.forEach((flag, b) => {
          const ours = window.masks[b];
          if ((flag & (GMF_PER_DATASET | GMF_ALPHA)) === 0)
            expect(ours, `band ${String(b + 1)}`).toBeNull();
          else
            expect(Buffer.from(ours!).equals(masks.subarray(b * pixels, (b + 1) * pixels))).toBe(
              true,
            );
        });
        // Each band read alone (the alpha band read alongside it) has the same mask.
        for (let b = 0; b < bandCount; b++) {
          const alone = (await reader.readRows(0, height, [b])).masks[0] ?? null;
          const together = window.masks[b] ?? null;
          expect(alone === null ? null : Buffer.from(alone)).toEqual(
            together === null ? null : Buffer.from(together),
          );
        }
      } finally {
        await reader.close();
      }
    },
  );
});
