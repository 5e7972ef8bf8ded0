import { describe, expect, it } from 'vitest';
import { SAMPLE_FORMAT, sampleDataType } from '../src/index.js';

// The one rule the engine reads samples by and the API's upload check accepts them by, as GDAL
// reads them.
describe('sampleDataType', () => {
  it.each([
    [1, SAMPLE_FORMAT.uint, 'Byte'],
    [4, SAMPLE_FORMAT.uint, 'Byte'],
    [8, SAMPLE_FORMAT.void, 'Byte'],
    [12, SAMPLE_FORMAT.uint, 'UInt16'],
    [16, SAMPLE_FORMAT.uint, 'UInt16'],
    [24, SAMPLE_FORMAT.uint, 'UInt32'],
    [8, SAMPLE_FORMAT.int, 'Int8'],
    [32, SAMPLE_FORMAT.int, 'Int32'],
    [16, SAMPLE_FORMAT.float, 'Float32'],
    [64, SAMPLE_FORMAT.float, 'Float64'],
  ])('reads %i-bit samples of SampleFormat %i as %s', (bits, format, dataType) => {
    expect(sampleDataType(bits, format)).toEqual({ dataType });
  });

  it.each([
    [16, SAMPLE_FORMAT.complexInt, 'complex'],
    [64, SAMPLE_FORMAT.int, '64-bit integer (Int64)'],
    [64, SAMPLE_FORMAT.uint, '64-bit integer (UInt64)'],
    [24, SAMPLE_FORMAT.float, '24-bit floating-point'],
    [12, SAMPLE_FORMAT.int, 'signed 12-bit integer'],
    [0, SAMPLE_FORMAT.uint, '0-bit integer'],
    [8, 9, 'SampleFormat 9'],
  ])('refuses %i-bit samples of SampleFormat %i, naming them', (bits, format, refused) => {
    expect(sampleDataType(bits, format)).toEqual({ refused });
  });
});
