/** The sample types a raster can hold, by the names GDAL gives them. */
export const DATA_TYPES = [
  'Byte',
  'Int8',
  'UInt16',
  'Int16',
  'UInt32',
  'Int32',
  'Float32',
  'Float64',
] as const;
export type DataType = (typeof DATA_TYPES)[number];

/** TIFF SampleFormat values (TIFF 6.0 Supplement, tag 339) as a file declares them. */
export const SAMPLE_FORMAT = {
  uint: 1,
  int: 2,
  float: 3,
  void: 4,
  complexInt: 5,
  complexFloat: 6,
} as const;

/**
 * The type the raster engine reads samples of `bits` bits (BitsPerSample) and `format`
 * (SampleFormat) as, which is how GDAL reads them: unsigned integers of 1 to 7 bits (NBITS) as
 * Byte, 9 to 15 as UInt16 and 17 to 31 as UInt32; 16-bit floats as Float32. The engine and the
 * API's upload check both ask here, so what one accepts the other reads.
 * @returns the data type, or what is refused, named for a message ("complex", "signed 12-bit
 *   integer"...): 64-bit integers, complex samples, 24-bit floats, signed integers of other than
 *   8, 16 or 32 bits
 */
export function sampleDataType(
  bits: number,
  format: number,
): { dataType: DataType } | { refused: string } {
  const refused = (what: string) => ({ refused: what });
  if (format === SAMPLE_FORMAT.complexInt || format === SAMPLE_FORMAT.complexFloat)
    return refused('complex');
  if (bits === 64 && format !== SAMPLE_FORMAT.float)
    return refused(`64-bit integer (${format === SAMPLE_FORMAT.int ? 'Int64' : 'UInt64'})`);
  if (format === SAMPLE_FORMAT.float) {
    if (bits === 16 || bits === 32) return { dataType: 'Float32' };
    if (bits === 64) return { dataType: 'Float64' };
    return refused(`${String(bits)}-bit floating-point`);
  }
  if (format === SAMPLE_FORMAT.int) {
    if (bits === 8) return { dataType: 'Int8' };
    if (bits === 16) return { dataType: 'Int16' };
    if (bits === 32) return { dataType: 'Int32' };
    return refused(`signed ${String(bits)}-bit integer`);
  }
  if (format !== SAMPLE_FORMAT.uint && format !== SAMPLE_FORMAT.void)
    return refused(`SampleFormat ${String(format)}`);
  if (bits >= 1 && bits <= 8) return { dataType: 'Byte' };
  if (bits > 8 && bits <= 16) return { dataType: 'UInt16' };
  if (bits > 16 && bits <= 32) return { dataType: 'UInt32' };
  return refused(`${String(bits)}-bit integer`);
}
