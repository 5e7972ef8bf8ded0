import { geodesicBuffer } from '../geo/geodesic-buffer.js';
import type { Processor } from './processor.js';

/** Geodesic buffers of the request's GeoJSON, as `buffer.geojson`. */
export const buffer: Processor<'buffer'> = async (params, context) => {
  context.progress(0.1);
  const result = geodesicBuffer(params.geojson, params.distance_m, params.segments_per_quarter);
  const body = Buffer.from(JSON.stringify(result));
  return {
    results: [await context.putArtifact('buffer.geojson', body, 'application/geo+json')],
    pixels: 0,
  };
};
