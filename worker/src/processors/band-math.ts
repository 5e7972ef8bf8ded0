import { bandMathToCog, type DataType } from '@harita/raster';
import type { Processor } from './processor.js';

const OUTPUT_TYPES: Record<string, DataType> = {
  uint8: 'Byte',
  int16: 'Int16',
  uint16: 'UInt16',
  int32: 'Int32',
  float32: 'Float32',
  float64: 'Float64',
};

/** A band-math expression over named bands of a dataset file into `band_math.tif`. */
export const bandMath: Processor<'band_math'> = async (params, context) => {
  const input = context.inputUrl(params.input);
  const info = await context.checkedRaster(input);
  const output = await bandMathToCog(input, context.resultUrl('band_math.tif'), {
    expression: params.expression,
    bands: params.bands,
    dataType: OUTPUT_TYPES[params.output_type] ?? 'Float32',
    s3: context.s3,
    signal: context.signal,
    onProgress: context.progress,
  });
  return {
    results: [context.cogResult('band_math.tif', output)],
    pixels: info.width * info.height,
  };
};
