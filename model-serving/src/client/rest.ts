import { readSingleListField, RaggedListError, type NumberList } from '../wire/json-numbers.ts';
import { jsonPredictBody } from '../wire/json-writer.ts';
import { dtypeOf, type Tensor } from '../wire/tensor.ts';
import { ModelServingError } from './errors.ts';
import {
  metadataFromRest,
  type ModelMetadata,
  type ModelVersionState,
  type TensorSpec,
} from './metadata.ts';
import type { ClientOptions, ModelServing, PredictCall } from './model-serving.ts';
import { TransientFailure, withRetries } from './retry.ts';

export { ModelContractError, ModelServingError, type ModelServingErrorCode } from './errors.ts';
export { segmentationModel, type SegmentationModel } from './segmentation-model.ts';
export {
  metadataFromRest,
  signaturesFrom,
  type ModelMetadata,
  type ModelVersionState,
  type Signature,
  type SignatureDefLike,
  type TensorInfoLike,
  type TensorSpec,
} from './metadata.ts';
export type { ClientOptions, ModelServing, Observe, PredictCall } from './model-serving.ts';
export type { Tensor } from '../wire/tensor.ts';

export interface RestOptions extends ClientOptions {
  /** TF Serving's REST root, e.g. http://model-serving:8501. */
  baseUrl: string;
  /**
   * An `Authorization` header sent with every request: the credential an edge in front of model
   * serving asks for (an ingress' basic auth, say). TF Serving itself takes none.
   */
  authorization?: string;
}

/** A raw REST answer: its status and bytes. */
export interface RestAnswer {
  status: number;
  bytes: Uint8Array<ArrayBuffer>;
}

const utf8 = new TextDecoder();

function errorText(bytes: Uint8Array, status: number): string {
  const text = utf8.decode(bytes);
  try {
    const parsed = JSON.parse(text) as { error?: unknown };
    if (typeof parsed.error === 'string') return parsed.error;
  } catch {
    // Not TF Serving's {"error": ...}: the text or the status says enough.
  }
  return text.slice(0, 300) || `HTTP ${String(status)}`;
}

/** A dense tensor of `spec`'s dtype from JSON numbers. */
function typed(list: NumberList, spec: TensorSpec | undefined, key: string): Tensor {
  const dtype = dtypeOf(spec?.dtype ?? 'DT_FLOAT');
  if (dtype === 'int32') return { dtype, shape: list.shape, values: Int32Array.from(list.values) };
  if (dtype === 'float32') return { dtype, shape: list.shape, values: list.values };
  throw new ModelServingError(
    'bad_answer',
    `output '${key}' is ${spec?.dtype ?? ''}; DT_FLOAT and DT_INT32 are read`,
  );
}

/** Shape and values of a JSON nested list, read by the general parser. */
function listOf(value: unknown, key: string): NumberList {
  const shape: number[] = [];
  for (let level = value; Array.isArray(level); level = level[0] as unknown)
    shape.push(level.length);
  const flat = shape.length > 1 ? (value as unknown[]).flat(shape.length - 1) : [value].flat();
  if (flat.some((v) => typeof v !== 'number'))
    throw new ModelServingError(
      'bad_answer',
      `output '${key}' is not a rectangular list of numbers`,
    );
  return { shape, values: Float32Array.from(flat as number[]) };
}

/**
 * The outputs of a columnar :predict answer, `{"outputs": ...}`: one output read by the shared
 * number scanner without building JS arrays, several through JSON.parse.
 */
function readOutputs(bytes: Uint8Array, call: PredictCall): Record<string, Tensor> {
  const keys = Object.keys(call.signature.outputs);
  try {
    if (keys.length === 1) {
      const list = readSingleListField(bytes, 'outputs');
      if (list) return { [keys[0]!]: typed(list, call.signature.outputs[keys[0]!], keys[0]!) };
    }
    const outputs = (JSON.parse(utf8.decode(bytes)) as { outputs?: unknown }).outputs;
    const named = keys.length === 1 && Array.isArray(outputs) ? { [keys[0]!]: outputs } : outputs;
    if (typeof named !== 'object' || named === null)
      throw new ModelServingError('bad_answer', 'the answer has no "outputs"');
    return Object.fromEntries(
      Object.entries(named).map(([key, value]) => [
        key,
        typed(listOf(value, key), call.signature.outputs[key], key),
      ]),
    );
  } catch (error) {
    if (error instanceof ModelServingError) throw error;
    if (error instanceof RaggedListError || error instanceof SyntaxError)
      throw new ModelServingError('bad_answer', `the answer's outputs are ${error.message}`);
    throw error;
  }
}

