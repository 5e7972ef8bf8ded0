import * as tf from '@tensorflow/tfjs-core';
import type { SignatureDef, TensorInfo } from '../saved-model/schema.js';
import type { ServableVersion } from './model-store.js';
import type { ModelRunner } from './runner.js';
import { ServingError, invalidArgument } from './serving-error.js';
import type { NumericBody } from './numeric-body.js';
import {
  formatTensor,
  readTensor,
  stackInstances,
  type JsonTensor,
  type TensorDtype,
} from './tensor-json.js';

const DEFAULT_SIGNATURE = 'serving_default';

function dtypeOf(info: TensorInfo, key: string): TensorDtype {
  if (info.dtype === 'DT_FLOAT') return 'float32';
  if (info.dtype === 'DT_INT32') return 'int32';
  throw new ServingError(
    'UNIMPLEMENTED',
    `tensor '${key}' is ${info.dtype}: this server reads DT_FLOAT and DT_INT32`,
  );
}

/** "name:0" in a signature is output 0 of node "name"; TF.js names tensors by node. */
function nodeOf(info: TensorInfo): string {
  return info.name.replace(/:0$/, '');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function signatureOf(servable: ServableVersion, name: string): SignatureDef {
  const signature = servable.signatures[name];
  if (!signature) {
    throw invalidArgument(`Serving signature name: "${name}" not found in signature def`);
  }
  return signature;
}

/** The request's tensors by signature input key, in row (`instances`) or columnar (`inputs`) form. */
function readInputs(
  body: Record<string, unknown>,
  signature: SignatureDef,
): Map<string, JsonTensor> {
  const keys = Object.keys(signature.inputs);
  const hasInstances = 'instances' in body;
  if (hasInstances === 'inputs' in body) {
    throw invalidArgument(
      hasInstances
        ? "Not formatted correctly expecting only one of 'inputs' or 'instances' keys exists"
        : "Missing 'inputs' or 'instances' key",
    );
  }
  const tensors = new Map<string, JsonTensor>();
  const dtype = (key: string) => dtypeOf(signature.inputs[key]!, key);
  if (hasInstances) {
    const instances = body['instances'];
    if (!Array.isArray(instances)) throw invalidArgument("'instances' must be a list");
    const named = keys.length > 1 || instances.every(isObject);
    for (const key of keys) {
      const column = named
        ? instances.map((instance) => {
            if (!isObject(instance) || !(key in instance)) {
              throw invalidArgument(`an instance is missing input '${key}'`);
            }
            return instance[key];
          })
        : instances;
      tensors.set(key, stackInstances(column, dtype(key), key));
    }
  } else {
    const inputs = body['inputs'];
    const named = isObject(inputs);
    if (!named && keys.length > 1) {
      throw invalidArgument(
        `'inputs' must name each of the signature's inputs: ${keys.join(', ')}`,
      );
    }
    for (const key of keys) {
      const value = named ? inputs[key] : inputs;
      if (value === undefined) throw invalidArgument(`'inputs' is missing input '${key}'`);
      tensors.set(key, readTensor(value, dtype(key), key));
    }
  }
  return tensors;
}

function checkShape(
  key: string,
  info: TensorInfo,
  tensor: JsonTensor,
  graphShape: number[] | undefined,
): void {
  const expected = graphShape ?? info.tensorShape.dim?.map((d) => Number(d.size)) ?? [];
  if (expected.length === 0) return;
  const matches =
    expected.length === tensor.shape.length &&
    expected.every((size, i) => size === -1 || size === tensor.shape[i]);
  if (!matches) {
    throw invalidArgument(
      `input '${key}' has shape [${tensor.shape.join(',')}]; the model takes [${expected.join(',')}] (-1: any size)`,
    );
  }
}

export interface PredictOutcome {
  /** The JSON body to answer with. */
  body: string;
  /** Pixels or elements in the batch, for the metrics. */
  batch: number;
}

/** A :predict body: parsed JSON, or the numeric fast path's tensor. */
export type PredictRequest = { json: unknown } | { numeric: NumericBody };

interface ReadRequest {
  signatureName: string;
  signature: SignatureDef;
  rows: boolean;
  inputs: Map<string, JsonTensor>;
}

function readRequest(servable: ServableVersion, request: PredictRequest): ReadRequest {
  const named = (name: unknown) => {
    const signatureName = typeof name === 'string' && name !== '' ? name : DEFAULT_SIGNATURE;
    return { signatureName, signature: namedSignature(servable, signatureName) };
  };
  if ('numeric' in request) {
    const { rows, tensor } = request.numeric;
    const { signatureName, signature } = named(request.numeric.signatureName);
    const keys = Object.keys(signature.inputs);
    if (keys.length !== 1)
      throw invalidArgument(
        `the signature takes ${String(keys.length)} inputs; name each of them: ${keys.join(', ')}`,
      );
    const key = keys[0]!;
    if (
      dtypeOf(signature.inputs[key]!, key) === 'int32' &&
      tensor.values.some((v) => !Number.isInteger(v))
    ) {
      throw invalidArgument(`input '${key}' is DT_INT32 and holds a value that is not an integer`);
    }
    const values =
      dtypeOf(signature.inputs[key]!, key) === 'int32'
        ? Int32Array.from(tensor.values)
        : tensor.values;
    return {
      signatureName,
      signature,
      rows,
      inputs: new Map([[key, { shape: tensor.shape, values }]]),
    };
  }
  const body = request.json;
  if (!isObject(body)) throw invalidArgument('the request body must be a JSON object');
  const { signatureName, signature } = named(body['signature_name']);
  return {
    signatureName,
    signature,
    rows: 'instances' in body,
    inputs: readInputs(body, signature),
  };
}

/** One output of a run: its signature key, shape and values. */
export interface Output {
  key: string;
  shape: number[];
  values: Float32Array | Int32Array;
}

/** The signature a request names; TF Serving's default when it names none. */
export function namedSignature(servable: ServableVersion, name: string | undefined): SignatureDef {
  return signatureOf(servable, name === undefined || name === '' ? DEFAULT_SIGNATURE : name);
}

/**
 * Runs a signature on its inputs by key (each checked against the signature's dtype and the
 * graph's shape) and returns every output, in the signature's order.
 * @throws ServingError INVALID_ARGUMENT for a missing, unknown or misshapen input
 */
export function runSignature(
  servable: ServableVersion,
  signature: SignatureDef,
  inputs: Map<string, JsonTensor>,
): Output[] {
  const placeholderShapes = new Map(servable.graph.inputs.map((i) => [i.name, i.shape]));
  for (const key of inputs.keys()) {
    if (!(key in signature.inputs)) throw invalidArgument(`the signature has no input '${key}'`);
  }
  const feeds: Record<string, tf.Tensor> = {};
  const outputKeys = Object.keys(signature.outputs);
  try {
    for (const [key, info] of Object.entries(signature.inputs)) {
      const tensor = inputs.get(key);
      if (!tensor) throw invalidArgument(`input '${key}' is missing`);
      const dtype = dtypeOf(info, key);
      if ((dtype === 'int32') !== tensor.values instanceof Int32Array)
        throw invalidArgument(`input '${key}' must be ${info.dtype}`);
      checkShape(key, info, tensor, placeholderShapes.get(nodeOf(info)));
      feeds[nodeOf(info)] = tf.tensor(tensor.values, tensor.shape, dtype);
    }
    const results = tf.tidy(() => {
      const out = servable.graph.execute(
        feeds,
        outputKeys.map((k) => nodeOf(signature.outputs[k]!)),
      );
      return Array.isArray(out) ? out : [out];
    });
    try {
      return results.map((t, i) => ({
        key: outputKeys[i]!,
        shape: t.shape,
        values: t.dataSync() as Float32Array | Int32Array,
      }));
    } finally {
      tf.dispose(results);
    }
  } catch (error) {
    if (error instanceof ServingError) throw error;
    throw invalidArgument((error as Error).message);
  } finally {
    tf.dispose(Object.values(feeds));
  }
}

/**
 * Runs one REST :predict request against a loaded version, on one of the runner's threads.
 * @throws ServingError INVALID_ARGUMENT for a malformed request, or what the run failed with
 */
export async function predict(
  runner: ModelRunner,
  servable: ServableVersion,
  request: PredictRequest,
): Promise<PredictOutcome> {
  const { signatureName, rows, inputs } = readRequest(servable, request);
  const batch = [...inputs.values()][0]?.shape[0] ?? 1;
  const outputs = await runner.run(servable, signatureName, inputs);
  return { body: formatOutputs(rows, outputs), batch };
}

/** Row requests answer `predictions` (one entry per instance), columnar ones `outputs`. */
function formatOutputs(rows: boolean, outputs: Output[]): string {
  const single = outputs.length === 1;
  if (!rows) {
    if (single) return `{"outputs":${formatTensor(outputs[0]!.values, outputs[0]!.shape)}}`;
    const fields = outputs.map(
      (o) => `${JSON.stringify(o.key)}:${formatTensor(o.values, o.shape)}`,
    );
    return `{"outputs":{${fields.join(',')}}}`;
  }
  const batch = outputs[0]?.shape[0] ?? 0;
  const instances: string[] = [];
  for (let n = 0; n < batch; n++) {
    const parts = outputs.map((o) => {
      const inner = o.shape.slice(1);
      const size = inner.reduce((a, b) => a * b, 1);
      return { key: o.key, text: formatTensor(o.values, inner, n * size) };
    });
    instances.push(
      single
        ? parts[0]!.text
        : `{${parts.map((p) => `${JSON.stringify(p.key)}:${p.text}`).join(',')}}`,
    );
  }
  return `{"predictions":[${instances.join(',')}]}`;
}
