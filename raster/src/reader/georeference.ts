/**
 * The GeoTIFF tags that place a raster on the Earth, carried verbatim from input to output so a
 * result is georeferenced exactly as its source.
 */
export interface Georeference {
  geoKeyDirectory?: number[];
  geoDoubleParams?: number[];
  geoAsciiParams?: string;
  pixelScale?: number[];
  tiepoint?: number[];
  transformation?: number[];
}

/** GDAL's affine geotransform: [originX, pixelWidth, rowRotation, originY, colRotation, pixelHeight]. */
export type GeoTransform = [number, number, number, number, number, number];

const KEY = {
  GTModelType: 1024,
  GTRasterType: 1025,
  GeographicType: 2048,
  ProjectedCSType: 3072,
} as const;
const USER_DEFINED = 32767;
const RASTER_PIXEL_IS_POINT = 2;

/** The numeric value of one GeoKey, or undefined. */
export function geoKey(georef: Georeference, key: number): number | undefined {
  const dir = georef.geoKeyDirectory;
  if (!dir || dir.length < 4) return undefined;
  const count = dir[3]!;
  for (let i = 0; i < count; i++) {
    const at = 4 + i * 4;
    if (dir[at] === key && dir[at + 1] === 0) return dir[at + 3];
  }
  return undefined;
}

/** The EPSG code of the raster's CRS where the GeoKeys name one. */
export function epsgOf(georef: Georeference): number | null {
  const projected = geoKey(georef, KEY.ProjectedCSType);
  if (projected !== undefined && projected !== USER_DEFINED) return projected;
  const geographic = geoKey(georef, KEY.GeographicType);
  if (geographic !== undefined && geographic !== USER_DEFINED) return geographic;
  return null;
}

export function geoTransformOf(georef: Georeference): GeoTransform | null {
  const t = georef.transformation;
  if (t && t.length >= 16) return [t[3]!, t[0]!, t[1]!, t[7]!, t[4]!, t[5]!];
  const scale = georef.pixelScale;
  const tie = georef.tiepoint;
  if (!scale || !tie || scale.length < 2 || tie.length < 6) return null;
  const [sx, sy] = [scale[0]!, scale[1]!];
  let originX = tie[3]! - tie[0]! * sx;
  let originY = tie[4]! + tie[1]! * sy;
  // GDAL's convention: a PixelIsPoint tiepoint names a pixel's centre, not its corner.
  if (geoKey(georef, KEY.GTRasterType) === RASTER_PIXEL_IS_POINT) {
    originX -= sx / 2;
    originY += sy / 2;
  }
  return [originX, sx, 0, originY, 0, -sy];
}
