import type { DataType } from '../tiff/data-type.js';
import type { Georeference, GeoTransform } from './georeference.js';

export interface BandInfo {
  /** 1-based, as GDAL numbers bands. */
  index: number;
  description: string | null;
  scale: number;
  offset: number;
}

/** What a user asks of a raster before reading it (`harita-raster info`). */
export interface RasterInfo {
  source: string;
  /** The file's size in bytes. */
  bytes: number;
  width: number;
  height: number;
  bandCount: number;
  dataType: DataType;
  blockWidth: number;
  blockHeight: number;
  tiled: boolean;
  interleave: 'pixel' | 'band';
  compression: string;
  predictor: number;
  bigTiff: boolean;
  epsg: number | null;
  geoTransform: GeoTransform | null;
  nodata: number | null;
  hasMask: boolean;
  bands: BandInfo[];
  overviews: { width: number; height: number }[];
  georeference: Georeference;
}
