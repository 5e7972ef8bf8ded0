import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import type { FieldFixture, FieldFixtures, Fixture } from './oracle.js';

/** GDAL writes the fixtures once per run: the same scene in many layouts, and the field's kinds of input. */
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
  const field = (kind: keyof FieldFixtures): FieldFixture[] =>
    JSON.parse(
      execFileSync(
        '/usr/bin/python3',
        [join(import.meta.dirname, 'oracle', 'field.py'), kind, dir],
        {
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      ),
    ) as FieldFixture[];
  project.provide('field', {
    nodata: field('nodata'),
    formats: field('formats'),
    masks: field('masks'),
  });
  return () => {
    rmSync(dir, { recursive: true, force: true });
  };
}
