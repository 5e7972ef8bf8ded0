import {
  ModelServingError,
  RestModelServing,
  type ModelServing,
} from '@harita/model-serving/client/rest';
import { authenticateUser } from '../_shared/auth.ts';
import { ApiError, errorResponse, notFound, readBody } from '../_shared/http.ts';
import { segments } from '../_shared/route.ts';
import { getServices, type Services } from '../_shared/services.ts';
import {
  chosenOutput,
  isTensorBody,
  readTensorBody,
  TENSOR_HEADERS,
  tensorResponse,
} from './binary-tensor.ts';

const MODEL = /^[A-Za-z0-9_-]{1,64}$/;

let client: RestModelServing | undefined;

/**
 * The API's model-serving client: TF Serving's REST API (Supabase's Edge runtime has no HTTP/2
 * client for gRPC), one try within the synchronous deadline.
 */
function models(s: Services): RestModelServing {
  client ??= new RestModelServing({
    baseUrl: s.config.MODEL_SERVING_URL,
    timeoutMs: s.config.SYNC_INFERENCE_TIMEOUT_SECONDS * 1000,
    retries: 0,
    backoffMs: 0,
    ...(s.config.MODEL_SERVING_AUTHORIZATION
      ? { authorization: s.config.MODEL_SERVING_AUTHORIZATION }
      : {}),
  });
  return client;
}

/** A model-serving failure as the API answers it: {code, message} with its HTTP status. */
function apiError(error: unknown): unknown {
  if (!(error instanceof ModelServingError)) return error;
  switch (error.code) {
    case 'not_found':
      return new ApiError(404, 'not_found', error.message);
    case 'unavailable':
      return new ApiError(503, 'model_unavailable', error.message, { 'retry-after': '5' });
    case 'bad_answer':
      return new ApiError(502, 'model_unavailable', error.message, { 'retry-after': '5' });
    default:
      return new ApiError(400, 'model_error', error.message);
  }
}

/** A TF Serving REST call passed through: its JSON answer as it came. */
async function passThrough(
  s: Services,
  model: string,
  path: string,
  body: Uint8Array<ArrayBuffer> | undefined,
): Promise<Response> {
  const answer = await models(s).call(
    model,
    path,
    body,
    AbortSignal.timeout(s.config.SYNC_INFERENCE_TIMEOUT_SECONDS * 1000),
  );
  return new Response(answer.bytes, {
    status: 200,
    headers: { 'content-type': 'application/json' },
  });
}

/**
 * A raw tensor through the model's signature (`x-signature-name`, default serving_default) and
 * the chosen output back as a raw tensor.
 */
async function predictTensor(
  client: ModelServing,
  request: Request,
  body: Uint8Array,
  model: string,
  version: number | undefined,
  signal: AbortSignal,
): Promise<Response> {
  const input = readTensorBody(request.headers, body);
  const signatureName = request.headers.get(TENSOR_HEADERS.signature) ?? 'serving_default';
  const metadata = await client.metadata(model, version, signal);
  const signature = metadata.signatures[signatureName];
  if (!signature)
    throw new ApiError(400, 'model_error', `model '${model}' has no signature '${signatureName}'`);
  const inputs = Object.keys(signature.inputs);
  const inputKey =
    request.headers.get(TENSOR_HEADERS.input) ?? (inputs.length === 1 ? inputs[0]! : '');
  if (!inputs.includes(inputKey))
    throw new ApiError(
      400,
      'model_error',
      `name one of the signature's inputs in ${TENSOR_HEADERS.input}: ${inputs.join(', ')}`,
    );
  const key = chosenOutput(request.headers, Object.keys(signature.outputs));
  const outputs = await client.predict(
    { model, version, signatureName, signature, inputs: { [inputKey]: input } },
    signal,
  );
  const output = outputs[key];
  if (!output)
    throw new ApiError(
      502,
      'model_unavailable',
      `model '${model}' answered without output '${key}'`,
    );
  return tensorResponse(key, output);
}

/**
 * /inference/models/{model}[/versions/{v}]: GET the model's status, GET .../metadata its
 * signatures, POST .../predict either a small TF Serving predict body (JSON: instances or inputs,
 * answered as TF Serving answers) or one raw tensor (application/octet-stream, little-endian,
 * shape in x-tensor-shape; answered the same way), for the caller's tenant. Larger inputs belong
 * in an inference job.
 */
export async function handleInference(request: Request): Promise<Response> {
  try {
    const s = getServices();
    await authenticateUser(request, s.config);
    const parts = segments(request, 'inference');
    if (parts[0] !== 'models' || !parts[1] || !MODEL.test(parts[1])) throw notFound('this path');
    const model = parts[1];
    let rest = parts.slice(2);
    let version: number | undefined;
    if (rest[0] === 'versions') {
      if (!rest[1] || !/^\d{1,9}$/.test(rest[1])) throw notFound('this model version');
      version = Number(rest[1]);
      rest = rest.slice(2);
    }
    const path = RestModelServing.modelPath(model, version);
    const [action, ...extra] = rest;
    if (extra.length > 0) throw notFound('this path');
    try {
      if (request.method === 'GET' && action === undefined)
        return await passThrough(s, model, path, undefined);
      if (request.method === 'GET' && action === 'metadata')
        return await passThrough(s, model, `${path}/metadata`, undefined);
      if (request.method === 'POST' && action === 'predict') {
        const payload = await readBody(
          request,
          s.config.SYNC_INFERENCE_MAX_BYTES,
          `synchronous inference takes up to ${String(s.config.SYNC_INFERENCE_MAX_BYTES)} bytes; submit an inference job for more`,
        );
        if (isTensorBody(request)) {
          const signal = AbortSignal.timeout(s.config.SYNC_INFERENCE_TIMEOUT_SECONDS * 1000);
          return await predictTensor(models(s), request, payload, model, version, signal);
        }
        return await passThrough(s, model, `${path}:predict`, payload);
      }
    } catch (error) {
      throw apiError(error);
    }
    throw new ApiError(405, 'method_not_allowed', `${request.method} is not served here`);
  } catch (error) {
    return errorResponse(error);
  }
}
