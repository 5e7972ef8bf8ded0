import type { DataType } from './data-type.js';
import { UnsupportedRasterError } from './unsupported-raster.js';

/** TIFF SampleFormat values as the file declares them. */
const FORMAT = { uint: 1, int: 2, float: 3, void: 4, complexInt: 5, complexFloat: 6 } as const;

/**
 * The engine's type for samples of `bits` bits (BitsPerSample) and `format` (SampleFormat), as GDAL
 * reads them: unsigned integers of 1 to 7 bits (NBITS) as Byte, 9 to 15 as UInt16 and 17 to 31 as
 * UInt32; 16-bit floats as Float32.
 *
 * @throws UnsupportedRasterError naming the sample type: 64-bit integers, complex samples, 24-bit
 *   floats, signed integers of other than 8, 16 or 32 bits.
 */
export function sampleType(bits: number, format: number): DataType {
  const refuse = (what: string): never => {
    throw new UnsupportedRasterError(`${what} samples are not supported`);
  };
  if (format === FORMAT.complexInt || format === FORMAT.complexFloat) refuse('complex');
  if (bits === 64 && format !== FORMAT.float)
    refuse(`64-bit integer (${format === FORMAT.int ? 'Int64' : 'UInt64'})`);
  if (format === FORMAT.float) {
    if (bits === 16 || bits === 32) return 'Float32';
    if (bits === 64) return 'Float64';
    return refuse(`${String(bits)}-bit floating-point`);
  }
  if (format === FORMAT.int) {
    if (bits === 8) return 'Int8';
    if (bits === 16) return 'Int16';
    if (bits === 32) return 'Int32';
    return refuse(`signed ${String(bits)}-bit integer`);
  }
  if (format !== FORMAT.uint && format !== FORMAT.void) refuse(`SampleFormat ${String(format)}`);
  if (bits >= 1 && bits <= 8) return 'Byte';
  if (bits <= 16) return 'UInt16';
  if (bits <= 32) return 'UInt32';
  return refuse(`${String(bits)}-bit integer`);
}
