import { sampleDataType } from '@harita/contracts';
import type { DataType } from './data-type.js';
import { UnsupportedRasterError } from './unsupported-raster.js';

/**
 * The engine's type for samples of `bits` bits (BitsPerSample) and `format` (SampleFormat), by the
 * rule the API's upload check shares (contracts' sampleDataType).
 * @throws UnsupportedRasterError naming the sample type it does not read
 */
export function sampleType(bits: number, format: number): DataType {
  const type = sampleDataType(bits, format);
  if ('refused' in type)
    throw new UnsupportedRasterError(`${type.refused} samples are not supported`);
  return type.dataType;
}
