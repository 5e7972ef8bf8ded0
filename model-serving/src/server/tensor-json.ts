import { invalidArgument } from './serving-error.js';

export type TensorDtype = 'float32' | 'int32';

/** A dense tensor read from a JSON request. */
export interface JsonTensor {
  shape: number[];
  values: Float32Array | Int32Array;
}

/** The shape of a nested JSON list, checked to be rectangular all the way down. */
function shapeOf(value: unknown, name: string): number[] {
  const shape: number[] = [];
  let level = value;
  while (Array.isArray(level)) {
    shape.push(level.length);
    if (level.length === 0) break;
    level = level[0] as unknown;
  }
  if (shape.length === 0 && typeof value !== 'number') {
    throw invalidArgument(`input '${name}' is not a number or a list of numbers`);
  }
  return shape;
}

/** Reads a nested list of numbers into a typed array of the given dtype. */
export function readTensor(value: unknown, dtype: TensorDtype, name: string): JsonTensor {
  const shape = shapeOf(value, name);
  const count = shape.reduce((a, b) => a * b, 1);
  const values = dtype === 'int32' ? new Int32Array(count) : new Float32Array(count);
  let offset = 0;
  const visit = (node: unknown, depth: number): void => {
    if (depth === shape.length) {
      if (typeof node !== 'number') {
        throw invalidArgument(
          `input '${name}' has a value that is not a number: ${JSON.stringify(node)}`,
        );
      }
      if (dtype === 'int32' && !Number.isInteger(node)) {
        throw invalidArgument(`input '${name}' is DT_INT32 and ${String(node)} is not an integer`);
      }
      values[offset++] = node;
      return;
    }
    if (!Array.isArray(node) || node.length !== shape[depth]) {
      throw invalidArgument(
        `input '${name}' is not rectangular: every list at depth ${String(depth)} must have ${String(shape[depth])} elements`,
      );
    }
    for (const child of node) visit(child, depth + 1);
  };
  visit(value, 0);
  return { shape, values };
}

/** Stacks instances (row format) of one input into one tensor with a leading batch dimension. */
export function stackInstances(instances: unknown[], dtype: TensorDtype, name: string): JsonTensor {
  if (instances.length === 0) throw invalidArgument("'instances' is an empty list");
  return readTensor(instances, dtype, name);
}

/** One float as TF Serving writes it: nine significant digits, without trailing zeros. */
function formatFloat(value: number): string {
  if (!Number.isFinite(value))
    return Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
  return String(Number(value.toPrecision(9)));
}

/** The JSON text of `values` (row-major) as nested lists of `shape`. */
export function formatTensor(
  values: Float32Array | Int32Array,
  shape: readonly number[],
  from = 0,
): string {
  const format = values instanceof Int32Array ? String : formatFloat;
  if (shape.length === 0) return format(values[from] ?? 0);
  const parts: string[] = [];
  const write = (depth: number, offset: number, stride: number): void => {
    const size = shape[depth]!;
    parts.push('[');
    if (depth === shape.length - 1) {
      const items = new Array<string>(size);
      for (let i = 0; i < size; i++) items[i] = format(values[offset + i]!);
      parts.push(items.join(','));
    } else {
      const inner = stride / size;
      for (let i = 0; i < size; i++) {
        if (i > 0) parts.push(',');
        write(depth + 1, offset + i * inner, inner);
      }
    }
    parts.push(']');
  };
  write(
    0,
    from,
    shape.reduce((a, b) => a * b, 1),
  );
  return parts.join('');
}
