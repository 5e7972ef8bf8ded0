import { zonalStatistics } from '@harita/raster';
import type { Processor } from './processor.js';

/** Statistics of one band per zone, as `zonal_stats.json`. */
export const zonalStats: Processor<'zonal_stats'> = async (params, context) => {
  const input = context.inputUrl(params.input);
  const info = await context.checkedRaster(input);
  const zones = await zonalStatistics(input, params.zones, {
    band: params.band,
    s3: context.s3,
    signal: context.signal,
    onProgress: context.progress,
  });
  const body = Buffer.from(JSON.stringify({ band: params.band, zones }));
  return {
    results: [await context.putArtifact('zonal_stats.json', body, 'application/json')],
    pixels: info.width * info.height,
  };
};
