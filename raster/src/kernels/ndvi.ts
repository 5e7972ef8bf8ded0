import type { TypedArray } from '../tiff/data-type.js';
import type { BandReading } from './band-values.js';

/** The nodata value of NDVI and normalized-difference outputs (Float32). */
export const NDVI_NODATA = -9999;

/**
 * (a - b) / (a + b) per pixel, e.g. NDVI with a = NIR and b = red. The output is NDVI_NODATA where
 * either input is nodata, NaN or masked, or where a + b is 0.
 */
export function normalizedDifference(
  a: BandReading,
  b: BandReading,
  count: number,
  out: TypedArray,
): void {
  const av = a.values;
  const bv = b.values;
  const aLow = a.nodataLow;
  const aHigh = a.nodataHigh;
  const bLow = b.nodataLow;
  const bHigh = b.nodataHigh;
  const am = a.mask;
  const bm = b.mask;
  const plainA = a.scale === 1 && a.offset === 0;
  const plainB = b.scale === 1 && b.offset === 0;
  if (plainA && plainB && am === null && bm === null) {
    // The common case, kept lean: no masks, no scaling.
    for (let i = 0; i < count; i++) {
      const x = av[i]!;
      const y = bv[i]!;
      const sum = x + y;
      out[i] =
        x !== x || y !== y || (x >= aLow && x <= aHigh) || (y >= bLow && y <= bHigh) || sum === 0
          ? NDVI_NODATA
          : (x - y) / sum;
    }
    return;
  }
  for (let i = 0; i < count; i++) {
    let x = av[i]!;
    let y = bv[i]!;
    if (
      x !== x ||
      y !== y ||
      (x >= aLow && x <= aHigh) ||
      (y >= bLow && y <= bHigh) ||
      (am !== null && am[i] === 0) ||
      (bm !== null && bm[i] === 0)
    ) {
      out[i] = NDVI_NODATA;
      continue;
    }
    if (!plainA) x = x * a.scale + a.offset;
    if (!plainB) y = y * b.scale + b.offset;
    const sum = x + y;
    out[i] = sum === 0 ? NDVI_NODATA : (x - y) / sum;
  }
}
