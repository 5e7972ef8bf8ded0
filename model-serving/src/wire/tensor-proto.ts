import { elementCount, type Tensor } from './tensor.ts';

// TensorProto (tensorflow/core/framework/tensor.proto) to and from the kit's tensors. Sent as
// tensor_content, read from tensor_content or the typed value lists, always little-endian.

/** TensorFlow's DataType numbers of the dtypes the kit moves. */
const DT_FLOAT = 1;
const DT_INT32 = 3;

/** A TensorProto in protobufjs's object form (field names in camelCase, enums as numbers). */
export interface TensorProtoObject {
  dtype?: number;
  tensorShape?: { dim?: { size?: number | string | { toString(): string } }[] } | null;
  tensorContent?: Uint8Array;
  floatVal?: number[];
  intVal?: number[];
}

export class TensorProtoError extends Error {
  override name = 'TensorProtoError';
}

const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** The bytes of 4-byte elements in little-endian order, a view where the host is little-endian. */
function littleEndianBytes(values: Float32Array | Int32Array): Uint8Array {
  const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  if (LITTLE_ENDIAN) return bytes;
  const swapped = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i += 4) {
    swapped[i] = bytes[i + 3]!;
    swapped[i + 1] = bytes[i + 2]!;
    swapped[i + 2] = bytes[i + 1]!;
    swapped[i + 3] = bytes[i]!;
  }
  return swapped;
}

/**
 * A TensorProto carrying `tensor` as tensor_content (no copy on little-endian hosts): the first
 * elements its shape holds, so a buffer larger than the shape (a last, partial batch) is fine.
 * @throws TensorProtoError when the tensor holds fewer values than its shape
 */
export function toTensorProto(tensor: Tensor): TensorProtoObject {
  const count = elementCount(tensor.shape);
  if (tensor.values.length < count)
    throw new TensorProtoError(
      `the tensor holds ${String(tensor.values.length)} values; shape [${tensor.shape.join(',')}] needs ${String(count)}`,
    );
  return {
    dtype: tensor.dtype === 'float32' ? DT_FLOAT : DT_INT32,
    tensorShape: { dim: tensor.shape.map((size) => ({ size })) },
    tensorContent: littleEndianBytes(tensor.values.subarray(0, count)),
  };
}

/** The 4-byte elements of tensor_content, copied into an aligned buffer in host order. */
function fromContent(content: Uint8Array, count: number): ArrayBuffer {
  if (content.length !== count * 4) {
    throw new TensorProtoError(
      `tensor_content holds ${String(content.length)} bytes; ${String(count * 4)} were expected`,
    );
  }
  // A copy: protobufjs's bytes are views (Buffers on Node) at any offset into the message.
  const copy = new Uint8Array(content);
  if (!LITTLE_ENDIAN) copy.set(littleEndianBytes(new Int32Array(copy.buffer)));
  return copy.buffer;
}

/**
 * The tensor a TensorProto holds, DT_FLOAT or DT_INT32, from tensor_content or float_val/int_val
 * (one value stands for every element, as TensorFlow reads it).
 * @throws TensorProtoError for another dtype or a value count that does not fit the shape
 */
export function fromTensorProto(proto: TensorProtoObject, name: string): Tensor {
  const dtype =
    proto.dtype === DT_FLOAT ? 'float32' : proto.dtype === DT_INT32 ? 'int32' : undefined;
  if (!dtype)
    throw new TensorProtoError(
      `tensor '${name}' has dtype ${String(proto.dtype)}; DT_FLOAT and DT_INT32 are read`,
    );
  const shape = (proto.tensorShape?.dim ?? []).map((d) => Number(String(d.size ?? 0)));
  const count = elementCount(shape);
  if (proto.tensorContent && proto.tensorContent.length > 0) {
    const buffer = fromContent(proto.tensorContent, count);
    return dtype === 'float32'
      ? { dtype, shape, values: new Float32Array(buffer) }
      : { dtype, shape, values: new Int32Array(buffer) };
  }
  const list = (dtype === 'float32' ? proto.floatVal : proto.intVal) ?? [];
  if (list.length !== count && list.length !== 1) {
    throw new TensorProtoError(
      `tensor '${name}' has ${String(list.length)} values for shape [${shape.join(',')}]`,
    );
  }
  const values = dtype === 'float32' ? new Float32Array(count) : new Int32Array(count);
  if (list.length === 1) values.fill(list[0]!);
  else values.set(list);
  return dtype === 'float32'
    ? { dtype, shape, values: values as Float32Array }
    : { dtype, shape, values: values as Int32Array };
}
