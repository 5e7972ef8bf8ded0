import { UnsupportedCrsError } from './crs.js';

const WGS84_NAMES =
  /^(urn:ogc:def:crs:OGC:1\.3:CRS84|urn:ogc:def:crs:OGC::CRS84|OGC:CRS84|CRS84|EPSG:4326|urn:ogc:def:crs:EPSG:[\d.]*:4326)$/i;
const EPSG_NAME = /^(?:EPSG:|urn:ogc:def:crs:EPSG:[\d.]*:)(\d+)$/i;

/**
 * The EPSG code of the CRS a GeoJSON `crs` member names (GeoJSON 2008's named CRS; RFC 7946
 * dropped the member, but GDAL and QGIS still write it), or null for none and for WGS 84
 * longitude/latitude (CRS84, EPSG:4326).
 *
 * @throws UnsupportedCrsError naming the member when it is a link or names no EPSG code.
 */
export function zonesCrs(zones: unknown): number | null {
  if (typeof zones !== 'object' || zones === null || !('crs' in zones)) return null;
  const crs = zones.crs;
  if (crs === null) return null;
  const name = (crs as { type?: unknown; properties?: { name?: unknown } } | undefined)?.properties
    ?.name;
  const named = (crs as { type?: unknown }).type === 'name' && typeof name === 'string';
  if (named && WGS84_NAMES.test(name.trim())) return null;
  const code = named ? EPSG_NAME.exec(name.trim())?.[1] : undefined;
  if (code === undefined) {
    throw new UnsupportedCrsError(
      `the zones' crs member ${JSON.stringify(crs)} names no EPSG code; give the zones in WGS 84 (RFC 7946) or name the CRS as EPSG:<code>`,
    );
  }
  return Number(code);
}

/** The collection with every position of every feature's geometry passed through `convert`. */
export function mapPositions(
  zones: unknown,
  convert: (position: readonly number[]) => number[],
): unknown {
  const features = (zones as { features?: unknown }).features;
  if (!Array.isArray(features)) return zones;
  const walk = (value: unknown): unknown => {
    if (!Array.isArray(value)) return value;
    if (value.length >= 2 && value.every((item) => typeof item === 'number'))
      return [...convert(value), ...value.slice(2)];
    return value.map(walk);
  };
  return {
    ...(zones as object),
    features: features.map((feature: unknown) => {
      const geometry = (feature as { geometry?: { coordinates?: unknown } } | null)?.geometry;
      if (!geometry || typeof geometry !== 'object') return feature;
      return {
        ...(feature as object),
        geometry: { ...geometry, coordinates: walk(geometry.coordinates) },
      };
    }),
  };
}
