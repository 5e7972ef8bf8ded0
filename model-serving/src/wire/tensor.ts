// The tensors the kit moves: float32 pixels in, int32 class ids or float32 probabilities out.

/** A dense tensor: shape outermost first, values row-major. */
export type Tensor =
  | { dtype: 'float32'; shape: number[]; values: Float32Array }
  | { dtype: 'int32'; shape: number[]; values: Int32Array };

export type TensorDtype = Tensor['dtype'];

/** The dtype of a TensorFlow DataType name, or undefined for one the kit does not move. */
export function dtypeOf(dataType: string): TensorDtype | undefined {
  if (dataType === 'DT_FLOAT') return 'float32';
  if (dataType === 'DT_INT32') return 'int32';
  return undefined;
}

/** Elements in a tensor of `shape`. */
export const elementCount = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);
