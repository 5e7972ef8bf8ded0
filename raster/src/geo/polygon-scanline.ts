/** A polygon's edges in pixel coordinates (x right, y down; pixel (c, r) covers [c, c+1) x [r, r+1)). */
export interface PixelPolygon {
  edges: Float64Array; // x1, y1, x2, y2 per edge
  minRow: number;
  maxRow: number;
}

/** Every ring of every polygon of a zone, as one edge list: even-odd inside-ness. */
export function pixelPolygon(rings: readonly (readonly [number, number][])[]): PixelPolygon {
  const edges: number[] = [];
  let minY = Number.POSITIVE_INFINITY;
  let maxY = Number.NEGATIVE_INFINITY;
  for (const ring of rings) {
    for (let i = 0; i + 1 < ring.length; i++) {
      const [x1, y1] = ring[i]!;
      const [x2, y2] = ring[i + 1]!;
      edges.push(x1, y1, x2, y2);
      minY = Math.min(minY, y1, y2);
      maxY = Math.max(maxY, y1, y2);
    }
  }
  return {
    edges: Float64Array.from(edges),
    minRow: Math.floor(minY - 0.5),
    maxRow: Math.ceil(maxY - 0.5),
  };
}

/**
 * The pixel columns of `row` whose centres lie inside the polygon, as [start, end) spans clipped
 * to [0, width): the pixel-centre rule, with a centre exactly on a left edge inside and on a right
 * edge outside.
 */
export function rowSpans(
  polygon: PixelPolygon,
  row: number,
  width: number,
  crossings: number[] = [],
): [number, number][] {
  const yc = row + 0.5;
  const { edges } = polygon;
  crossings.length = 0;
  for (let e = 0; e < edges.length; e += 4) {
    const y1 = edges[e + 1]!;
    const y2 = edges[e + 3]!;
    if (y1 <= yc !== y2 <= yc) {
      const x1 = edges[e]!;
      crossings.push(x1 + ((yc - y1) * (edges[e + 2]! - x1)) / (y2 - y1));
    }
  }
  crossings.sort((a, b) => a - b);
  const spans: [number, number][] = [];
  for (let i = 0; i + 1 < crossings.length; i += 2) {
    const start = Math.max(0, Math.ceil(crossings[i]! - 0.5));
    const end = Math.min(width, Math.ceil(crossings[i + 1]! - 0.5));
    if (end > start) spans.push([start, end]);
  }
  return spans;
}
