type Ring = readonly (readonly number[])[];

/** Coordinates closer than this are one point, as OGR takes them when finding a ring's turn. */
const SAME_POINT = 1e-5;

/**
 * Whether a closed ring (its first position repeated last) runs clockwise, decided as OGR decides
 * it (OGRLineString::isClockwise), which GDAL's rasterize uses to orient every ring clockwise
 * before burning: by the turn at the lowest (then rightmost) vertex; where that vertex is repeated
 * or a neighbour lies on it, by the sign of the ring's area. For self-intersecting rings the two
 * can disagree, so the order of the tests matters.
 */
export function isClockwise(ring: Ring): boolean {
  const n = ring.length;
  if (n < 2) return true;
  const x = (i: number): number => ring[i]![0]!;
  const y = (i: number): number => ring[i]![1]!;
  let pivot = 0;
  let byArea = false;
  for (let i = 1; i < n - 1; i++) {
    if (y(i) < y(pivot) || (y(i) === y(pivot) && x(i) > x(pivot))) {
      pivot = i;
      byArea = false;
    } else if (y(i) === y(pivot) && x(i) === x(pivot)) {
      byArea = true;
    }
  }
  const before = pivot === 0 ? n - 2 : pivot - 1;
  const after = pivot + 1 >= n - 1 ? 0 : pivot + 1;
  const near = (i: number): boolean =>
    Math.abs(x(i) - x(pivot)) < SAME_POINT && Math.abs(y(i) - y(pivot)) < SAME_POINT;
  if (near(before) || near(after)) byArea = true;
  const cross =
    (x(after) - x(pivot)) * (y(before) - y(pivot)) - (x(before) - x(pivot)) * (y(after) - y(pivot));
  if (!byArea && cross !== 0) return cross < 0;
  let sum = x(0) * (y(1) - y(n - 1));
  for (let i = 1; i < n - 1; i++) sum += x(i) * (y(i + 1) - y(i - 1));
  sum += x(n - 1) * (y(0) - y(n - 2));
  return sum < 0;
}
