import { createServer, type Server as HttpServer } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Server as GrpcServer } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  landcoverGraph,
  referencePrediction,
  startBackend,
  writeModelVersion,
} from '../dist/index.js';
import {
  createModelServing,
  ModelServingError,
  type ModelServing,
  type Tensor,
} from '../dist/client/index.js';
import { RestModelServing } from '../dist/client/rest.js';
import { grpcApi, listenGrpc } from '../dist/server/grpc-api.js';
import { ServingMetrics } from '../dist/server/metrics.js';
import { ModelStore } from '../dist/server/model-store.js';
import { restApi } from '../dist/server/rest-api.js';
import { ModelRunner } from '../dist/server/runner.js';

// The one client over both of TF Serving's APIs, against the kit's TF-Serving-compatible server
// run in this process with the demo model (two model threads): the same answers whichever
// protocol, and its own typed errors.
let dir: string;
let http: HttpServer;
let grpc: GrpcServer;
let runner: ModelRunner;
let restUrl: string;
let grpcPort: number;
const OPTIONS = { timeoutMs: 20_000, retries: 0, backoffMs: 10 };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'harita-client-'));
  await startBackend('wasm');
  await writeModelVersion(join(dir, 'landcover'), 1, landcoverGraph());
  const store = new ModelStore([{ name: 'landcover', basePath: join(dir, 'landcover') }]);
  await store.refresh();
  const metrics = new ServingMetrics();
  runner = await ModelRunner.start('wasm', 2);
  const rest = restApi({ store, runner, metrics, maxBodyBytes: 64 * 1024 * 1024 });
  http = createServer(rest);
  http.keepAliveTimeout = 75_000;
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  restUrl = `http://127.0.0.1:${String((http.address() as AddressInfo).port)}`;
  grpc = grpcApi({ store, runner, metrics, maxMessageBytes: 64 * 1024 * 1024 });
  grpcPort = await listenGrpc(grpc, 0);
});

afterAll(async () => {
  grpc.forceShutdown();
  await runner.stop();
  http.close();
  await rm(dir, { recursive: true, force: true });
});

const client = (protocol: 'grpc' | 'rest', options = OPTIONS): ModelServing =>
  createModelServing({ protocol, restUrl, grpcPort }, options);

/** Two 256-pixel chips of varied reflectance, [2, 256, 256, 4]. */
function chips(): Tensor {
  const values = new Float32Array(2 * 256 * 256 * 4);
  let state = 7;
  for (let i = 0; i < values.length; i++) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    values[i] = Math.fround((state / 2 ** 32) * 0.5);
  }
  return { dtype: 'float32', shape: [2, 256, 256, 4], values };
}

async function predictBoth(signatureName: string): Promise<Record<string, Tensor>[]> {
  return Promise.all(
    (['grpc', 'rest'] as const).map(async (protocol) => {
      const models = client(protocol);
      try {
        const signal = AbortSignal.timeout(30_000);
        const metadata = await models.metadata('landcover', undefined, signal);
        return await models.predict(
          {
            model: 'landcover',
            version: 1,
            signatureName,
            signature: metadata.signatures[signatureName]!,
            inputs: { reflectance: chips() },
          },
          signal,
        );
      } finally {
        models.close();
      }
    }),
  );
}

