import { z } from 'zod';

// Positions are [longitude, latitude] in WGS 84 (RFC 7946); an optional altitude is allowed.
const Position = z
  .tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)], z.number())
  .refine((p) => p.length <= 3, 'a position has at most three numbers');

const LinearRing = z
  .array(Position)
  .min(4, 'a linear ring has at least four positions')
  .refine((ring) => {
    const first = ring[0];
    const last = ring[ring.length - 1];
    return (
      first !== undefined && last !== undefined && first[0] === last[0] && first[1] === last[1]
    );
  }, 'a linear ring is closed: its first and last positions are equal');

export const Point = z.object({ type: z.literal('Point'), coordinates: Position });
const LineCoordinates = z.array(Position).min(2, 'a line string has at least two positions');
const PolygonCoordinates = z.array(LinearRing).min(1, 'a polygon has an exterior ring');

export const MultiPoint = z.object({
  type: z.literal('MultiPoint'),
  coordinates: z.array(Position),
});
export const LineString = z.object({ type: z.literal('LineString'), coordinates: LineCoordinates });
export const MultiLineString = z.object({
  type: z.literal('MultiLineString'),
  coordinates: z.array(LineCoordinates),
});
export const Polygon = z.object({ type: z.literal('Polygon'), coordinates: PolygonCoordinates });
export const MultiPolygon = z.object({
  type: z.literal('MultiPolygon'),
  coordinates: z.array(PolygonCoordinates),
});

export const Geometry = z.discriminatedUnion('type', [
  Point,
  MultiPoint,
  LineString,
  MultiLineString,
  Polygon,
  MultiPolygon,
]);
export type Geometry = z.infer<typeof Geometry>;

const Properties = z.record(z.string(), z.unknown()).nullable();

export const Feature = <G extends z.ZodType>(geometry: G) =>
  z.object({
    type: z.literal('Feature'),
    id: z.union([z.string(), z.number()]).optional(),
    geometry,
    properties: Properties,
  });

export const FeatureCollection = <G extends z.ZodType>(geometry: G) =>
  z.object({ type: z.literal('FeatureCollection'), features: z.array(Feature(geometry)) });

/** Any geometry, as a bare geometry, a feature or a feature collection. */
export const GeoJson = z.union([Geometry, Feature(Geometry), FeatureCollection(Geometry)]);
export type GeoJson = z.infer<typeof GeoJson>;

/** Zones for zonal statistics: polygons only. */
export const PolygonalGeometry = z.discriminatedUnion('type', [Polygon, MultiPolygon]);
export const ZoneCollection = FeatureCollection(PolygonalGeometry).refine(
  (fc) => fc.features.length > 0,
  'at least one zone',
);
export type ZoneCollection = z.infer<typeof ZoneCollection>;
