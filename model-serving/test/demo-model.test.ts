import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CLASS_IDS,
  PROBABILITIES,
  landcoverGraph,
  loadTfjsGraph,
  readSavedModelSignatures,
  referencePrediction,
  savedModelBytes,
  startBackend,
  writeModelVersion,
} from '../dist/index.js';

let dir: string;
let version: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'harita-model-'));
  await startBackend('wasm');
  version = await writeModelVersion(join(dir, 'landcover'), 1, landcoverGraph());
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function randomChip(size: number, seed: number): Float32Array {
  let state = seed;
  const values = new Float32Array(size * size * 4);
  for (let i = 0; i < values.length; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    values[i] = Math.fround((state / 2 ** 32) * 0.5);
  }
  return values;
}

describe('the demo model', () => {
  it('as a TF.js graph computes the answer worked out by hand', async () => {
    const graph = await loadTfjsGraph(version);
    const size = 64;
    const chip = randomChip(size, 7);
    const [probabilities, ids] = tf.tidy(() =>
      (
        graph.execute({ reflectance: tf.tensor4d(chip, [1, size, size, 4]) }, [
          PROBABILITIES,
          CLASS_IDS,
        ]) as tf.Tensor[]
      ).map((t) => t.dataSync()),
    );
    const reference = referencePrediction(chip, size, size);
    let worst = 0;
    let mismatches = 0;
    for (let p = 0; p < size * size; p++) {
      const logits = Array.from(reference.logits.subarray(p * 4, p * 4 + 4));
      const top = Math.max(...logits);
      const exp = logits.map((l) => Math.exp(l - top));
      const sum = exp.reduce((a, b) => a + b);
      exp.forEach(
        (e, k) => (worst = Math.max(worst, Math.abs(e / sum - probabilities![p * 4 + k]!))),
      );
      const sorted = [...logits].sort((a, b) => b - a);
      // Only a near-tie may round either way in float32.
      if (ids![p] !== reference.classIds[p] && sorted[0]! - sorted[1]! > 1e-4) mismatches++;
    }
    expect(worst).toBeLessThan(1e-5);
    expect(mismatches).toBe(0);
  });

  it('as a SavedModel holds one "serve" meta graph with the predict signatures, in TensorFlow\'s wire format', async () => {
    const bytes = await readFile(join(version, 'saved_model.pb'));
    expect(Buffer.from(bytes).equals(Buffer.from(savedModelBytes(landcoverGraph())))).toBe(true);
    // Field 1 (saved_model_schema_version, varint 1), then field 2 (meta_graphs, a message).
    expect([...bytes.subarray(0, 3)]).toEqual([0x08, 0x01, 0x12]);
    const signatures = readSavedModelSignatures(bytes);
    expect(Object.keys(signatures).sort()).toEqual(['class_ids', 'serving_default']);
    const serving = signatures['serving_default']!;
    expect(serving.methodName).toBe('tensorflow/serving/predict');
    expect(serving.inputs['reflectance']).toEqual({
      name: 'reflectance:0',
      dtype: 'DT_FLOAT',
      tensorShape: { dim: [{ size: '-1' }, { size: '256' }, { size: '256' }, { size: '4' }] },
    });
    expect(serving.outputs['probabilities']?.tensorShape.dim?.map((d) => Number(d.size))).toEqual([
      -1, 256, 256, 4,
    ]);
    expect(signatures['class_ids']?.outputs['class_ids']?.dtype).toBe('DT_INT32');
  });

  it('refuses a file that is not a SavedModel', () => {
    expect(() => readSavedModelSignatures(Buffer.from('not a protobuf at all'))).toThrow(
      /SavedModel/,
    );
  });
});
