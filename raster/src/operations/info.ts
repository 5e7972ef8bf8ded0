import type { RasterInfo } from '../reader/raster-info.js';
import { withRaster, type InputOptions } from './open-input.js';

/** What the raster's header says, without reading any pixels. */
export function rasterInfo(location: string, options: InputOptions = {}): Promise<RasterInfo> {
  return withRaster(location, options, (reader) => Promise.resolve(reader.info));
}
