import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

// deploy-k8s bundled and run as the runner runs it, on the production overlay, against a kubectl
// stand-in that models rollouts succeeding, timing out and failing (no API server runs here).
const run = promisify(execFile);
const ACTION = fileURLToPath(new URL('..', import.meta.url));
const OVERLAY = fileURLToPath(new URL('../../../k8s/overlays/production', import.meta.url));
const WORKER = 'ghcr.io/harita-hive/harita-worker';
const SERVING = 'ghcr.io/harita-hive/harita-model-serving';
const digest = (c: string) => `sha256:${c.repeat(64)}`;
let dir: string;

interface State {
  calls: string[][];
  revisions: Record<string, number>;
  annotations: Record<string, string[]>;
  images: Record<string, string[]>;
  undone: string[];
}

async function runAction(
  inputs: Record<string, string>,
  rollout = 'success',
  revisions: Record<string, number> = {},
) {
  const statePath = join(dir, 'state.json');
  await writeFile(
    statePath,
    JSON.stringify({ calls: [], revisions, annotations: {}, images: {}, undone: [] }),
  );
  await Promise.all(['output', 'summary'].map((f) => writeFile(join(dir, f), '')));
  const env: Record<string, string> = {
    PATH: process.env['PATH'] ?? '',
    GITHUB_SHA: 'abc123',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_REPOSITORY: 'harita/hive',
    GITHUB_RUN_ID: '77',
    GITHUB_ACTOR: 'octocat',
    GITHUB_OUTPUT: join(dir, 'output'),
    GITHUB_STEP_SUMMARY: join(dir, 'summary'),
    RUNNER_TEMP: dir,
    STAND_IN_STATE: statePath,
    STAND_IN_ROLLOUT: rollout,
    INPUT_KUBECTL: join(ACTION, 'test/kubectl-stand-in.mjs'),
    'INPUT_DRY-RUN': 'false',
    INPUT_DIFF: 'false',
    INPUT_TIMEOUT: '60s',
  };
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value;
  const { code, log } = await new Promise<{ code: number | null; log: string }>((resolve) => {
    const child = spawn(process.execPath, [join(ACTION, 'dist/main.js')], { env });
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
    child.on('exit', (exitCode) => {
      resolve({ code: exitCode, log: text });
    });
  });
  return {
    code,
    log,
    state: JSON.parse(await readFile(statePath, 'utf8')) as State,
    output: await readFile(join(dir, 'output'), 'utf8'),
    summary: await readFile(join(dir, 'summary'), 'utf8'),
  };
}

const pins = `${WORKER}=${WORKER}@${digest('a')}\n${SERVING}=${SERVING}@${digest('b')}`;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'deploy-k8s-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('deploy-k8s, run as the runner runs it', () => {
  it('pins the images by digest, applies server-side with its field manager, annotates, waits, and outputs the revisions', async () => {
    const result = await runAction({ overlay: OVERLAY, images: pins }, 'success', {
      'harita-hive/harita-job-worker': 4,
      'harita-hive/tensorflow-serving': 2,
    });
    expect(result.code, result.log).toBe(0);
    expect(result.state.images['harita-hive/harita-job-worker']).toEqual([
      `${WORKER}@${digest('a')}`,
      `${SERVING}@${digest('b')}`,
    ]);
    const apply = result.state.calls.find((c) => c[0] === 'apply');
    expect(apply?.slice(0, 3)).toEqual(['apply', '--server-side', '--field-manager']);
    expect(apply?.[3]).toBe('harita-deploy-k8s');
    expect(result.state.annotations['harita-hive/harita-job-worker']).toEqual([
      'harita.dev/commit=abc123',
      'harita.dev/run-url=https://github.com/harita/hive/actions/runs/77',
      'harita.dev/actor=octocat',
    ]);
    expect(result.state.calls.filter((c) => c.includes('status')).map((c) => c.at(-1))).toEqual([
      '--timeout=60s',
      '--timeout=60s',
    ]);
    expect(result.output).toContain('{"harita-job-worker":"5","tensorflow-serving":"3"}');
    expect(result.summary).toContain('| `harita-job-worker` | 5 |');
    expect(result.state.undone).toEqual([]);
  });

  it('rolls back every Deployment it changed when a rollout times out or fails, and fails with the reason', async () => {
    for (const rollout of ['timeout', 'failure']) {
      const result = await runAction({ overlay: OVERLAY, images: pins }, rollout, {
        'harita-hive/harita-job-worker': 4,
        'harita-hive/tensorflow-serving': 2,
      });
      expect(result.code).not.toBe(0);
      expect(result.state.undone.sort()).toEqual([
        'harita-hive/harita-job-worker',
        'harita-hive/tensorflow-serving',
      ]);
      expect(result.log).toMatch(
        /::error::the rollout of harita-job-worker failed and was rolled back: error: (timed out waiting|deployment "harita-job-worker" exceeded)/,
      );
      expect(result.summary).toContain('ImagePullBackOff');
      expect(result.summary).toContain('Failed to pull image');
    }
  });

  it('a first deploy that fails has nothing to roll back to', async () => {
    const result = await runAction({ overlay: OVERLAY, images: pins }, 'failure');
    expect(result.code).not.toBe(0);
    expect(result.state.undone).toEqual([]);
  });

  it('dry run and diff: the server-side dry run and the diff in the summary, nothing applied', async () => {
    const result = await runAction({
      overlay: OVERLAY,
      images: pins,
      'dry-run': 'true',
      diff: 'true',
    });
    expect(result.code, result.log).toBe(0);
    expect(result.state.calls.some((c) => c[0] === 'apply' && c.includes('--dry-run=server'))).toBe(
      true,
    );
    expect(result.state.revisions).toEqual({});
    expect(result.summary).toContain('dry run only');
    expect(result.summary).toContain('+  image: new');
  });

  it('refuses a pin without a digest, and one that matches no container, before touching the cluster', async () => {
    const tag = await runAction({ overlay: OVERLAY, images: `${WORKER}=${WORKER}:0.2.0` });
    expect(tag.code).not.toBe(0);
    expect(tag.log).toMatch(/pin images by digest/);
    const typo = await runAction({
      overlay: OVERLAY,
      images: `ghcr.io/harita-hive/harita-wrker=ghcr.io/x@${digest('c')}`,
    });
    expect(typo.code).not.toBe(0);
    expect(typo.log).toMatch(/no container in the overlay runs ghcr.io\/harita-hive\/harita-wrker/);
    expect(typo.state.calls.filter((c) => c[0] !== 'kustomize')).toEqual([]);
  });
});

describe('dist/', () => {
  it('is what bundling src/ gives now (run `npm run bundle --workspace actions/deploy-k8s` when this fails)', async () => {
    const out = await mkdtemp(join(tmpdir(), 'deploy-k8s-dist-'));
    try {
      const bundle = JSON.parse(await readFile(join(ACTION, 'package.json'), 'utf8')) as {
        scripts: { bundle: string };
      };
      await run(
        'bash',
        [
          '-c',
          bundle.scripts.bundle
            .replace('--outdir=dist', `--outdir=${out}`)
            .replace(/^esbuild/, join(ACTION, '../../node_modules/.bin/esbuild')),
        ],
        { cwd: ACTION },
      );
      expect(
        (await readFile(join(out, 'main.js'))).equals(await readFile(join(ACTION, 'dist/main.js'))),
      ).toBe(true);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });
});
