import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runAction, staleDistFiles } from '../../test-support/runner.js';

// deploy-k8s bundled and run as the runner runs it, on the production overlay, against a kubectl
// stand-in that models rollouts succeeding, timing out and failing (no API server runs here).
const ACTION = fileURLToPath(new URL('..', import.meta.url));
const OVERLAY = fileURLToPath(new URL('../../../k8s/overlays/production', import.meta.url));
const WORKER = 'ghcr.io/harita-hive/harita-hive-worker';
const SERVING = 'ghcr.io/harita-hive/harita-tensorflow-serving';
const digest = (c: string) => `sha256:${c.repeat(64)}`;
let dir: string;

interface State {
  calls: string[][];
  revisions: Record<string, number>;
  annotations: Record<string, string[]>;
  images: Record<string, string[]>;
  undone: string[];
}

async function deployWith(
  inputs: Record<string, string>,
  rollout = 'success',
  revisions: Record<string, number> = {},
) {
  const statePath = join(dir, 'state.json');
  await writeFile(
    statePath,
    JSON.stringify({ calls: [], revisions, annotations: {}, images: {}, undone: [] }),
  );
  const result = await runAction(
    ACTION,
    dir,
    {
      kubectl: join(ACTION, 'test/kubectl-stand-in.mjs'),
      'dry-run': 'false',
      diff: 'false',
      timeout: '60s',
      ...inputs,
    },
    {
      GITHUB_SHA: 'abc123',
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_REPOSITORY: 'harita/hive',
      GITHUB_RUN_ID: '77',
      GITHUB_ACTOR: 'octocat',
      STAND_IN_STATE: statePath,
      STAND_IN_ROLLOUT: rollout,
    },
  );
  return { ...result, state: JSON.parse(await readFile(statePath, 'utf8')) as State };
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
    const result = await deployWith({ overlay: OVERLAY, images: pins }, 'success', {
      'harita-hive/harita-job-worker': 4,
      'harita-hive/tensorflow-serving': 2,
    });
    expect(result.code, result.log).toBe(0);
    // The dispatcher, the worker and its bucket init container run the worker image.
    expect(result.state.images['harita-hive/harita-job-worker']).toEqual([
      `${WORKER}@${digest('a')}`,
      `${WORKER}@${digest('a')}`,
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
      '--timeout=60s',
    ]);
    expect(result.outputs['revision']).toBe(
      '{"harita-dispatcher":"1","harita-job-worker":"5","tensorflow-serving":"3"}',
    );
    expect(result.summary).toContain('| `harita-job-worker` | 5 |');
    expect(result.state.undone).toEqual([]);
  });

  it('rolls back every Deployment it changed when a rollout times out or fails, and fails with the reason', async () => {
    for (const rollout of ['timeout', 'failure']) {
      const result = await deployWith({ overlay: OVERLAY, images: pins }, rollout, {
        'harita-hive/harita-job-worker': 4,
        'harita-hive/tensorflow-serving': 2,
      });
      expect(result.code).not.toBe(0);
      expect(result.state.undone.sort()).toEqual([
        'harita-hive/harita-job-worker',
        'harita-hive/tensorflow-serving',
      ]);
      expect(result.log).toMatch(
        /::error::the rollout of harita-dispatcher failed and was rolled back: error: (timed out waiting|deployment "harita-dispatcher" exceeded)/,
      );
      expect(result.summary).toContain('ImagePullBackOff');
      expect(result.summary).toContain('Failed to pull image');
    }
  });

  it('a first deploy that fails has nothing to roll back to', async () => {
    const result = await deployWith({ overlay: OVERLAY, images: pins }, 'failure');
    expect(result.code).not.toBe(0);
    expect(result.state.undone).toEqual([]);
  });

  it('dry run and diff: the server-side dry run and the diff in the summary, nothing applied', async () => {
    const result = await deployWith({
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
    const tag = await deployWith({ overlay: OVERLAY, images: `${WORKER}=${WORKER}:0.2.0` });
    expect(tag.code).not.toBe(0);
    expect(tag.log).toMatch(/pin images by digest/);
    const typo = await deployWith({
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
    expect(await staleDistFiles(ACTION, ['main.js'])).toEqual([]);
  });
});
