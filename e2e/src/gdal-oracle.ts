import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repositoryRoot } from './repository.js';

// GDAL as the suites' oracle: its own command-line tools, and the raster engine's GDAL oracle
// script (raster/test/oracle/oracle.py) for what they do not print. Debian's Python is the one
// GDAL's bindings belong to (another python3 may come first on PATH).
const run = promisify(execFile);
const PYTHON = '/usr/bin/python3';
const ORACLE = join(repositoryRoot(), 'raster/test/oracle/oracle.py');
const options = { maxBuffer: 64 * 1024 * 1024, env: { ...process.env, GDAL_PAM_ENABLED: 'NO' } };

async function oracle<T>(...args: string[]): Promise<T> {
  const { stdout } = await run(PYTHON, [ORACLE, ...args], options);
  return JSON.parse(stdout) as T;
}

/** One band of one file. `band` is 1-based. */
export interface BandOf {
  path: string;
  band: number;
}

/**
 * GDAL's NDVI, (NIR - red) / (NIR + red) in float64, by gdal_calc.py into a Float32 GeoTIFF at
 * `out` whose nodata, -9999, marks every pixel where either input is nodata (NaN included).
 */
export async function gdalCalcNdvi(red: BandOf, nir: BandOf, out: string): Promise<void> {
  await run(
    PYTHON,
    [
      '/usr/bin/gdal_calc.py',
      '--quiet',
      ...['-A', nir.path, `--A_band=${String(nir.band)}`],
      ...['-B', red.path, `--B_band=${String(red.band)}`],
      '--calc=(A.astype(numpy.float64) - B) / (A.astype(numpy.float64) + B)',
      '--type=Float32',
      '--NoDataValue=-9999',
      `--outfile=${out}`,
    ],
    options,
  );
}

export interface BandComparison {
  /** The largest absolute difference over pixels valid in both. */
  maxDiff: number;
  /** Pixels valid in one and nodata in the other. */
  maskMismatches: number;
  /** Pixels valid in both. */
  valid: number;
}

/** Band 1 of two rasters as GDAL reads them, each masked by its own nodata (NaN included). */
export function compareBand1(a: string, b: string): Promise<BandComparison> {
  return oracle<BandComparison>('compare', a, b, '0');
}

export interface GdalZone {
  pixelCount: number;
  validCount: number;
  min: number | null;
  max: number | null;
  mean: number | null;
  stddev: number | null;
}

/**
 * Zonal statistics of `band` (1-based) per feature of the GeoJSON file `zones`, as rasterstats
 * computes them: each feature burned alone by GDAL's rasterize (reprojected to the raster's CRS),
 * statistics over its pixels that GDAL's mask says are valid.
 */
export function gdalZonal(raster: string, zones: string, band: number): Promise<GdalZone[]> {
  return oracle<GdalZone[]>('zonal', raster, zones, String(band));
}

/** Every band as GDAL reads it, as float64 arrays, and the raster's size. */
export async function gdalBands(
  path: string,
  scratch: string,
): Promise<{ width: number; height: number; bands: Float64Array[] }> {
  const out = join(scratch, `${path.split('/').pop() ?? 'raster'}.bin`);
  const meta = await oracle<{ width: number; height: number; bands: number; dataType: string }>(
    'read',
    path,
    out,
  );
  const raw = await readFile(out);
  const count = meta.width * meta.height;
  const read = {
    Byte: (i: number) => raw.readUInt8(i),
    UInt16: (i: number) => raw.readUInt16LE(i * 2),
    Float32: (i: number) => raw.readFloatLE(i * 4),
  }[meta.dataType];
  if (!read) throw new Error(`gdalBands: ${meta.dataType} is not read here`);
  const bands = Array.from({ length: meta.bands }, (_, b) =>
    Float64Array.from({ length: count }, (_, p) => read(b * count + p)),
  );
  return { width: meta.width, height: meta.height, bands };
}

/**
 * Single-band files on one grid stacked into one COG, band after band, as a user stacks Landsat's
 * one-file-per-band delivery before uploading it: gdalbuildvrt -separate, then gdal_translate.
 */
export async function stackBands(files: string[], out: string): Promise<void> {
  const vrt = `${out}.vrt`;
  await run('gdalbuildvrt', ['-q', '-separate', vrt, ...files], options);
  await run('gdal_translate', ['-q', '-of', 'COG', '-co', 'COMPRESS=DEFLATE', vrt, out], options);
}
