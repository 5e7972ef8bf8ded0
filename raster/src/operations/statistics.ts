import { bandReading } from '../kernels/band-values.js';
import {
  HistogramAccumulator,
  StatisticsAccumulator,
  type Histogram,
  type Statistics,
} from '../kernels/statistics.js';
import { strips } from '../pipeline/strips.js';
import { bandIndex, withRaster, type InputOptions } from './open-input.js';

export interface StatisticsOptions extends InputOptions {
  /** 1-based bands (default all). */
  bands?: number[];
  /** Histogram buckets over [min, max] (default 256; 0 for none). Needs a second pass. */
  buckets?: number;
  onProgress?: (fraction: number) => void;
}

export interface BandStatistics extends Statistics {
  band: number;
  histogram: Histogram | null;
}

/**
 * Statistics of each band's valid pixels (not nodata, NaN or masked; scale and offset applied):
 * one streaming pass, and a second for the histogram once min and max are known.
 */
export function rasterStatistics(
  location: string,
  options: StatisticsOptions = {},
): Promise<BandStatistics[]> {
  return withRaster(location, options, async (reader) => {
    const { info } = reader;
    const numbers = options.bands ?? info.bands.map((band) => band.index);
    const indices = numbers.map((band) => bandIndex(reader, band, 'the'));
    const buckets = options.buckets ?? 256;
    const passes = buckets > 0 ? 2 : 1;
    const stats = indices.map(() => new StatisticsAccumulator());
    for await (const strip of strips(reader, indices, 512, options.signal)) {
      const count = info.width * strip.rows;
      indices.forEach((band, b) => {
        stats[b]!.add(bandReading(info, band, strip.bands[b]!, strip.masks[b]!), 0, count);
      });
      options.onProgress?.((strip.row + strip.rows) / info.height / passes);
    }
    const results = stats.map((s) => s.result());
    const histograms = results.map((r) =>
      buckets > 0 && r.min !== null && r.max !== null
        ? new HistogramAccumulator(r.min, r.max, buckets)
        : null,
    );
    if (histograms.some((h) => h !== null)) {
      for await (const strip of strips(reader, indices, 512, options.signal)) {
        const count = info.width * strip.rows;
        indices.forEach((band, b) =>
          histograms[b]?.add(bandReading(info, band, strip.bands[b]!, strip.masks[b]!), 0, count),
        );
        options.onProgress?.(0.5 + (strip.row + strip.rows) / info.height / 2);
      }
    }
    return results.map((result, b) => ({
      band: numbers[b]!,
      ...result,
      histogram: histograms[b]?.result() ?? null,
    }));
  });
}
