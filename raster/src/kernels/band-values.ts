import type { BandInfo } from '../reader/raster-info.js';
import type { TypedArray } from '../tiff/data-type.js';

/** How to turn a band's stored samples into valid physical values. */
export interface BandReading {
  values: TypedArray;
  nodata: number | null;
  scale: number;
  offset: number;
  mask: Uint8Array | null;
}

export function bandReading(
  values: TypedArray,
  band: BandInfo,
  nodata: number | null,
  mask: Uint8Array | null,
): BandReading {
  return { values, nodata, scale: band.scale, offset: band.offset, mask };
}

/**
 * Writes physical values (scale and offset applied) of pixels [from, from + count) into `out` and
 * clears `valid` where the pixel is nodata, NaN or masked.
 */
export function readPhysical(
  reading: BandReading,
  from: number,
  count: number,
  out: Float64Array,
  valid: Uint8Array,
): void {
  const { values, nodata, scale, offset, mask } = reading;
  const identity = scale === 1 && offset === 0;
  for (let i = 0; i < count; i++) {
    const raw = values[from + i]!;
    if (raw !== raw || raw === nodata || (mask !== null && mask[from + i] === 0)) {
      valid[i] = 0;
      out[i] = Number.NaN;
    } else {
      out[i] = identity ? raw : raw * scale + offset;
    }
  }
}
