import { createArray, isFloat, type DataType, type TypedArray } from '../tiff/data-type.js';

export type Resampling = 'average' | 'nearest';

export interface Rows {
  /** Pixel-interleaved samples, width x rows x samples. */
  data: TypedArray;
  rows: number;
}

/**
 * Halves rows of pixels into the next overview level as they stream by. Rows come in pairs; an odd
 * row is held for the next call, or halved alone by `flush` at the end of the image.
 */
export class Downsampler {
  readonly outWidth: number;
  private held: TypedArray | null = null;

  constructor(
    private readonly width: number,
    private readonly samples: number,
    private readonly dataType: DataType,
    private readonly resampling: Resampling,
    private readonly nodata: number | null,
  ) {
    this.outWidth = Math.ceil(width / 2);
  }

  push(input: Rows): Rows | null {
    const rowLength = this.width * this.samples;
    let data = input.data;
    let rows = input.rows;
    if (this.held) {
      const joined = createArray(this.dataType, (rows + 1) * rowLength);
      joined.set(this.held);
      joined.set(data.subarray(0, rows * rowLength), rowLength);
      data = joined;
      rows += 1;
      this.held = null;
    }
    const pairs = Math.floor(rows / 2);
    if (rows % 2 === 1) this.held = data.slice((rows - 1) * rowLength, rows * rowLength);
    if (pairs === 0) return null;
    return { data: this.halve(data, pairs, false), rows: pairs };
  }

  flush(): Rows | null {
    if (!this.held) return null;
    const data = this.halve(this.held, 1, true);
    this.held = null;
    return { data, rows: 1 };
  }

  private halve(data: TypedArray, outRows: number, single: boolean): TypedArray {
    const { width, samples, outWidth, nodata } = this;
    const out = createArray(this.dataType, outWidth * outRows * samples);
    const rowLength = width * samples;
    const float = isFloat(this.dataType);
    const empty = nodata ?? (float ? Number.NaN : 0);
    const average = this.resampling === 'average';
    for (let y = 0; y < outRows; y++) {
      const top = 2 * y * rowLength;
      const bottom = single ? -1 : top + rowLength;
      const target = y * outWidth * samples;
      for (let x = 0; x < outWidth; x++) {
        const left = 2 * x * samples;
        const hasRight = 2 * x + 1 < width;
        for (let s = 0; s < samples; s++) {
          const a = top + left + s;
          if (!average) {
            out[target + x * samples + s] = data[a]!;
            continue;
          }
          let sum = 0;
          let n = 0;
          let v = data[a]!;
          if (v === v && v !== nodata) {
            sum += v;
            n++;
          }
          if (hasRight) {
            v = data[a + samples]!;
            if (v === v && v !== nodata) {
              sum += v;
              n++;
            }
          }
          if (bottom >= 0) {
            v = data[bottom + left + s]!;
            if (v === v && v !== nodata) {
              sum += v;
              n++;
            }
            if (hasRight) {
              v = data[bottom + left + s + samples]!;
              if (v === v && v !== nodata) {
                sum += v;
                n++;
              }
            }
          }
          out[target + x * samples + s] =
            n === 0 ? empty : float ? sum / n : Math.floor(sum / n + 0.5);
        }
      }
    }
    return out;
  }
}
