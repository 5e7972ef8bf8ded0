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

declare module 'vitest' {
  export interface ProvidedContext {
    fixturesDir: string;
    fixtures: Fixture[];
  }
}

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

export const validateCog = (path: string): Promise<Validation> =>
  oracle<Validation>('validate', path);
