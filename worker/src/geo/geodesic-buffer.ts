import type { GeoJson, Geometry } from '@harita/contracts';
import GeoJSONReader from 'jsts/org/locationtech/jts/io/GeoJSONReader.js';
import GeoJSONWriter from 'jsts/org/locationtech/jts/io/GeoJSONWriter.js';
import BufferOp from 'jsts/org/locationtech/jts/operation/buffer/BufferOp.js';
import BufferParameters from 'jsts/org/locationtech/jts/operation/buffer/BufferParameters.js';
import OverlayOp from 'jsts/org/locationtech/jts/operation/overlay/OverlayOp.js';
import proj4 from 'proj4';

/** [longitude, latitude] or [x, y], with an optional altitude, as GeoJSON has them. */
type Position = [number, number, ...number[]];
type Polygonal =
  | { type: 'Polygon'; coordinates: Position[][] }
  | { type: 'MultiPolygon'; coordinates: Position[][][] };

export interface BufferedFeature {
  type: 'Feature';
  id?: string | number;
  properties: Record<string, unknown> | null;
  geometry: Polygonal;
}

export interface BufferedCollection {
  type: 'FeatureCollection';
  features: BufferedFeature[];
}

const reader = new GeoJSONReader();
const writer = new GeoJSONWriter();

/**
 * Buffers every feature by `distance` metres on the ellipsoid. Each feature is buffered in its
 * own azimuthal equidistant projection centred on it, where distances from the centre are true,
 * then brought back to WGS 84; Turf buffers in one world-wide projection and undersizes away
 * from the equator. A result crossing the antimeridian is split there, as RFC 7946 asks.
 */
export function geodesicBuffer(
  input: GeoJson,
  distance: number,
  segmentsPerQuarter: number,
): BufferedCollection {
  const features =
    input.type === 'FeatureCollection'
      ? input.features
      : input.type === 'Feature'
        ? [input]
        : [{ type: 'Feature' as const, properties: null, geometry: input }];
  return {
    type: 'FeatureCollection',
    features: features.map((feature) => ({
      type: 'Feature',
      ...(feature.id === undefined ? {} : { id: feature.id }),
      properties: feature.properties,
      geometry: bufferGeometry(feature.geometry, distance, segmentsPerQuarter),
    })),
  };
}

function bufferGeometry(
  geometry: Geometry,
  distance: number,
  segmentsPerQuarter: number,
): Polygonal {
  const positions = allPositions(geometry);
  const [lon0, lat0] = centre(positions);
  const local = proj4(
    'EPSG:4326',
    `+proj=aeqd +lat_0=${String(lat0)} +lon_0=${String(lon0)} +datum=WGS84 +units=m +no_defs`,
  );
  // Longitudes are first brought within 180 degrees of the centre, so a feature that crosses the
  // antimeridian projects in one piece.
  const toLocal = (p: Position): Position => local.forward([near(p[0], lon0), p[1]]);
  const planar = reader.read(mapGeometry(geometry, toLocal));
  const buffered = BufferOp.bufferOp(planar, distance, new BufferParameters(segmentsPerQuarter));
  const back = (p: Position): Position => {
    const [lon, lat] = local.inverse([p[0], p[1]]);
    return [near(lon, lon0), lat];
  };
  const result = mapGeometry(writer.write(buffered), back) as Polygonal;
  return splitAtAntimeridian(result);
}

/** The longitude equal to `lon` modulo 360 that lies within 180 degrees of `centre`. */
function near(lon: number, centre: number): number {
  return lon - 360 * Math.round((lon - centre) / 360);
}

function allPositions(geometry: Geometry): Position[] {
  switch (geometry.type) {
    case 'Point':
      return [geometry.coordinates];
    case 'MultiPoint':
    case 'LineString':
      return geometry.coordinates;
    case 'MultiLineString':
    case 'Polygon':
      return geometry.coordinates.flat();
    case 'MultiPolygon':
      return geometry.coordinates.flat(2);
  }
}

/** The centre of the positions' extent, taken across the antimeridian when that is shorter. */
function centre(positions: Position[]): [number, number] {
  const lons = positions.map((p) => p[0]);
  const lats = positions.map((p) => p[1]);
  const west = Math.min(...lons);
  const east = Math.max(...lons);
  const shifted = lons.map((lon) => (lon < 0 ? lon + 360 : lon));
  const crossing = east - west > 180 && Math.max(...shifted) - Math.min(...shifted) < east - west;
  const lon = crossing
    ? near((Math.min(...shifted) + Math.max(...shifted)) / 2, 0)
    : (west + east) / 2;
  return [lon, (Math.min(...lats) + Math.max(...lats)) / 2];
}

function mapGeometry(
  geometry: { type: string; coordinates: unknown },
  f: (p: Position) => Position,
): Geometry {
  const walk = (value: unknown): unknown =>
    Array.isArray(value) && typeof value[0] === 'number'
      ? f(value as Position)
      : (value as unknown[]).map(walk);
  return { type: geometry.type, coordinates: walk(geometry.coordinates) } as Geometry;
}

/** Cuts a polygon whose longitudes pass ±180 into parts within [-180, 180]. */
function splitAtAntimeridian(polygonal: Polygonal): Polygonal {
  const lons = allPositions(polygonal as Geometry).map((p) => p[0]);
  if (lons.every((lon) => lon >= -180 && lon <= 180)) return polygonal;
  const shape = reader.read(polygonal);
  const parts: Position[][][] = [];
  for (const [west, east, shift] of [
    [-540, -180, 360],
    [-180, 180, 0],
    [180, 540, -360],
  ] as const) {
    const box = reader.read({
      type: 'Polygon',
      coordinates: [
        [
          [west, -90],
          [east, -90],
          [east, 90],
          [west, 90],
          [west, -90],
        ],
      ],
    });
    const piece = OverlayOp.intersection(shape, box);
    if (piece.isEmpty()) continue;
    const shifted = mapGeometry(writer.write(piece), (p) => [p[0] + shift, p[1]]) as Polygonal;
    if (shifted.type === 'Polygon') parts.push(shifted.coordinates);
    else parts.push(...shifted.coordinates);
  }
  return { type: 'MultiPolygon', coordinates: parts };
}
