import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readImageTable } from '../src/images.js';

/** The image for a service: its variable, else the offline image where it is built, else the public one. */
export function benchImage(variable: string): string {
  const table = readFileSync(new URL('../../../compose/images.tsv', import.meta.url), 'utf8');
  const row = readImageTable(table).find((r) => r.variable === variable);
  if (!row) throw new Error(`no image row for ${variable}`);
  const chosen = process.env[variable]?.trim();
  if (chosen) return chosen;
  if (!row.offlineImage) return row.publicImage;
  try {
    execFileSync('docker', ['image', 'inspect', row.offlineImage], { stdio: 'ignore' });
    return row.offlineImage;
  } catch {
    return row.publicImage;
  }
}
