import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LANDCOVER, readSavedModelSignatures, referencePrediction } from '@harita/model-serving';
import {
  ModelServingContainer,
  type StartedModelServingContainer,
} from '../src/services/model-serving.js';

// The TF Serving REST API as the worker and the functions use it, asked of whichever server the
// image holds: TF Serving where a registry answers, the TF.js server here. Only what both must
// answer alike is asserted: status codes, shapes, values and the {"error": ...} form.
const CHIP = LANDCOVER.chipSize;
let server: StartedModelServingContainer;

function chip(seed: number): number[][][] {
  let state = seed;
  const next = (): number => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return Math.fround((state / 2 ** 32) * 0.5);
  };
  return Array.from({ length: CHIP }, () =>
    Array.from({ length: CHIP }, () => [next(), next(), next(), next()]),
  );
}

async function call(
  path: string,
  body?: unknown,
  raw?: string,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${server.url}${path}`, {
    method: body === undefined && raw === undefined ? 'GET' : 'POST',
    ...(body === undefined && raw === undefined ? {} : { body: raw ?? JSON.stringify(body) }),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

/** What a refusal must look like: the status, and {"error": a message} with nothing else. */
function expectRefusal(
  answer: { status: number; json: Record<string, unknown> },
  status: number,
): void {
  expect(answer.status).toBe(status);
  expect(Object.keys(answer.json)).toEqual(['error']);
  expect(typeof answer.json['error']).toBe('string');
}

beforeAll(async () => {
  server = await new ModelServingContainer().start();
});

afterAll(async () => {
  await server.stop();
});

describe('model serving (the TF Serving REST API)', () => {
  it('reports the demo model AVAILABLE at version 1', async () => {
    const answer = await call('/v1/models/landcover');
    expect(answer).toEqual({
      status: 200,
      json: {
        model_version_status: [
          { version: '1', state: 'AVAILABLE', status: { error_code: 'OK', error_message: '' } },
        ],
      },
    });
    expect((await call('/v1/models/landcover/versions/1')).status).toBe(200);
  });

  it("serves as metadata exactly the signatures in the model's saved_model.pb", async () => {
    const saved = readSavedModelSignatures(
      await server.readFile('/models/landcover/1/saved_model.pb'),
    );
    const answer = await call('/v1/models/landcover/metadata');
    expect(answer.status).toBe(200);
    const served = (
      answer.json as { metadata: { signature_def: { signature_def: Record<string, unknown> } } }
    ).metadata.signature_def.signature_def;
    type Info = { name: string; dtype: string; tensor_shape: { dim: { size: string }[] } };
    type Signature = {
      inputs: Record<string, Info>;
      outputs: Record<string, Info>;
      method_name: string;
    };
    for (const [name, signature] of Object.entries(saved)) {
      const served1 = served[name] as Signature | undefined;
      expect(served1, name).toBeDefined();
      expect(served1!.method_name).toBe(signature.methodName);
      for (const side of ['inputs', 'outputs'] as const) {
        const simple = (tensors: Record<string, { name: string; dtype: string; dims: number[] }>) =>
          tensors;
        expect(
          simple(
            Object.fromEntries(
              Object.entries(served1![side]).map(([k, v]) => [
                k,
                {
                  name: v.name,
                  dtype: v.dtype,
                  dims: v.tensor_shape.dim.map((d) => Number(d.size)),
                },
              ]),
            ),
          ),
        ).toEqual(
          Object.fromEntries(
            Object.entries(signature[side]).map(([k, v]) => [
              k,
              {
                name: v.name,
                dtype: v.dtype,
                dims: (v.tensorShape.dim ?? []).map((d) => Number(d.size)),
              },
            ]),
          ),
        );
      }
    }
  });

  it('predicts in row form (instances) the answer worked out by hand, one per instance', async () => {
    const chips = [chip(1), chip(2)];
    const answer = await call('/v1/models/landcover:predict', { instances: chips });
    expect(answer.status).toBe(200);
    const predictions = answer.json['predictions'] as number[][][][];
    expect(predictions).toHaveLength(2);
    chips.forEach((instance, n) => {
      const reference = referencePrediction(Float32Array.from(instance.flat(2)), CHIP, CHIP);
      const served = predictions[n]!;
      expect(served).toHaveLength(CHIP);
      expect(served[0]).toHaveLength(CHIP);
      let worst = 0;
      for (let p = 0; p < CHIP * CHIP; p++) {
        const logits = Array.from(reference.logits.subarray(p * 4, p * 4 + 4));
        const top = Math.max(...logits);
        const exp = logits.map((l) => Math.exp(l - top));
        const sum = exp.reduce((a, b) => a + b);
        const probabilities = served[Math.floor(p / CHIP)]![p % CHIP]!;
        exp.forEach((e, k) => (worst = Math.max(worst, Math.abs(e / sum - probabilities[k]!))));
      }
      expect(worst).toBeLessThan(1e-5);
    });
  });

  it('answers columnar requests (inputs) with outputs equal to the row answer, and serves the class-id signature', async () => {
    const instance = chip(3);
    const rows = await call('/v1/models/landcover:predict', { instances: [instance] });
    const columns = await call('/v1/models/landcover/versions/1:predict', {
      inputs: { reflectance: [instance] },
    });
    expect(columns.status).toBe(200);
    expect(columns.json['outputs']).toEqual(rows.json['predictions']);
    const ids = await call('/v1/models/landcover:predict', {
      signature_name: 'class_ids',
      instances: [instance],
    });
    expect(ids.status).toBe(200);
    const served = (ids.json['predictions'] as number[][][])[0]!.flat();
    const expected = referencePrediction(Float32Array.from(instance.flat(2)), CHIP, CHIP).classIds;
    const differing = served.filter((id, p) => id !== expected[p]).length;
    expect(differing).toBeLessThan(5);
  });

  it('refuses bad requests with TF Serving\'s status codes and {"error": message}', async () => {
    expectRefusal(await call('/v1/models/nonexistent'), 404);
    expectRefusal(await call('/v1/models/nonexistent:predict', { instances: [chip(1)] }), 404);
    expectRefusal(
      await call('/v1/models/landcover/versions/7:predict', { instances: [chip(1)] }),
      404,
    );
    expectRefusal(await call('/v1/models/landcover:predict', undefined, '{"instances": [[[['), 400);
    expectRefusal(await call('/v1/models/landcover:predict', {}), 400);
    expectRefusal(
      await call('/v1/models/landcover:predict', { instances: [chip(1)], inputs: [chip(1)] }),
      400,
    );
    expectRefusal(
      await call('/v1/models/landcover:predict', { instances: [[[[0.1, 0.2, 0.3]]]] }),
      400,
    );
    expectRefusal(
      await call('/v1/models/landcover:predict', { signature_name: 'nope', instances: [chip(1)] }),
      400,
    );
  });

  it('exports its request counts at /monitoring/prometheus/metrics', async () => {
    const text = await (await fetch(`${server.url}/monitoring/prometheus/metrics`)).text();
    expect(text).toMatch(
      /:tensorflow:serving:request_count\{[^}]*model_name="landcover"[^}]*\} [1-9]/,
    );
    expect(text).toMatch(/:tensorflow:serving:request_latency_bucket\{/);
  });
});
