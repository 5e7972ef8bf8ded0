import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import type { Fixture } from './oracle.js';

/** GDAL writes the fixtures once per run: the same scene in many layouts. */
export default function setup(project: TestProject): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'harita-raster-fixtures-'));
  execFileSync(
    '/usr/bin/python3',
    [join(import.meta.dirname, 'oracle', 'oracle.py'), 'fixtures', dir],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  project.provide('fixturesDir', dir);
  project.provide(
    'fixtures',
    JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Fixture[],
  );
  return () => {
    rmSync(dir, { recursive: true, force: true });
  };
}
