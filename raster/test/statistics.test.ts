import { describe, expect, it } from 'vitest';
import { rasterStatistics } from '../dist/index.js';
import { fixtures, gdal } from './oracle.js';

interface GdalInfo {
  bands: {
    band: number;
    minimum?: number;
    maximum?: number;
    mean?: number;
    stdDev?: number;
    metadata: Record<string, Record<string, string>>;
  }[];
}

const close = (a: number | null, b: number, relative = 1e-9): void => {
  expect(a).not.toBeNull();
  expect(Math.abs(a! - b)).toBeLessThanOrEqual(relative * Math.max(1, Math.abs(b)));
};

describe('statistics against gdalinfo -stats', () => {
  // gdalinfo ignores masks and reports raw values; those fixtures are checked in their own tests.
  const comparable = fixtures().filter((f) => !f.mask && !f.scaled);

  it.each(comparable.map((f) => [f.name, f] as const))(
    '%s: min, max, mean, stddev and valid count as GDAL',
    async (_name, f) => {
      const ours = await rasterStatistics(f.path, { buckets: 64 });
      const theirs = JSON.parse(await gdal('gdalinfo', ['-json', '-stats', f.path])) as GdalInfo;
      expect(ours).toHaveLength(f.bands);
      for (const band of ours) {
        const reference = theirs.bands[band.band - 1]!;
        const md = reference.metadata[''] ?? {};
        close(band.min, Number(md.STATISTICS_MINIMUM));
        close(band.max, Number(md.STATISTICS_MAXIMUM));
        close(band.mean, Number(md.STATISTICS_MEAN));
        close(band.stddev, Number(md.STATISTICS_STDDEV), 1e-8);
        const total = band.validCount + band.nodataCount;
        expect(total).toBe(517 * 389);
        expect(band.validCount / total).toBeCloseTo(Number(md.STATISTICS_VALID_PERCENT) / 100, 4);
        expect(band.histogram!.counts.reduce((a, b) => a + b, 0)).toBe(band.validCount);
        expect(band.histogram!.counts).toHaveLength(64);
      }
    },
  );

  it('applies scale and offset', async () => {
    const f = fixtures().find((x) => x.scaled)!;
    const [scaled] = await rasterStatistics(f.path, { bands: [1], buckets: 0 });
    const raw = JSON.parse(await gdal('gdalinfo', ['-json', '-stats', f.path])) as GdalInfo;
    const md = raw.bands[0]!.metadata['']!;
    close(scaled!.min, Number(md.STATISTICS_MINIMUM) * 0.0001 - 0.1);
    close(scaled!.mean, Number(md.STATISTICS_MEAN) * 0.0001 - 0.1);
    close(scaled!.stddev, Number(md.STATISTICS_STDDEV) * 0.0001, 1e-8);
    expect(scaled!.histogram).toBeNull();
  });

  it('leaves masked pixels out', async () => {
    const f = fixtures().find((x) => x.mask)!;
    const [band] = await rasterStatistics(f.path, { bands: [1], buckets: 0 });
    expect(band!.nodataCount).toBe(80 * 250);
    expect(band!.validCount).toBe(517 * 389 - 80 * 250);
  });
});
