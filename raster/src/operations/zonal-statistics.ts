import { pixelZone, rowSpans, type PixelRing, type PixelZone } from '../geo/polygon-scanline.js';
import { isClockwise } from '../geo/ring-orientation.js';
import { mapPositions, zonesCrs } from '../geo/zones-crs.js';
import type { JobErrorKind } from '../job-error-kind.js';
import { bandReading } from '../kernels/band-values.js';
import { StatisticsAccumulator, type Statistics } from '../kernels/statistics.js';
import { strips } from '../pipeline/strips.js';
import type { GeoTransform } from '../reader/georeference.js';
import { bandIndex, withRaster, type InputOptions } from './open-input.js';

export interface ZonalStatisticsOptions extends InputOptions {
  /** 1-based band (default 1). */
  band?: number;
  /** The raster CRS's PROJ definition, where its EPSG code is not built in. */
  crs?: string;
  onProgress?: (fraction: number) => void;
}

export interface ZoneStatistics extends Statistics {
  /** The zone's position in the collection, from 0. */
  zone: number;
  id: string | number | null;
  properties: Record<string, unknown> | null;
  /** Pixels the zone covers (as GDAL's rasterize burns it) inside the raster. */
  pixelCount: number;
}

/** Zones that are not a GeoJSON FeatureCollection of Polygons and MultiPolygons. */
export class InvalidZonesError extends Error {
  override name = 'InvalidZonesError';
  static readonly job: JobErrorKind = { code: 'invalid_geojson', permanent: true };
}

type Position = readonly number[];
type Polygonal =
  | { type: 'Polygon'; coordinates: Position[][] }
  | {
      type: 'MultiPolygon';
      coordinates: Position[][][];
    };

/**
 * Statistics of the band's valid pixels inside each zone, in one streaming pass. Zones are a
 * GeoJSON FeatureCollection of Polygons and MultiPolygons in WGS 84, or in the CRS its `crs`
 * member names by EPSG code (taken as is when it is the raster's, else reprojected); a zone covers
 * the pixels GDAL's rasterize burns for it alone (see rowSpans), so overlapping zones each get
 * their full count and a MultiPolygon's overlapping parts count once.
 *
 * @throws InvalidZonesError when the zones are not polygons in GeoJSON, or the raster is not
 *   georeferenced north-up.
 * @throws UnsupportedCrsError when the zones' or the raster's CRS is not one the engine can use.
 */
export async function zonalStatistics(
  location: string,
  zones: unknown,
  options: ZonalStatisticsOptions = {},
): Promise<ZoneStatistics[]> {
  // Loaded here, not at start-up: zod and proj4 cost every other command ~0.15 s.
  const [{ ZoneCollection }, { projDefinition, fromWgs84, toWgs84, UnsupportedCrsError }] =
    await Promise.all([import('@harita/contracts'), import('../geo/crs.js')]);
  const crs = zonesCrs(zones);
  return withRaster(location, options, async (reader) => {
    const { info } = reader;
    const band = bandIndex(reader, options.band ?? 1, 'the');
    const gt = info.geoTransform;
    if (!gt) throw new InvalidZonesError(`${info.source} is not georeferenced`);
    if (gt[2] !== 0 || gt[4] !== 0)
      throw new InvalidZonesError('zonal statistics need a north-up raster (no rotation)');
    const rasterCrs = projDefinition(info.epsg, options.crs);
    const sameCrs = crs !== null && crs === info.epsg;
    let zonesDefinition: string | null = null;
    if (crs !== null) {
      try {
        zonesDefinition = sameCrs ? rasterCrs : projDefinition(crs);
      } catch (error) {
        if (!(error instanceof UnsupportedCrsError)) throw error;
        throw new UnsupportedCrsError(
          `the zones' CRS EPSG:${String(crs)} is not built in; give the zones in WGS 84 or in the raster's CRS`,
        );
      }
    }
    // The schema checks WGS 84 positions: zones in another CRS are checked in WGS 84.
    const checked = ZoneCollection.safeParse(
      zonesDefinition ? mapPositions(zones, toWgs84(zonesDefinition)) : zones,
    );
    if (!checked.success) {
      const issue = checked.error.issues[0];
      throw new InvalidZonesError(
        `invalid zones: ${issue ? `${issue.path.join('.') || 'the collection'}: ${issue.message}` : 'not a GeoJSON feature collection of polygons'}`,
      );
    }
    const features = checked.data.features;
    // Zones already in the raster's CRS are taken as given, not reprojected there and back.
    const geometries: Polygonal[] = sameCrs
      ? (zones as { features: { geometry: Polygonal }[] }).features.map((f) => f.geometry)
      : features.map((f) => f.geometry);
    const project = sameCrs ? (xy: Position): Position => xy : fromWgs84(rasterCrs);
    const toPixel = pixelOf(gt);
    const shapes: PixelZone[] = geometries.map((geometry) => {
      const parts = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
      return pixelZone(
        parts.map((rings) =>
          rings.map((ring): PixelRing => {
            // GDAL's rasterize turns every ring clockwise (in map coordinates) before burning it.
            const projected = ring.map(project);
            if (!isClockwise(projected)) projected.reverse();
            return projected.map(toPixel);
          }),
        ),
      );
    });
    const stats = features.map(() => new StatisticsAccumulator());
    const pixelCounts = features.map(() => 0);
    // Only the rows the zones cover are read.
    const firstRow = Math.max(0, Math.min(...shapes.map((shape) => shape.minRow)));
    const lastRow = Math.min(info.height - 1, Math.max(...shapes.map((shape) => shape.maxRow)));
    const rows: [number, number] = firstRow <= lastRow ? [firstRow, lastRow + 1] : [0, 0];
    for await (const strip of strips(reader, [band], 512, options.signal, rows)) {
      const stripEnd = strip.row + strip.rows;
      const reading = bandReading(info, band, strip.bands[0]!, strip.masks[0]!);
      shapes.forEach((shape, z) => {
        const from = Math.max(strip.row, shape.minRow);
        const to = Math.min(stripEnd - 1, shape.maxRow);
        for (let row = from; row <= to; row++) {
          for (const [start, end] of rowSpans(shape, row, info.width)) {
            pixelCounts[z]! += end - start;
            stats[z]!.add(reading, (row - strip.row) * info.width + start, end - start);
          }
        }
      });
      options.onProgress?.((stripEnd - rows[0]) / (rows[1] - rows[0]));
    }
    return features.map((feature, z) => ({
      zone: z,
      id: feature.id ?? null,
      properties: feature.properties,
      pixelCount: pixelCounts[z]!,
      ...stats[z]!.result(),
    }));
  });
}

/** Map coordinates to pixel coordinates as GDAL's rasterize does: by the inverse geotransform. */
function pixelOf(gt: GeoTransform): (xy: Position) => [number, number] {
  const [x0, dx, , y0, , dy] = gt;
  const [ox, sx, oy, sy] = [-x0 / dx, 1 / dx, -y0 / dy, 1 / dy];
  return (xy) => [ox + xy[0]! * sx, oy + xy[1]! * sy];
}
