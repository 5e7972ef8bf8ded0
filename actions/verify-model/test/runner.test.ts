import { execFile } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAction, staleDistFiles } from '../../test-support/runner.js';
import { landcoverGraph, savedModelBytes, writeModelVersion } from '@harita/model-serving';

// verify-model bundled and run as the runner runs it, against the model-serving image (TF
// Serving where a registry answers, the TF-Serving-compatible server here) with the demo model.
const run = promisify(execFile);
const ACTION = fileURLToPath(new URL('..', import.meta.url));
const IMAGE = process.env['MODEL_SERVING_IMAGE'] ?? 'harita/model-serving:dev';
let dir: string;
let container: string;
let servingUrl: string;

const verify = (inputs: Record<string, string>) =>
  runAction(ACTION, dir, { 'serving-url': servingUrl, ...inputs });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'verify-model-'));
  container = (
    await run('docker', [
      'run',
      '-d',
      '--label',
      'dev.harita.e2e=true',
      '-p',
      '127.0.0.1::8501',
      IMAGE,
    ])
  ).stdout.trim();
  const port =
    (await run('docker', ['port', container, '8501/tcp'])).stdout.trim().split(':').at(-1) ?? '';
  servingUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  const available = () =>
    fetch(`${servingUrl}/v1/models/landcover`, { signal: AbortSignal.timeout(2000) }).then(
      async (r) => (await r.text()).includes('AVAILABLE'),
      () => false,
    );
  while (!(await available())) {
    if (Date.now() > deadline) throw new Error('model serving did not become available');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
});

afterAll(async () => {
  if (container) await run('docker', ['rm', '-f', '-v', container]);
  await rm(dir, { recursive: true, force: true });
});

describe('verify-model, run as the runner runs it', () => {
  it('passes the demo SavedModel: the contract met, its signatures served, the sample classified', async () => {
    const version = await writeModelVersion(join(dir, 'models', 'landcover'), 1, landcoverGraph());
    const result = await verify({ 'saved-model': version });
    expect(result.code, result.log).toBe(0);
    expect(result.log).toContain('contract: 256-pixel chips of 4 bands, 4 classes');
    expect(result.outputs['chip-size']).toBe('256');
    expect(result.outputs['classes']).toBe('4');
    expect(result.summary).toContain('meets the inference contract');
    expect(result.summary).toMatch(/\| 3 \| \d+ \|/);
  });

  it('fails a SavedModel that breaks the contract, and one that is not the model being served', async () => {
    const graph = landcoverGraph();
    const input = {
      name: 'reflectance:0',
      dtype: 'DT_FLOAT' as const,
      tensorShape: { dim: [{ size: '-1' }, { size: '256' }, { size: '256' }, { size: '4' }] },
    };
    const method = 'tensorflow/serving/predict';
    // Class ids straight out of serving_default: the contract wants probabilities there.
    const idsOnly = {
      serving_default: {
        inputs: { reflectance: input },
        outputs: {
          class_ids: {
            name: 'class_ids:0',
            dtype: 'DT_INT32' as const,
            tensorShape: { dim: [{ size: '-1' }, { size: '256' }, { size: '256' }] },
          },
        },
        methodName: method,
      },
    };
    const broken = join(dir, 'broken', '1');
    await mkdir(broken, { recursive: true });
    await writeFile(
      join(broken, 'saved_model.pb'),
      savedModelBytes({ ...graph, signatures: idsOnly }),
    );
    const wrong = await verify({ 'saved-model': broken });
    expect(wrong.code).not.toBe(0);
    expect(wrong.log).toMatch(
      /::error::model 'landcover' must answer one float32 output shaped \[N, height, width, classes\]/,
    );
    // A valid model, but not the one TF Serving serves: its output has another name.
    const renamed = {
      serving_default: {
        inputs: { reflectance: input },
        outputs: {
          scores: {
            name: 'probabilities:0',
            dtype: 'DT_FLOAT' as const,
            tensorShape: { dim: [{ size: '-1' }, { size: '256' }, { size: '256' }, { size: '4' }] },
          },
        },
        methodName: method,
      },
    };
    const other = join(dir, 'other', '1');
    await mkdir(other, { recursive: true });
    await writeFile(
      join(other, 'saved_model.pb'),
      savedModelBytes({ ...graph, signatures: renamed }),
    );
    const unserved = await verify({ 'saved-model': other });
    expect(unserved.code).not.toBe(0);
    expect(unserved.log).toMatch(
      /TF Serving does not serve this SavedModel's signatures: serving_default\.outputs\.scores/,
    );
  });
});

describe('dist/', () => {
  it('is what bundling src/ gives now (run `npm run bundle --workspace actions/verify-model` when this fails)', async () => {
    expect(await staleDistFiles(ACTION, ['main.js', 'codec-worker.js'])).toEqual([]);
  });
});
