import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { inject } from 'vitest';

const run = promisify(execFile);
/** Debian's Python, the one GDAL's bindings belong to (another python3 may come first on PATH). */
const PYTHON = '/usr/bin/python3';
const ORACLE = join(import.meta.dirname, 'oracle', 'oracle.py');

export interface Fixture {
  name: string;
  path: string;
  dataType: string;
  bands: number;
  nodata: string | null;
  mask: boolean;
  scaled: boolean;
}

/** A raster of a kind users send (test/oracle/field.py says which). */
export interface FieldFixture {
  name: string;
  path: string;
  dataType?: string;
  /** The nodata value as Python wrote it (repr). */
  nodata?: string;
  /** Formats: read sample for sample, or refused with a message naming `format`. */
  kind?: 'read' | 'refused';
  format?: string;
  bands?: number;
}

export interface FieldFixtures {
  nodata: FieldFixture[];
  formats: FieldFixture[];
  masks: FieldFixture[];
}

declare module 'vitest' {
  export interface ProvidedContext {
    fixturesDir: string;
    fixtures: Fixture[];
    field: FieldFixtures;
  }
}

export const field = (): FieldFixtures => inject('field');

/** The field cases (test/cases, as users sent them), by file name. */
export const fieldCase = (file: string): string => join(import.meta.dirname, 'cases', file);

export const fixtures = (): Fixture[] => inject('fixtures');
export const fixture = (name: string): Fixture => {
  const found = fixtures().find((f) => f.name === name);
  if (!found) throw new Error(`no fixture ${name}`);
  return found;
};

export async function oracle<T>(...args: string[]): Promise<T> {
  const { stdout } = await run(PYTHON, [ORACLE, ...args], {
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, GDAL_PAM_ENABLED: 'NO' },
  });
  return JSON.parse(stdout) as T;
}

export async function gdal(command: string, args: string[]): Promise<string> {
  const { stdout } = await run(command, args, {
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, GDAL_PAM_ENABLED: 'NO' },
  });
  return stdout;
}

export interface GdalRead {
  width: number;
  height: number;
  bands: number;
  dataType: string;
  nodata: string | null;
  geoTransform: number[];
  epsg: number | null;
  overviews: [number, number][];
  blockSize: [number, number];
  descriptions: string[];
  compression: string | null;
  predictor: string | null;
}

/** What GDAL reads: metadata and every band's raw little-endian samples, band after band. */
export async function gdalRead(
  path: string,
  scratch: string,
): Promise<{ meta: GdalRead; raw: Buffer }> {
  const out = join(scratch, `${path.split('/').pop()!}.bin`);
  const meta = await oracle<GdalRead>('read', path, out);
  return { meta, raw: await readFile(out) };
}

export interface Validation {
  valid: boolean;
  errors: string[];
  warnings: string[];
}

export interface MaskedStatistics {
  band: number;
  validCount: number;
  nodataCount: number;
  min: number;
  max: number;
  mean: number;
  stddev: number;
}

/**
 * GDAL's masks (internal mask, nodata or alpha, as GDAL picks per band) applied by numpy: the
 * statistics of each named band over its valid pixels, and `expression` over the named bands
 * where all are valid (NaN elsewhere), as float64.
 */
export async function gdalMasked(
  path: string,
  scratch: string,
  expression: string,
  bands: Record<string, number>,
): Promise<{ statistics: MaskedStatistics[]; values: Float64Array }> {
  const out = join(scratch, `${path.split('/').pop()!}.masked.bin`);
  const statistics = await oracle<MaskedStatistics[]>(
    'masked',
    path,
    out,
    expression,
    ...Object.entries(bands).map(([name, band]) => `${name}=${String(band)}`),
  );
  const raw = await readFile(out);
  return { statistics, values: new Float64Array(raw.buffer, raw.byteOffset, raw.length / 8) };
}

/** Every band's mask as GDAL reads it (1 valid, 0 masked), band after band, and GDAL's mask flags. */
export async function gdalMasks(
  path: string,
  scratch: string,
): Promise<{ flags: number[]; masks: Buffer }> {
  const out = join(scratch, `${path.split('/').pop()!}.masks.bin`);
  const { flags } = await oracle<{ flags: number[] }>('masks', path, out);
  return { flags, masks: await readFile(out) };
}

export const validateCog = (path: string): Promise<Validation> =>
  oracle<Validation>('validate', path);
