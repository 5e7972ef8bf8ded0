import { ndviToCog } from '@harita/raster';
import type { Processor } from './processor.js';

/** NDVI of a dataset file into `ndvi.tif`, a Float32 COG with nodata -9999. */
export const ndvi: Processor<'ndvi'> = async (params, context) => {
  const input = context.inputUrl(params.input);
  const info = await context.checkedRaster(input);
  const output = await ndviToCog(input, context.resultUrl('ndvi.tif'), {
    red: params.red_band,
    nir: params.nir_band,
    s3: context.s3,
    signal: context.signal,
    onProgress: context.progress,
  });
  return { results: [context.cogResult('ndvi.tif', output)], pixels: info.width * info.height };
};