/** The TensorFlow Serving REST API (`/v1/models/...`): JSON tensors. Runs on Node and Deno. */
export class RestModelServing implements ModelServing {
  readonly protocol = 'rest';
  private readonly root: string;

  constructor(private readonly options: RestOptions) {
    this.root = options.baseUrl.replace(/\/+$/, '');
  }

  /** `/v1/models/{model}[/versions/{v}]`. */
  static modelPath(model: string, version: number | undefined): string {
    const versioned = version === undefined ? '' : `/versions/${String(version)}`;
    return `/v1/models/${encodeURIComponent(model)}${versioned}`;
  }

  async status(
    model: string,
    version: number | undefined,
    signal: AbortSignal,
  ): Promise<ModelVersionState[]> {
    const answer = await this.call(
      model,
      RestModelServing.modelPath(model, version),
      undefined,
      signal,
    );
    const json = JSON.parse(utf8.decode(answer.bytes)) as {
      model_version_status?: {
        version: string;
        state: string;
        status?: { error_code?: string; error_message?: string };
      }[];
    };
    return (json.model_version_status ?? []).map((row) => ({
      version: Number(row.version),
      state: row.state,
      error: { code: row.status?.error_code ?? 'OK', message: row.status?.error_message ?? '' },
    }));
  }

  async metadata(
    model: string,
    version: number | undefined,
    signal: AbortSignal,
  ): Promise<ModelMetadata> {
    const path = `${RestModelServing.modelPath(model, version)}/metadata`;
    const answer = await this.call(model, path, undefined, signal);
    return metadataFromRest(JSON.parse(utf8.decode(answer.bytes)));
  }

  async predict(call: PredictCall, signal: AbortSignal): Promise<Record<string, Tensor>> {
    const body = jsonPredictBody(call.signatureName, call.inputs);
    const path = `${RestModelServing.modelPath(call.model, call.version)}:predict`;
    const answer = await this.call(call.model, path, body, signal);
    return readOutputs(answer.bytes, call);
  }

  close(): void {
    // fetch keeps no connection of this client's own.
  }

  /**
   * One REST request, GET without a body and POST with one, retried while the server is
   * unreachable, times out, or answers 429 or a 5xx.
   * @throws ModelServingError `not_found` on 404, `refused` on another 4xx, `unavailable` once tries run out
   */
  async call(
    model: string,
    path: string,
    body: Uint8Array<ArrayBuffer> | undefined,
    signal: AbortSignal,
  ): Promise<RestAnswer> {
    const { timeoutMs, observe } = this.options;
    return await withRetries(`for model '${model}'`, this.options, signal, async () => {
      const started = performance.now();
      const seconds = () => (performance.now() - started) / 1000;
      let response: Response;
      let bytes: Uint8Array<ArrayBuffer>;
      try {
        const headers: Record<string, string> = {};
        if (body !== undefined) headers['content-type'] = 'application/json';
        if (this.options.authorization) headers['authorization'] = this.options.authorization;
        response = await fetch(`${this.root}${path}`, {
          method: body === undefined ? 'GET' : 'POST',
          headers,
          ...(body === undefined ? {} : { body }),
          signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
        });
        bytes = new Uint8Array(await response.arrayBuffer());
      } catch (error) {
        if (signal.aborted) throw error;
        observe?.(model, 'unavailable', seconds());
        const cause = (error as Error & { cause?: Error }).cause;
        throw new TransientFailure(
          (error as Error).name === 'TimeoutError'
            ? `no answer within ${String(timeoutMs / 1000)} s`
            : (cause?.message ?? (error as Error).message),
        );
      }
      if (response.ok) {
        observe?.(model, 'ok', seconds());
        return { status: response.status, bytes };
      }
      const message = errorText(bytes, response.status);
      if (response.status === 429 || response.status >= 500) {
        observe?.(model, 'unavailable', seconds());
        throw new TransientFailure(`HTTP ${String(response.status)}: ${message}`);
      }
      observe?.(model, 'rejected', seconds());
      if (response.status === 404)
        throw new ModelServingError(
          'not_found',
          `model serving has no model '${model}' (or not that version): ${message}`,
        );
      throw new ModelServingError(
        'refused',
        `model '${model}' refused the request (HTTP ${String(response.status)}): ${message}`,
      );
    });
  }
}
