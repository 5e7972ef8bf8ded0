import { createHash } from 'node:crypto';
import { PutObjectCommand } from '@aws-sdk/client-s3';
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
  const key = context.resultKey('zonal_stats.json');
  await context.s3.send(
    new PutObjectCommand({
      Bucket: context.config.S3_BUCKET,
      Key: key,
      Body: body,
      ContentType: 'application/json',
    }),
    { abortSignal: context.signal },
  );
  return {
    results: [
      {
        key,
        media_type: 'application/json',
        bytes: body.length,
        sha256: createHash('sha256').update(body).digest('hex'),
      },
    ],
    pixels: info.width * info.height,
  };
};
