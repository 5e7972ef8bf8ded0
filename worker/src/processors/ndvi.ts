import { COG_CONTENT_TYPE, ndviToCog } from '@harita/raster';
import type { Processor } from './processor.js';

/** NDVI of a dataset file into `ndvi.tif`, a Float32 COG with nodata -9999. */
export const ndvi: Processor<'ndvi'> = async (params, context) => {
  const input = context.inputUrl(params.input);
  const info = await context.checkedRaster(input);
  const key = context.resultKey('ndvi.tif');
  const output = await ndviToCog(input, context.resultUrl('ndvi.tif'), {
    red: params.red_band,
    nir: params.nir_band,
    s3: context.s3,
    signal: context.signal,
    onProgress: context.progress,
  });
  return {
    results: [{ key, media_type: COG_CONTENT_TYPE, bytes: output.bytes, sha256: output.sha256 }],
    pixels: info.width * info.height,
  };
};
