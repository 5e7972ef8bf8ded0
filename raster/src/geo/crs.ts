import proj4 from 'proj4';
import type { JobErrorKind } from '../job-error-kind.js';

/** A CRS the engine cannot use: not built in and no definition given, or not named by EPSG code. */
export class UnsupportedCrsError extends Error {
  override name = 'UnsupportedCrsError';
  static readonly job: JobErrorKind = { code: 'invalid_params', permanent: true };
}

/**
 * A PROJ definition for an EPSG code: the ones proj4 knows (4326, 4269, 3857) and every WGS 84
 * UTM zone (326xx north, 327xx south). Others need their definition given.
 */
export function projDefinition(epsg: number | null, given?: string): string {
  if (given) return given;
  if (epsg === null)
    throw new UnsupportedCrsError("the raster's CRS has no EPSG code; give its PROJ definition");
  // proj4's typings say defs() always returns a definition; for an unknown code it returns undefined.
  const known = proj4.defs(`EPSG:${String(epsg)}`) as unknown;
  if (known !== undefined) return `EPSG:${String(epsg)}`;
  const zone = epsg % 100;
  if (
    (Math.floor(epsg / 100) === 326 || Math.floor(epsg / 100) === 327) &&
    zone >= 1 &&
    zone <= 60
  ) {
    return `+proj=utm +zone=${String(zone)}${epsg >= 32700 ? ' +south' : ''} +datum=WGS84 +units=m +no_defs`;
  }
  throw new UnsupportedCrsError(`EPSG:${String(epsg)} is not built in; give its PROJ definition`);
}

/** Longitude/latitude (WGS 84, as GeoJSON has them) to the raster's CRS. */
export function fromWgs84(definition: string): (lonLat: readonly number[]) => [number, number] {
  const converter = proj4('EPSG:4326', definition);
  return (lonLat) => {
    const [x, y] = converter.forward([lonLat[0]!, lonLat[1]!]);
    return [x, y];
  };
}

/** The CRS `definition` names to longitude/latitude (WGS 84). */
export function toWgs84(definition: string): (xy: readonly number[]) => [number, number] {
  const converter = proj4(definition, 'EPSG:4326');
  return (xy) => {
    const [lon, lat] = converter.forward([xy[0]!, xy[1]!]);
    return [lon, lat];
  };
}
