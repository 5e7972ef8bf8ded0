import type { BandReading } from './band-values.js';

/** Running statistics of one band's valid values, mergeable strip by strip. */
export class StatisticsAccumulator {
  count = 0;
  nodataCount = 0;
  min = Number.POSITIVE_INFINITY;
  max = Number.NEGATIVE_INFINITY;
  /** Welford's running mean and sum of squared deviations: stable over billions of pixels. */
  private mean = 0;
  private m2 = 0;

  add(reading: BandReading, from: number, count: number): void {
    const { values, nodataLow, nodataHigh, scale, offset, mask } = reading;
    const plain = scale === 1 && offset === 0;
    let n = this.count;
    let mean = this.mean;
    let m2 = this.m2;
    let min = this.min;
    let max = this.max;
    let skipped = 0;
    for (let i = from; i < from + count; i++) {
      let v = values[i]!;
      if (v !== v || (v >= nodataLow && v <= nodataHigh) || (mask !== null && mask[i] === 0)) {
        skipped++;
        continue;
      }
      if (!plain) v = v * scale + offset;
      n++;
      const delta = v - mean;
      mean += delta / n;
      m2 += delta * (v - mean);
      if (v < min) min = v;
      if (v > max) max = v;
    }
    this.count = n;
    this.mean = mean;
    this.m2 = m2;
    this.min = min;
    this.max = max;
    this.nodataCount += skipped;
  }

  result(): Statistics {
    const empty = this.count === 0;
    return {
      validCount: this.count,
      nodataCount: this.nodataCount,
      min: empty ? null : this.min,
      max: empty ? null : this.max,
      mean: empty ? null : this.mean,
      // Population standard deviation, as gdalinfo -stats reports it.
      stddev: empty ? null : Math.sqrt(this.m2 / this.count),
    };
  }
}

export interface Statistics {
  validCount: number;
  nodataCount: number;
  min: number | null;
  max: number | null;
  mean: number | null;
  stddev: number | null;
}

export interface Histogram {
  min: number;
  max: number;
  /** Counts of valid values in equal buckets over [min, max]; max falls in the last. */
  counts: number[];
}

/** Counts valid values into `buckets` equal buckets over [min, max]. */
export class HistogramAccumulator {
  readonly counts: Float64Array;
  private readonly scaleFactor: number;

  constructor(
    readonly min: number,
    readonly max: number,
    buckets: number,
  ) {
    if (!(Number.isInteger(buckets) && buckets >= 1 && buckets <= 1_000_000))
      throw new RangeError('a histogram has 1 to 1 000 000 buckets');
    if (!(Number.isFinite(min) && Number.isFinite(max) && min <= max))
      throw new RangeError('a histogram needs a finite range');
    this.counts = new Float64Array(buckets);
    this.scaleFactor = max > min ? buckets / (max - min) : 0;
  }

  add(reading: BandReading, from: number, count: number): void {
    const { values, nodataLow, nodataHigh, scale, offset, mask } = reading;
    const { counts, min, max, scaleFactor } = this;
    const last = counts.length - 1;
    for (let i = from; i < from + count; i++) {
      let v = values[i]!;
      if (v !== v || (v >= nodataLow && v <= nodataHigh) || (mask !== null && mask[i] === 0))
        continue;
      v = v * scale + offset;
      if (v < min || v > max) continue;
      const bucket = Math.min(last, Math.floor((v - min) * scaleFactor));
      counts[bucket]!++;
    }
  }

  result(): Histogram {
    return { min: this.min, max: this.max, counts: Array.from(this.counts) };
  }
}
