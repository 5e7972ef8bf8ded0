import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imageFor } from '../../../e2e/src/images.js';
import { runAction, staleDistFiles } from '../../test-support/runner.js';

// The bundled action run as the runner runs it (inputs as INPUT_*, outputs and summary in the
// files GITHUB_OUTPUT and GITHUB_STEP_SUMMARY name), building a real image and pushing it to a
// real registry container; the manifest is then read back by digest from the registry's API.
const run = promisify(execFile);
const ACTION = fileURLToPath(new URL('..', import.meta.url));
const REGISTRY_IMAGE = imageFor('REGISTRY_IMAGE');
const BASE_IMAGE = imageFor('REDIS_IMAGE');
let dir: string;
let registry: string;
let container: string;

const GIT = {
  GITHUB_SHA: 'fedcba9876543210fedcba9876543210fedcba98',
  GITHUB_REF: 'refs/tags/v1.4.2',
  GITHUB_REPOSITORY: 'harita/hive',
  GITHUB_SERVER_URL: 'https://github.com',
};
const defaults = { sbom: 'false', provenance: 'false' };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'build-push-'));
  await writeFile(
    join(dir, 'Dockerfile'),
    `FROM ${BASE_IMAGE}\nARG GREETING\nRUN echo "$GREETING" > /tmp/greeting\n`,
  );
  container = (
    await run('docker', [
      'run',
      '-d',
      '--label',
      'dev.harita.e2e=true',
      '-p',
      '127.0.0.1::5000',
      REGISTRY_IMAGE,
    ])
  ).stdout.trim();
  const port =
    (await run('docker', ['port', container, '5000/tcp'])).stdout.trim().split(':').at(-1) ?? '';
  registry = `127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  while (
    !(await fetch(`http://${registry}/v2/`).then(
      (r) => r.ok,
      () => false,
    ))
  ) {
    if (Date.now() > deadline) throw new Error('the registry did not answer');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
});

afterAll(async () => {
  if (container) await run('docker', ['rm', '-f', '-v', container]);
  await rm(dir, { recursive: true, force: true });
});

describe('build-push, run as the runner runs it', () => {
  it('builds and pushes to a real registry; the digest it reports is the manifest the registry serves', async () => {
    const image = `${registry}/harita/probe`;
    const result = await runAction(
      ACTION,
      dir,
      {
        ...defaults,
        image,
        push: 'true',
        context: '.',
        file: 'Dockerfile',
        'build-args': 'GREETING=hello',
        'default-branch': 'main',
      },
      GIT,
    );
    expect(result.code, result.log).toBe(0);
    const outputs = result.outputs;
    expect(outputs['digest']).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(outputs['image']).toBe(`${image}@${outputs['digest'] ?? ''}`);
    expect(outputs['tags']?.split('\n')).toEqual([
      `${image}:sha-fedcba9`,
      `${image}:1.4.2`,
      `${image}:1.4`,
      `${image}:1`,
    ]);
    const manifest = await fetch(
      `http://${registry}/v2/harita/probe/manifests/${outputs['digest'] ?? ''}`,
      {
        headers: {
          accept:
            'application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json',
        },
      },
    );
    expect(manifest.status).toBe(200);
    expect(manifest.headers.get('docker-content-digest')).toBe(outputs['digest']);
    const tags = (await (await fetch(`http://${registry}/v2/harita/probe/tags/list`)).json()) as {
      tags: string[];
    };
    expect(tags.tags.sort()).toEqual(['1', '1.4', '1.4.2', 'sha-fedcba9']);
    const config = (
      await run('docker', [
        'image',
        'inspect',
        '--format',
        '{{json .Config.Labels}}',
        `${image}:1.4.2`,
      ])
    ).stdout;
    expect(JSON.parse(config)).toMatchObject({
      'org.opencontainers.image.revision': 'fedcba9876543210fedcba9876543210fedcba98',
      'org.opencontainers.image.version': '1.4.2',
    });
    expect(result.summary).toContain(`${image}@${outputs['digest'] ?? ''}`);
  });

  it('fails the step with the reason when the build fails', async () => {
    await writeFile(join(dir, 'Broken.Dockerfile'), 'FROM scratch\nRUN false\n');
    const result = await runAction(
      ACTION,
      dir,
      {
        ...defaults,
        image: `${registry}/harita/broken`,
        push: 'true',
        file: 'Broken.Dockerfile',
      },
      GIT,
    );
    expect(result.code).not.toBe(0);
    expect(result.log).toMatch(/::error::docker (buildx )?build failed/);
    // Nothing of the failed build is left behind on the runner.
    const left = await run('docker', [
      'ps',
      '-a',
      '-q',
      '--filter',
      'status=created',
      '--filter',
      'status=exited',
      '--filter',
      `since=${container}`,
    ]);
    expect(left.stdout.trim()).toBe('');
  });
});

describe('dist/', () => {
  it('is what bundling src/ gives now (run `npm run bundle --workspace actions/build-push` when this fails)', async () => {
    expect(await staleDistFiles(ACTION, ['main.js', 'post.js'])).toEqual([]);
  });
});
