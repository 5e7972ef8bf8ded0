import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SignatureDef, TensorInfo } from '../saved-model/schema.js';
import type { ServingMetrics } from './metrics.js';
import type { ModelStore } from './model-store.js';
import type { ModelRunner } from './runner.js';
import { readNumericBody } from './numeric-body.js';
import { predict, type PredictRequest } from './predict.js';
import { ServingError, invalidArgument } from './serving-error.js';

export const METRICS_PATH = '/monitoring/prometheus/metrics';

const MODEL_PATH =
  /^\/v1\/models\/([^/:]+)(?:\/versions\/(\d+)|\/labels\/([^/:]+))?(?:(\/metadata)|:(predict|classify|regress))?$/;

interface Route {
  model: string;
  version: number | undefined;
  label: string | undefined;
  metadata: boolean;
  verb: string | undefined;
}

function route(path: string): Route | null {
  const match = MODEL_PATH.exec(path);
  if (!match) return null;
  return {
    model: decodeURIComponent(match[1]!),
    version: match[2] === undefined ? undefined : Number(match[2]),
    label: match[3],
    metadata: match[4] !== undefined,
    verb: match[5],
  };
}

async function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > limit)
    throw new ServingError(
      'RESOURCE_EXHAUSTED',
      `the request body of ${String(declared)} bytes is over this server's limit of ${String(limit)}`,
    );
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit)
      throw new ServingError(
        'RESOURCE_EXHAUSTED',
        `the request body is over this server's limit of ${String(limit)} bytes`,
      );
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** A TensorInfo as TF Serving prints it: proto field names, every field present. */
function tensorInfoJson(info: TensorInfo) {
  return {
    dtype: info.dtype,
    tensor_shape: {
      dim: (info.tensorShape.dim ?? []).map((d) => ({ size: String(d.size), name: d.name ?? '' })),
      unknown_rank: info.tensorShape.unknownRank ?? false,
    },
    name: info.name,
  };
}

function signatureJson(signature: SignatureDef) {
  const map = (tensors: Record<string, TensorInfo>) =>
    Object.fromEntries(Object.entries(tensors).map(([k, v]) => [k, tensorInfoJson(v)]));
  return {
    inputs: map(signature.inputs),
    outputs: map(signature.outputs),
    method_name: signature.methodName,
    defaults: {},
  };
}

export interface RestApiOptions {
  store: ModelStore;
  runner: ModelRunner;
  metrics: ServingMetrics;
  maxBodyBytes: number;
}

/** TF Serving's REST API: model status, metadata and predict, with its error shapes. */
export function restApi({ store, runner, metrics, maxBodyBytes }: RestApiOptions) {
  const send = (
    response: ServerResponse,
    status: number,
    body: string,
    type = 'application/json',
  ) => {
    response.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
    response.end(body);
  };

  const answer = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const path = new URL(request.url ?? '/', 'http://server').pathname;
    if (path === METRICS_PATH && request.method === 'GET') {
      send(response, 200, await metrics.registry.metrics(), metrics.registry.contentType);
      return;
    }
    const target = route(path);
    if (!target)
      throw new ServingError('NOT_FOUND', `Malformed request: ${request.method ?? ''} ${path}`);
    if (target.label !== undefined) {
      throw invalidArgument(`Unrecognized servable version label: ${target.label}`);
    }
    if (target.verb === undefined) {
      if (request.method !== 'GET')
        throw invalidArgument(`Malformed request: ${request.method ?? ''} ${path}`);
      if (target.metadata) {
        const servable = store.servable(target.model, target.version);
        const signatures = Object.fromEntries(
          Object.entries(servable.signatures).map(([k, v]) => [k, signatureJson(v)]),
        );
        send(
          response,
          200,
          JSON.stringify({
            model_spec: {
              name: servable.name,
              signature_name: '',
              version: String(servable.version),
            },
            metadata: { signature_def: { signature_def: signatures } },
          }),
        );
        return;
      }
      const versions = store.status(target.model, target.version).map((row) => ({
        version: String(row.version),
        state: row.state,
        status: row.error
          ? { error_code: 'UNKNOWN', error_message: row.error }
          : { error_code: 'OK', error_message: '' },
      }));
      send(response, 200, JSON.stringify({ model_version_status: versions }));
      return;
    }
    if (request.method !== 'POST')
      throw invalidArgument(`Malformed request: ${request.method ?? ''} ${path}`);
    if (target.verb !== 'predict') {
      throw new ServingError(
        'UNIMPLEMENTED',
        `this server answers :predict only, not :${target.verb}`,
      );
    }
    const started = performance.now();
    let status = 'OK';
    try {
      const servable = store.servable(target.model, target.version);
      const bytes = await readBody(request, maxBodyBytes);
      let parsed: PredictRequest;
      const numeric = readNumericBody(bytes);
      if (numeric) {
        parsed = { numeric };
      } else {
        try {
          parsed = { json: JSON.parse(bytes.toString('utf8')) as unknown };
        } catch (error) {
          throw invalidArgument(`JSON Parse error: ${(error as Error).message}`);
        }
      }
      const ran = performance.now();
      const outcome = await predict(runner, servable, parsed);
      metrics.runtimeLatency.observe(
        { model_name: servable.name, API: 'predict', runtime: 'TF.js' },
        (performance.now() - ran) * 1000,
      );
      metrics.batchSize.observe({ model_name: servable.name, API: 'predict' }, outcome.batch);
      send(response, 200, outcome.body);
    } catch (error) {
      status = error instanceof ServingError ? error.code : 'INTERNAL';
      throw error;
    } finally {
      metrics.requests.inc({
        model_name: target.model,
        status,
        entrypoint: 'REST',
        API: 'predict',
      });
      metrics.latency.observe(
        { model_name: target.model, API: 'predict', entrypoint: 'REST' },
        (performance.now() - started) * 1000,
      );
    }
  };

  return (request: IncomingMessage, response: ServerResponse): void => {
    answer(request, response).catch((error: unknown) => {
      const failure =
        error instanceof ServingError
          ? error
          : new ServingError('INTERNAL', (error as Error).message);
      if (!response.headersSent)
        send(response, failure.httpStatus, JSON.stringify({ error: failure.message }));
      // A body left unread (a refused request) would otherwise hold the connection.
      request.resume();
    });
  };
}