describe('the model-serving client', () => {
  it('reads the same status and typed metadata over gRPC and REST', async () => {
    const signal = AbortSignal.timeout(30_000);
    const [grpcClient, restClient] = [client('grpc'), client('rest')];
    const status = await grpcClient.status('landcover', undefined, signal);
    expect(status).toEqual([
      { version: 1, state: 'AVAILABLE', error: { code: 'OK', message: '' } },
    ]);
    expect(await restClient.status('landcover', undefined, signal)).toEqual(status);
    const metadata = await grpcClient.metadata('landcover', undefined, signal);
    expect(metadata.version).toBe(1);
    expect(metadata.signatures['class_ids']?.outputs).toEqual({
      class_ids: { name: 'class_ids:0', dtype: 'DT_INT32', shape: [-1, 256, 256] },
    });
    expect(await restClient.metadata('landcover', undefined, signal)).toEqual(metadata);
    grpcClient.close();
  });

  it('answers int32 class ids and float32 probabilities alike over both protocols, as the model computes them', async () => {
    const [viaGrpc, viaRest] = await predictBoth('class_ids');
    const ids = viaGrpc!['class_ids']!;
    expect(ids.dtype).toBe('int32');
    expect(ids.shape).toEqual([2, 256, 256]);
    expect(viaRest!['class_ids']).toEqual(ids);
    const input = chips().values.subarray(0, 256 * 256 * 4);
    const reference = referencePrediction(input as Float32Array, 256, 256).classIds;
    const agree = reference.filter((id, i) => id === ids.values[i]).length;
    expect(agree / reference.length).toBeGreaterThan(0.999);
    const [grpcProbabilities, restProbabilities] = await predictBoth('serving_default');
    expect(grpcProbabilities!['probabilities']!.dtype).toBe('float32');
    expect(grpcProbabilities!['probabilities']!.shape).toEqual([2, 256, 256, 4]);
    expect(restProbabilities!['probabilities']).toEqual(grpcProbabilities!['probabilities']);
  });

  it('fails with its own codes: no such model, a refused request, and no answer after every try', async () => {
    const signal = AbortSignal.timeout(30_000);
    for (const protocol of ['grpc', 'rest'] as const) {
      const models = client(protocol);
      const metadata = await models.metadata('landcover', undefined, signal);
      await expect(models.metadata('nope', undefined, signal)).rejects.toMatchObject({
        name: 'ModelServingError',
        code: 'not_found',
      });
      const wrong: Tensor = { dtype: 'float32', shape: [1, 2, 2, 3], values: new Float32Array(12) };
      await expect(
        models.predict(
          {
            model: 'landcover',
            version: undefined,
            signatureName: 'class_ids',
            signature: metadata.signatures['class_ids']!,
            inputs: { reflectance: wrong },
          },
          signal,
        ),
      ).rejects.toThrow(/refused the request \(.*\): .*shape/);
      models.close();
    }
    const outcomes: string[] = [];
    const down = createModelServing(
      { protocol: 'grpc', restUrl: 'http://127.0.0.1:1', grpcPort: 1 },
      { ...OPTIONS, retries: 2, observe: (_m, outcome) => outcomes.push(outcome) },
    );
    const failure = await down.status('landcover', undefined, signal).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ModelServingError);
    expect(failure).toMatchObject({ code: 'unavailable' });
    expect(String(failure)).toMatch(/after 3 tries: UNAVAILABLE/);
    expect(outcomes).toEqual(['unavailable', 'unavailable', 'unavailable']);
    down.close();
  });
});

describe('the REST client behind an edge', () => {
  it("sends the edge's credential with every request, and is refused without it", async () => {
    const seen: (string | undefined)[] = [];
    const edge = createServer((request, response) => {
      seen.push(request.headers.authorization);
      if (request.headers.authorization !== 'Basic aGFyaXRhOnNlY3JldA==') {
        response.writeHead(401, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ error: 'unauthorized' }));
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({
          model_version_status: [
            { version: '1', state: 'AVAILABLE', status: { error_code: 'OK', error_message: '' } },
          ],
        }),
      );
    });
    await new Promise<void>((resolve) => edge.listen(0, '127.0.0.1', resolve));
    const baseUrl = `http://127.0.0.1:${String((edge.address() as AddressInfo).port)}`;
    try {
      const signal = AbortSignal.timeout(5000);
      const behind = new RestModelServing({
        ...OPTIONS,
        baseUrl,
        authorization: 'Basic aGFyaXRhOnNlY3JldA==',
      });
      expect((await behind.status('landcover', undefined, signal))[0]?.state).toBe('AVAILABLE');
      const without = new RestModelServing({ ...OPTIONS, baseUrl });
      await expect(without.status('landcover', undefined, signal)).rejects.toBeInstanceOf(
        ModelServingError,
      );
      expect(seen).toEqual(['Basic aGFyaXRhOnNlY3JldA==', undefined]);
    } finally {
      edge.close();
    }
  });
});
