import {
  ModelServingError,
  RestModelServing,
  type ModelMetadata,
  type ModelServing,
  type Signature,
} from '@harita/model-serving/client/rest';
import { assertRegisteredTenant, authenticateUser } from '../_shared/auth.ts';
import { asUser } from '../_shared/db.ts';
import { modelMetadata, modelServing } from '../_shared/model-serving.ts';
import { ApiError, badRequest, errorResponse, notFound, readBody } from '../_shared/http.ts';
import { segments } from '../_shared/route.ts';
import { getServices, type Services } from '../_shared/services.ts';
import {
  chosenOutput,
  isTensorBody,
  readTensorBody,
  TENSOR_HEADERS,
  tensorResponse,
} from './binary-tensor.ts';
import { assertBatch, assertFits, checkPredictBody } from './input-shape.ts';

const MODEL = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * A model-serving failure as the API answers it: {code, message} with its HTTP status. When
 * model serving is down or answers nonsense, the client gets a short reason and the log the
 * details; a refusal of the input is the model's own reason, for the client to act on.
 */
function apiError(error: unknown): unknown {
  if (!(error instanceof ModelServingError)) return error;
  if (error.code === 'unavailable' || error.code === 'bad_answer')
    console.error(
      JSON.stringify({
        level: 'warn',
        msg: 'model serving failed',
        code: error.code,
        detail: error.message,
      }),
    );
  switch (error.code) {
    case 'not_found':
      return new ApiError(404, 'not_found', error.message);
    case 'unavailable':
      return new ApiError(503, 'model_unavailable', 'model serving did not answer; try again', {
        'retry-after': '5',
      });
    case 'bad_answer':
      return new ApiError(
        502,
        'model_unavailable',
        'model serving answered out of contract; try again',
        {
          'retry-after': '5',
        },
      );
    default:
      return new ApiError(400, 'model_error', error.message);
  }
}

/** The signature a request names, from the model's metadata. @throws ApiError 400 when it has none such */
function signatureOf(metadata: ModelMetadata, model: string, name: string): Signature {
  const signature = metadata.signatures[name];
  if (!signature)
    throw new ApiError(400, 'model_error', `model '${model}' has no signature '${name}'`);
  return signature;
}

/** A TF Serving REST call passed through: its JSON answer as it came. */
async function passThrough(
  s: Services,
  model: string,
  path: string,
  body: Uint8Array<ArrayBuffer> | undefined,
): Promise<Response> {
  const answer = await modelServing(s.config).call(
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
 * the chosen output back as a raw tensor. Its shape is checked against the input's and its
 * batch against the cap first.
 */
async function predictTensor(
  client: ModelServing,
  request: Request,
  body: Uint8Array,
  model: string,
  version: number | undefined,
  signal: AbortSignal,
  maxInstances: number,
): Promise<Response> {
  const input = readTensorBody(request.headers, body);
  const signatureName = request.headers.get(TENSOR_HEADERS.signature) ?? 'serving_default';
  const signature = signatureOf(
    await modelMetadata(client, model, version, signal),
    model,
    signatureName,
  );
  const inputs = Object.keys(signature.inputs);
  const inputKey =
    request.headers.get(TENSOR_HEADERS.input) ?? (inputs.length === 1 ? inputs[0]! : '');
  if (!inputs.includes(inputKey))
    throw new ApiError(
      400,
      'model_error',
      `name one of the signature's inputs in ${TENSOR_HEADERS.input}: ${inputs.join(', ')}`,
    );
  assertBatch(input.shape[0] ?? 1, maxInstances);
  assertFits(input.shape, signature.inputs[inputKey]!, `input '${inputKey}'`);
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

/** A JSON predict body. @throws ApiError 400 when it is not JSON */
function parseJsonBody(payload: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(payload)) as unknown;
  } catch {
    throw badRequest('the body is not valid JSON');
  }
}

/**
 * /inference/models/{model}[/versions/{v}]: GET the model's status, GET .../metadata its
 * signatures, POST .../predict either a small TF Serving predict body (JSON: instances or inputs,
 * answered as TF Serving answers) or one raw tensor (application/octet-stream, little-endian,
 * shape in x-tensor-shape; answered the same way), for the caller's registered tenant. A
 * predict's input is checked against the model's signature first (422 `invalid_input_shape`), and
 * its instances against SYNC_INFERENCE_MAX_INSTANCES (422 `too_many_instances`). Larger inputs
 * belong in an inference job.
 */
export async function handleInference(request: Request): Promise<Response> {
  try {
    const s = getServices();
    const caller = await authenticateUser(request, s.config);
    await asUser(s.sql, caller.claims, assertRegisteredTenant);
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
        const signal = AbortSignal.timeout(s.config.SYNC_INFERENCE_TIMEOUT_SECONDS * 1000);
        const max = s.config.SYNC_INFERENCE_MAX_INSTANCES;
        if (isTensorBody(request))
          return await predictTensor(
            modelServing(s.config),
            request,
            payload,
            model,
            version,
            signal,
            max,
          );
        const body = parseJsonBody(payload);
        const name =
          (body as { signature_name?: unknown } | null)?.signature_name ?? 'serving_default';
        if (typeof name !== 'string') throw badRequest('signature_name must be a string');
        const metadata = await modelMetadata(modelServing(s.config), model, version, signal);
        checkPredictBody(body, signatureOf(metadata, model, name), max);
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
