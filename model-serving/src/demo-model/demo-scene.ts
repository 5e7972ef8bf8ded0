/**
 * A synthetic Sentinel-2-like scene (blue, green, red, NIR as UInt16 digital numbers, reflectance
 * x 10 000; 0 is nodata) with lakes, fields, bare ground and a nodata corner, so every class of
 * the demo model appears. Deterministic: any window of any size is computed on its own.
 */
export const DEMO_SCENE_NODATA = 0;

function noise(x: number, y: number): number {
  let h = Math.imul(x, 374761393) + Math.imul(y, 668265263);
  h = Math.imul(h ^ (h >>> 13), 1274126177);
  return ((h ^ (h >>> 16)) >>> 0) / 4294967296;
}

// Reflectance of blue, green, red, NIR per cover, before noise.
const WATER = [600, 800, 500, 300];
const BARE = [1400, 1600, 1900, 2300];
const SPARSE = [700, 1000, 1000, 2600];
const DENSE = [300, 600, 300, 4200];

function cover(x: number, y: number, width: number, height: number): readonly number[] {
  const u = x / width;
  const v = y / height;
  const lake =
    (u - 0.3) ** 2 / 0.02 + (v - 0.35) ** 2 / 0.03 < 1 || (u - 0.75) ** 2 + (v - 0.7) ** 2 < 0.012;
  if (lake) return WATER;
  const field = (Math.floor(u * 8) + Math.floor(v * 6)) % 3;
  return field === 0 ? DENSE : field === 1 ? SPARSE : BARE;
}

/** Rows y0 .. y0 + rows of a width x height scene, one array per band. */
export function demoSceneRows(
  width: number,
  height: number,
  y0: number,
  rows: number,
): Uint16Array[] {
  const bands = [0, 1, 2, 3].map(() => new Uint16Array(width * rows));
  for (let r = 0; r < rows; r++) {
    const y = y0 + r;
    for (let x = 0; x < width; x++) {
      const i = r * width + x;
      if (x + y < Math.min(width, height) / 6) continue;
      const base = cover(x, y, width, height);
      const jitter = 0.85 + 0.3 * noise(x, y);
      for (let b = 0; b < 4; b++) bands[b]![i] = Math.max(1, Math.round(base[b]! * jitter));
    }
  }
  return bands;
}
