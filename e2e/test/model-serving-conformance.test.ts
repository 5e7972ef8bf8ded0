import { Client, credentials, Metadata, status as Status, type ServiceError } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LANDCOVER, readSavedModelSignatures, referencePrediction } from '@harita/model-serving';
import {
  createModelServing,
  OBJECT_FORM,
  servingProtos,
  signaturesFrom,
  type ModelServing,
  type Tensor,
} from '@harita/model-serving/client';
import {
  ModelServingContainer,
  type StartedModelServingContainer,
} from '../src/services/model-serving.js';

// TF Serving's gRPC and REST APIs as the worker, verify-model and the functions use them, asked
// of whichever server the image holds: TF Serving where a registry answers, the TF.js server
// here. Only what both must answer alike is asserted: status codes, shapes, values, the
// {"error": ...} form and the bytes of gRPC answers.
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

/**
 * The largest difference over a chip between the softmax of the reference logits (4 classes per
 * pixel) and the probabilities served, `served(pixel, class)`.
 */
function worstProbabilityError(
  logits: Float64Array,
  served: (pixel: number, klass: number) => number,
): number {
  let worst = 0;
  for (let p = 0; p < CHIP * CHIP; p++) {
    const row = Array.from(logits.subarray(p * 4, p * 4 + 4));
    const top = Math.max(...row);
    const exp = row.map((l) => Math.exp(l - top));
    const sum = exp.reduce((a, b) => a + b);
    exp.forEach((e, k) => (worst = Math.max(worst, Math.abs(e / sum - served(p, k)))));
  }
  return worst;
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
      const worst = worstProbabilityError(
        reference.logits,
        (p, k) => served[Math.floor(p / CHIP)]![p % CHIP]![k]!,
      );
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

/** One raw gRPC call: the request encoded with the kit's protos, the answer's bytes as sent. */
function rawCall(path: string, request: Uint8Array): Promise<Buffer> {
  const client = new Client(server.grpcAddress, credentials.createInsecure());
  return new Promise<Buffer>((resolve, reject) => {
    client.makeUnaryRequest(
      path,
      () => Buffer.from(request),
      (bytes: Buffer) => bytes,
      {},
      new Metadata(),
      { deadline: Date.now() + 30_000 },
      (error: ServiceError | null, bytes?: Buffer) => {
        client.close();
        if (error) reject(error);
        else resolve(bytes!);
      },
    );
  });
}

/** The gRPC status code a call failed with. */
const codeOf = (call: Promise<unknown>): Promise<string> =>
  call.then(
    () => 'OK',
    (error: unknown) => Status[(error as ServiceError).code],
  );

describe("model serving (TF Serving's gRPC API on 8500)", () => {
  const protos = () => servingProtos();
  const encode = (
    type: 'PredictRequest' | 'GetModelMetadataRequest' | 'GetModelStatusRequest',
    message: object,
  ) => protos()[type].encode(protos()[type].fromObject(message)).finish();
  const PREDICT = '/tensorflow.serving.PredictionService/Predict';
  const METADATA = '/tensorflow.serving.PredictionService/GetModelMetadata';
  const STATUS = '/tensorflow.serving.ModelService/GetModelStatus';
  let models: ModelServing;

  beforeAll(() => {
    models = createModelServing(
      {
        protocol: 'grpc',
        restUrl: server.url,
        grpcPort: Number(server.grpcAddress.split(':').at(-1)),
      },
      { timeoutMs: 30_000, retries: 0, backoffMs: 100 },
    );
  });

  afterAll(() => {
    models.close();
  });

  it('ModelService.GetModelStatus reports version 1 AVAILABLE, and NOT_FOUND for an unknown model', async () => {
    const bytes = await rawCall(
      STATUS,
      encode('GetModelStatusRequest', { modelSpec: { name: 'landcover' } }),
    );
    const answer = protos().GetModelStatusResponse.toObject(
      protos().GetModelStatusResponse.decode(bytes),
      {
        ...OBJECT_FORM,
        defaults: true,
      },
    );
    expect(answer['modelVersionStatus']).toEqual([
      { version: 1, state: 'AVAILABLE', status: { errorCode: 'OK', errorMessage: '' } },
    ]);
    expect(
      await codeOf(
        rawCall(STATUS, encode('GetModelStatusRequest', { modelSpec: { name: 'nonexistent' } })),
      ),
    ).toBe('NOT_FOUND');
  });

  it("PredictionService.GetModelMetadata packs the saved_model.pb's signatures as a SignatureDefMap", async () => {
    const bytes = await rawCall(
      METADATA,
      encode('GetModelMetadataRequest', {
        modelSpec: { name: 'landcover' },
        metadataField: ['signature_def'],
      }),
    );
    const answer = protos().GetModelMetadataResponse.decode(bytes) as unknown as {
      modelSpec: { name: string; version: { value: { toString(): string } } };
      metadata: Record<string, { type_url: string; value: Uint8Array }>;
    };
    expect([answer.modelSpec.name, String(answer.modelSpec.version.value)]).toEqual([
      'landcover',
      '1',
    ]);
    const packed = answer.metadata['signature_def']!;
    expect(packed.type_url).toBe('type.googleapis.com/tensorflow.serving.SignatureDefMap');
    const map = protos().SignatureDefMap;
    const served = map.toObject(map.decode(packed.value), OBJECT_FORM) as {
      signatureDef: Parameters<typeof signaturesFrom>[0];
    };
    const saved = readSavedModelSignatures(
      await server.readFile('/models/landcover/1/saved_model.pb'),
    );
    expect(signaturesFrom(served.signatureDef)).toEqual(signaturesFrom(saved));
    expect(
      await codeOf(
        rawCall(
          METADATA,
          encode('GetModelMetadataRequest', {
            modelSpec: { name: 'nonexistent' },
            metadataField: ['signature_def'],
          }),
        ),
      ),
    ).toBe('NOT_FOUND');
  });

  it('PredictionService.Predict answers float32 probabilities as little-endian tensor_content, as worked out by hand', async () => {
    const instance = Float32Array.from(chip(4).flat(2));
    const content = Buffer.alloc(instance.length * 4);
    instance.forEach((v, i) => content.writeFloatLE(v, i * 4));
    const request = encode('PredictRequest', {
      modelSpec: { name: 'landcover', signatureName: 'serving_default' },
      inputs: {
        reflectance: {
          dtype: 'DT_FLOAT',
          tensorShape: { dim: [{ size: 1 }, { size: CHIP }, { size: CHIP }, { size: 4 }] },
          tensorContent: content,
        },
      },
    });
    const bytes = await rawCall(PREDICT, request);
    const answer = protos().PredictResponse.decode(bytes) as unknown as {
      modelSpec: { name: string; signatureName: string };
      outputs: Record<string, { dtype: number; tensorContent: Uint8Array }>;
    };
    expect([answer.modelSpec.name, answer.modelSpec.signatureName]).toEqual([
      'landcover',
      'serving_default',
    ]);
    const output = answer.outputs['probabilities']!;
    expect(output.dtype).toBe(1);
    expect(output.tensorContent.length).toBe(CHIP * CHIP * 4 * 4);
    const raw = Buffer.from(output.tensorContent);
    const reference = referencePrediction(instance, CHIP, CHIP);
    const worst = worstProbabilityError(reference.logits, (p, k) =>
      raw.readFloatLE((p * 4 + k) * 4),
    );
    expect(worst).toBeLessThan(1e-5);
  });

  it('Predict takes a batch of 16 chips (16 MiB in, 16 MiB out) and answers int32 class ids as the REST API does', async () => {
    const chips = Array.from({ length: 16 }, (_, n) => chip(10 + n));
    const signal = AbortSignal.timeout(60_000);
    const metadata = await models.metadata('landcover', 1, signal);
    const input: Tensor = {
      dtype: 'float32',
      shape: [16, CHIP, CHIP, 4],
      values: Float32Array.from(chips.flat(3)),
    };
    const predict = (signatureName: string) =>
      models.predict(
        {
          model: 'landcover',
          version: 1,
          signatureName,
          signature: metadata.signatures[signatureName]!,
          inputs: { reflectance: input },
        },
        signal,
      );
    const probabilities = (await predict('serving_default'))['probabilities']!;
    expect(probabilities.shape).toEqual([16, CHIP, CHIP, 4]);
    const ids = (await predict('class_ids'))['class_ids']!;
    expect([ids.dtype, ids.shape]).toEqual(['int32', [16, CHIP, CHIP]]);
    const rest = await call('/v1/models/landcover:predict', {
      signature_name: 'class_ids',
      instances: chips.slice(0, 2),
    });
    expect(Array.from(ids.values.subarray(0, 2 * CHIP * CHIP))).toEqual(
      (rest.json['predictions'] as number[][][]).flat(2),
    );
  });

  it('refuses a misshapen input, an unknown model and a metadata request without fields with gRPC status codes', async () => {
    const predict = (name: string, shape: number[]) =>
      rawCall(
        PREDICT,
        encode('PredictRequest', {
          modelSpec: { name },
          inputs: {
            reflectance: {
              dtype: 'DT_FLOAT',
              tensorShape: { dim: shape.map((size) => ({ size })) },
              tensorContent: new Uint8Array(shape.reduce((a, b) => a * b, 4)),
            },
          },
        }),
      );
    expect(await codeOf(predict('landcover', [1, 1, 1, 3]))).toBe('INVALID_ARGUMENT');
    expect(await codeOf(predict('nonexistent', [1, 1, 1, 4]))).toBe('NOT_FOUND');
    expect(
      await codeOf(
        rawCall(METADATA, encode('GetModelMetadataRequest', { modelSpec: { name: 'landcover' } })),
      ),
    ).toBe('INVALID_ARGUMENT');
  });
});
