import { nodataRange } from '../reader/nodata.js';
import type { RasterInfo } from '../reader/raster-info.js';
import type { TypedArray } from '../tiff/data-type.js';

/** How to turn a band's stored samples into valid physical values. */
export interface BandReading {
  values: TypedArray;
  /** Samples in [nodataLow, nodataHigh] are nodata; NaN for both when none is. */
  nodataLow: number;
  nodataHigh: number;
  scale: number;
  offset: number;
  mask: Uint8Array | null;
}

/**
 * How to read samples of 0-based `band` of the raster `info` describes: its scale and offset, and
 * its nodata as the band's type compares it (see nodataRange).
 */
export function bandReading(
  info: RasterInfo,
  band: number,
  values: TypedArray,
  mask: Uint8Array | null,
): BandReading {
  const { scale, offset } = info.bands[band]!;
  const [nodataLow, nodataHigh] = nodataRange(info.dataType, info.nodata);
  return { values, nodataLow, nodataHigh, scale, offset, mask };
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
  const { values, nodataLow, nodataHigh, scale, offset, mask } = reading;
  const identity = scale === 1 && offset === 0;
  // The engine's native conversion widens every sample type exactly, and leaves the loop below
  // reading one array type: indexing the union of typed arrays made it several times slower.
  out.set(values.subarray(from, from + count));
  for (let i = 0; i < count; i++) {
    const raw = out[i]!;
    if (
      raw !== raw ||
      (raw >= nodataLow && raw <= nodataHigh) ||
      (mask !== null && mask[from + i] === 0)
    ) {
      valid[i] = 0;
      out[i] = Number.NaN;
    } else if (!identity) {
      out[i] = raw * scale + offset;
    }
  }
}
