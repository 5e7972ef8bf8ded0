export interface LevelSize {
  width: number;
  height: number;
}

/**
 * The sizes of a raster and its overviews: halving until both sides fit in one block, as GDAL's
 * COG driver does.
 */
export function levelSizes(width: number, height: number, blockSize: number): LevelSize[] {
  const levels: LevelSize[] = [{ width, height }];
  let w = width;
  let h = height;
  while (w > blockSize || h > blockSize) {
    w = Math.ceil(w / 2);
    h = Math.ceil(h / 2);
    levels.push({ width: w, height: h });
  }
  return levels;
}
