import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { pinFindings } from '../src/image-pins.js';
import { readImageTable } from '../src/images.js';

// compose/images.tsv is the only place an image is pinned: the compose defaults and the
// Dockerfiles' ARG defaults are copies kept equal to it here, and everything else reads it.
const root = fileURLToPath(new URL('../..', import.meta.url));
const table = readImageTable();
const SCANNED = /(\.(ts|mjs|js|sh|ya?ml|md|json)|Dockerfile|\.env\.example|\/kit|\.ci\/run)$/;

function repositoryFiles(): string[] {
  return execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], {
    cwd: root,
    maxBuffer: 64 * 1024 * 1024,
  })
    .toString()
    .split('\n')
    .filter(
      (file) =>
        SCANNED.test(`/${file}`) &&
        // The table itself, the lockfile, bundles, and this suite's own broken examples.
        !/(^compose\/images\.tsv$|package-lock\.json$|\/dist\/|^e2e\/test\/image-pins\.test\.ts$)/.test(
          file,
        ),
    );
}

function findingsIn(file: string, text = readFileSync(join(root, file), 'utf8')) {
  return pinFindings(file, text, table);
}

describe('image pins', () => {
  it('every copy of a pinned image in the repository follows compose/images.tsv', () => {
    const files = repositoryFiles().filter((file) => {
      try {
        readFileSync(join(root, file));
        return true;
      } catch {
        return false;
      }
    });
    expect(files).toContain('compose/docker-compose.yml');
    expect(files.flatMap((file) => findingsIn(file))).toEqual([]);
  });

  it('fails on a compose default that drifted, naming the file, line and variable', () => {
    const compose = readFileSync(join(root, 'compose/docker-compose.yml'), 'utf8');
    const drifted = compose.replace('${REDIS_IMAGE:-redis:7}', '${REDIS_IMAGE:-redis:6}');
    expect(drifted).not.toBe(compose);
    const line = compose.split('\n').findIndex((l) => l.includes('${REDIS_IMAGE:-redis:7}')) + 1;
    expect(findingsIn('compose/docker-compose.yml', drifted)).toEqual([
      {
        file: 'compose/docker-compose.yml',
        line,
        found: 'redis:6',
        problem: 'REDIS_IMAGE is redis:7 in the table',
      },
    ]);
  });

  it("fails on a Dockerfile's ARG default that drifted", () => {
    const dockerfile = readFileSync(join(root, 'model-serving/Dockerfile'), 'utf8');
    const drifted = dockerfile.replace(
      'ARG TF_SERVING_IMAGE=tensorflow/serving:2.18.0',
      'ARG TF_SERVING_IMAGE=tensorflow/serving:2.17.0',
    );
    expect(findingsIn('model-serving/Dockerfile', drifted)).toMatchObject([
      {
        found: 'tensorflow/serving:2.17.0',
        problem: 'TF_SERVING_IMAGE is tensorflow/serving:2.18.0 in the table',
      },
    ]);
  });

  it('fails on an unpinned image, and on a pin copied into code instead of read', () => {
    expect(
      findingsIn('functions/test/services.ts', "run(image('OBJECT_STORE_IMAGE', 'minio/minio'))"),
    ).toMatchObject([{ line: 1, found: 'minio/minio' }]);
    expect(
      findingsIn('scripts/x.sh', 'docker build --build-arg NODE_IMAGE=node:24-bookworm-slim .'),
    ).toMatchObject([{ problem: 'a copy of the pin: read compose/images.tsv instead' }]);
    expect(findingsIn('scripts/x.sh', 'FROM node:20')).toMatchObject([
      { found: 'node:20', problem: 'the table pins node:24-bookworm-slim' },
    ]);
    expect(findingsIn('x.yml', 'image: docker.io/library/redis:6')).toMatchObject([
      { found: 'docker.io/library/redis:6', problem: 'the table pins redis:7' },
    ]);
  });

  it('leaves alone what is no image: URLs, keys, other registries, computed fallbacks', () => {
    expect(
      findingsIn(
        'x.yml',
        'url: redis://redis:6379\nregistry: ghcr.io\nimage: bitnami/redis:7.2\nnode: 3',
      ),
    ).toEqual([]);
    expect(findingsIn('x.sh', 'image=${GRAFANA_IMAGE:-$(env_value GRAFANA_IMAGE)}')).toEqual([]);
  });
});
