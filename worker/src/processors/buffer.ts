import { createHash } from 'node:crypto';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { geodesicBuffer } from '../geo/geodesic-buffer.js';
import type { Processor } from './processor.js';

/** Geodesic buffers of the request's GeoJSON, as `buffer.geojson`. */
export const buffer: Processor<'buffer'> = async (params, context) => {
  context.progress(0.1);
  const result = geodesicBuffer(params.geojson, params.distance_m, params.segments_per_quarter);
  const body = Buffer.from(JSON.stringify(result));
  const key = context.resultKey('buffer.geojson');
  await context.s3.send(
    new PutObjectCommand({
      Bucket: context.config.S3_BUCKET,
      Key: key,
      Body: body,
      ContentType: 'application/geo+json',
    }),
    { abortSignal: context.signal },
  );
  return {
    results: [
      {
        key,
        media_type: 'application/geo+json',
        bytes: body.length,
        sha256: createHash('sha256').update(body).digest('hex'),
      },
    ],
    pixels: 0,
  };
};
