import { isFloat, rangeOf, type DataType } from '../tiff/data-type.js';

/**
 * A band's nodata as GDAL reports it: a Float32 band's is rounded to float32 (so a text such as
 * -3.39999999999999996e+38 becomes float32(-3.4e38), a value within rounding of ±FLT_MAX lands on
 * it, and one beyond becomes ±Infinity); other types keep the declared value.
 */
export function reportedNodata(type: DataType, declared: number | null): number | null {
  return declared !== null && type === 'Float32' ? Math.fround(declared) : declared;
}

/** GDAL's tolerance for float nodata: ARE_REAL_EQUAL, |v - nodata| < 2 FLT_EPSILON |v + nodata|. */
const TOLERANCE = 2 * 2 ** -23;
const FLT_MAX = 3.4028234663852886e38;
/** Where a float32 sum rounds to Infinity: FLT_MAX plus half its last unit. */
const FLOAT32_OVERFLOW = FLT_MAX + 2 ** 103;
const NONE: readonly [number, number] = [Number.NaN, Number.NaN];

/**
 * The samples that mark a pixel nodata, [low, high] inclusive, compared as GDAL compares them in the
 * band's own type: for floats, the values within GDAL's tolerance of the nodata (its
 * ARE_REAL_EQUAL; a NaN nodata adds nothing, NaN pixels are never valid). On a Float32 band GDAL
 * evaluates that test in float32, where |v + nodata| overflows to Infinity for a nodata near
 * ±FLT_MAX (the common -3.4e38): every value from there to ±FLT_MAX matches too. (For a nodata
 * between about 1e31 and FLT_MAX / 2 in size that overflow range is apart from the nodata; those
 * values, beyond ±1.7e38, are not taken as nodata here.) For integer types only an integer within
 * the type's range matches, exactly (anything else matches no pixel: GDAL's mask band; its
 * statistics also match 32-bit integers within the float tolerance). [NaN, NaN] when no sample
 * matches.
 */
export function nodataRange(type: DataType, nodata: number | null): readonly [number, number] {
  if (nodata === null || Number.isNaN(nodata)) return NONE;
  if (isFloat(type)) {
    if (!Number.isFinite(nodata) || nodata === 0) return [nodata, nodata];
    const a = (nodata * (1 - TOLERANCE)) / (1 + TOLERANCE);
    const b = (nodata * (1 + TOLERANCE)) / (1 - TOLERANCE);
    const [low, high] = [Math.min(a, b), Math.max(a, b)];
    if (type !== 'Float32') return [low, high];
    const overflow = Math.sign(nodata) * FLOAT32_OVERFLOW - nodata;
    if (nodata < 0 && overflow >= low) return [-FLT_MAX, Math.max(high, overflow)];
    if (nodata > 0 && overflow <= high) return [Math.min(low, overflow), FLT_MAX];
    return [low, high];
  }
  const [low, high] = rangeOf(type);
  return Number.isInteger(nodata) && nodata >= low && nodata <= high ? [nodata, nodata] : NONE;
}

/**
 * What an absent (sparse) block reads as, as GDAL fills one: the nodata converted to the band's
 * type (integers rounded half away from zero and clamped, NaN as 0), or 0 without a nodata.
 */
export function sparseFill(type: DataType, nodata: number | null): number {
  if (nodata === null) return 0;
  if (isFloat(type)) return nodata;
  if (Number.isNaN(nodata)) return 0;
  const [low, high] = rangeOf(type);
  const rounded = Math.sign(nodata) * Math.floor(Math.abs(nodata) + 0.5);
  return Math.min(high, Math.max(low, rounded));
}

/**
 * Whether the nodata decides the band's mask, ahead of an alpha band: GDAL's test, a value within
 * the range of the type widened to 32 bits (Byte's own range for Byte), any value for floats.
 */
export function nodataMasks(type: DataType, nodata: number | null): boolean {
  if (nodata === null) return false;
  if (isFloat(type)) return true;
  const [low, high] =
    type === 'Byte' ? rangeOf('Byte') : rangeOf(type.startsWith('U') ? 'UInt32' : 'Int32');
  return nodata >= low && nodata <= high;
}
