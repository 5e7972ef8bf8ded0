import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The repository's root, ending in `/`: found upwards from this module, so it is the same from
 * e2e/src (the suites) and from e2e/dist-bench/src (the compiled benchmarks).
 * @throws when no parent holds the repository's `package-lock.json`
 */
export function repositoryRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package-lock.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('no repository root above e2e/');
    dir = up;
  }
  return `${dir}/`;
}
