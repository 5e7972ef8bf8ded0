import type { Signature, TensorSpec } from '@harita/model-serving/client/rest';
import { ApiError, badRequest } from '../_shared/http.ts';

// The checks a synchronous predict passes before it reaches model serving: each input's shape
// against the signature the model's metadata declares (-1: any size), its elements numbers where
// the input is numeric, and the instances (the batch dimension) within the API's cap.

const NUMERIC = /^DT_(FLOAT|DOUBLE|HALF|BFLOAT16|U?INT(8|16|32|64))$/;
/** Deeper than any tensor a model takes: a guard against a body nested for its own sake. */
const MAX_RANK = 16;

const shapeError = (message: string) => new ApiError(422, 'invalid_input_shape', message);

const show = (dims: readonly number[]) => `[${dims.join(',')}]`;

/**
 * The dims of a JSON tensor (nested lists), checked rectangular, its leaves numbers when
 * `numeric`.
 * @throws ApiError 422 `invalid_input_shape` for a ragged list or a leaf of another kind
 */
export function jsonShape(value: unknown, where: string, numeric: boolean): number[] {
  const dims: number[] = [];
  for (let probe = value; Array.isArray(probe); probe = probe[0] as unknown) {
    dims.push(probe.length);
    if (dims.length > MAX_RANK)
      throw shapeError(`${where} is nested deeper than ${String(MAX_RANK)} levels`);
    if (probe.length === 0) break;
  }
  const walk = (node: unknown, depth: number): void => {
    if (depth === dims.length) {
      if (Array.isArray(node) || (numeric && typeof node !== 'number'))
        throw shapeError(`${where} is not a tensor of numbers of shape ${show(dims)}`);
      return;
    }
    if (!Array.isArray(node) || node.length !== dims[depth])
      throw shapeError(`${where} is ragged: its lists differ in length at depth ${String(depth)}`);
    for (const child of node) walk(child, depth + 1);
  };
  walk(value, 0);
  return dims;
}

/**
 * Refuses a tensor whose dims do not fit the input's declared shape (an input of unknown rank
 * takes any).
 * @throws ApiError 422 `invalid_input_shape` naming both shapes
 */
export function assertFits(dims: readonly number[], spec: TensorSpec, where: string): void {
  if (spec.shape.length === 0) return;
  const fits =
    dims.length === spec.shape.length && spec.shape.every((d, i) => d === -1 || d === dims[i]);
  if (!fits)
    throw shapeError(
      `${where} has shape ${show(dims)}; the model takes ${show(spec.shape)} (-1: any size)`,
    );
}

/**
 * Refuses a batch over the API's cap on instances, or an empty one.
 * @throws ApiError 422 `too_many_instances` past `max`, `invalid_input_shape` for none
 */
export function assertBatch(instances: number, max: number): void {
  if (instances === 0) throw shapeError('the request holds no instances');
  if (instances > max)
    throw new ApiError(
      422,
      'too_many_instances',
      `synchronous inference takes up to ${String(max)} instances per request, this one holds ${String(instances)}; submit an inference job for more`,
    );
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The named inputs of one row or of the columnar body: a bare tensor feeds the only input. */
function named(value: unknown, signature: Signature, where: string): Record<string, unknown> {
  const inputs = Object.keys(signature.inputs);
  if (isRecord(value)) {
    for (const key of Object.keys(value))
      if (!inputs.includes(key))
        throw shapeError(`${where} names input '${key}'; the signature takes ${inputs.join(', ')}`);
    for (const key of inputs)
      if (!(key in value)) throw shapeError(`${where} lacks input '${key}'`);
    return value;
  }
  if (inputs.length !== 1)
    throw shapeError(`${where} must name each of the signature's inputs: ${inputs.join(', ')}`);
  return { [inputs[0]!]: value };
}

const numeric = (spec: TensorSpec) => NUMERIC.test(spec.dtype);

/**
 * Checks a TF Serving JSON predict body against the signature: `instances` (row form, each
 * instance one input's value or an object of them, without the batch dimension) or `inputs`
 * (columnar, with it).
 * @throws ApiError 400 without exactly one of instances or inputs; 422 as jsonShape, assertFits, assertBatch
 */
export function checkPredictBody(body: unknown, signature: Signature, maxInstances: number): void {
  if (!isRecord(body) || 'instances' in body === 'inputs' in body)
    throw badRequest('send a TF Serving predict body: an object with instances or inputs');
  if ('instances' in body) {
    const rows = body['instances'];
    if (!Array.isArray(rows)) throw badRequest('instances must be a list');
    assertBatch(rows.length, maxInstances);
    rows.forEach((row, i) => {
      for (const [key, value] of Object.entries(named(row, signature, `instance ${String(i)}`))) {
        const spec = signature.inputs[key]!;
        const where = `instance ${String(i)} of input '${key}'`;
        const dims = [rows.length, ...jsonShape(value, where, numeric(spec))];
        assertFits(dims, spec, where);
      }
    });
    return;
  }
  const tensors = Object.entries(named(body['inputs'], signature, 'inputs')).map(([key, value]) => {
    const spec = signature.inputs[key]!;
    const where = `input '${key}'`;
    return { spec, where, dims: jsonShape(value, where, numeric(spec)) };
  });
  assertBatch(tensors[0]?.dims[0] ?? 0, maxInstances);
  for (const { spec, where, dims } of tensors) assertFits(dims, spec, where);
}
