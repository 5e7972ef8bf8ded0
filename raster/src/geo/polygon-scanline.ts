/** A ring's vertices in pixel coordinates: x right, y down; pixel (c, r) covers [c, c+1) x [r, r+1). */
export type PixelRing = readonly (readonly [number, number])[];

/** A zone: the parts of a (Multi)Polygon, each its rings' edges, in pixel coordinates. */
export interface PixelZone {
  /** Per part: x1, y1, x2, y2 per edge, rings one after another. */
  parts: Float64Array[];
  minRow: number;
  maxRow: number;
}

/** The parts of a Polygon (one) or MultiPolygon, each a list of rings (exterior, then holes). */
export function pixelZone(parts: readonly (readonly PixelRing[])[]): PixelZone {
  let minY = Number.POSITIVE_INFINITY;
  let maxY = Number.NEGATIVE_INFINITY;
  const edges = parts.map((rings) => {
    const part: number[] = [];
    for (const ring of rings) {
      for (let i = 0; i + 1 < ring.length; i++) {
        const [x1, y1] = ring[i]!;
        const [x2, y2] = ring[i + 1]!;
        part.push(x1, y1, x2, y2);
        minY = Math.min(minY, y1, y2);
        maxY = Math.max(maxY, y1, y2);
      }
    }
    return Float64Array.from(part);
  });
  return { parts: edges, minRow: Math.trunc(minY), maxRow: Math.trunc(maxY) };
}

/**
 * The pixel columns of `row` the zone covers, as sorted, disjoint [start, end) spans clipped to
 * [0, width): GDAL's rasterize (llrasterize's filled polygon, ALL_TOUCHED off). Each part is
 * filled on its own by the even-odd rule over its rings, at the row's centre line: a crossing at x
 * starts or ends the fill at floor(x + 0.5), an edge counts for centre lines in [its lower y, its
 * upper y), and a horizontal edge on the centre line drawn right to left is filled too. A
 * MultiPolygon is the union of its parts, so where parts overlap a pixel counts once.
 */
export function rowSpans(zone: PixelZone, row: number, width: number): [number, number][] {
  const spans: [number, number][] = [];
  const centre = row + 0.5;
  const crossings: number[] = [];
  const add = (start: number, end: number): void => {
    const from = Math.max(0, start);
    const to = Math.min(width, end);
    if (to > from) spans.push([from, to]);
  };
  for (const edges of zone.parts) {
    crossings.length = 0;
    for (let e = 0; e < edges.length; e += 4) {
      const ya = edges[e + 1]!;
      const yb = edges[e + 3]!;
      if ((ya < centre && yb < centre) || (ya > centre && yb > centre)) continue;
      const xa = edges[e]!;
      const xb = edges[e + 2]!;
      if (ya === yb) {
        if (xa > xb) add(Math.floor(xb + 0.5), Math.floor(xa + 0.5));
        continue;
      }
      const [x1, y1, x2, y2] = ya < yb ? [xa, ya, xb, yb] : [xb, yb, xa, ya];
      if (centre >= y1 && centre < y2)
        crossings.push(Math.floor(((centre - y1) * (x2 - x1)) / (y2 - y1) + x1 + 0.5));
    }
    crossings.sort((a, b) => a - b);
    for (let i = 0; i + 1 < crossings.length; i += 2) add(crossings[i]!, crossings[i + 1]!);
  }
  return union(spans);
}

/** Sorted, disjoint spans covering the same columns. */
function union(spans: [number, number][]): [number, number][] {
  if (spans.length < 2) return spans;
  spans.sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [spans[0]!];
  for (const [start, end] of spans.slice(1)) {
    const last = merged.at(-1)!;
    if (start <= last[1]) last[1] = Math.max(last[1], end);
    else merged.push([start, end]);
  }
  return merged;
}
