import type { Tensor } from '@harita/model-serving/client/rest';
import { ApiError, badRequest } from '../_shared/http.ts';

/** The media type of a raw tensor: its elements, row-major, little-endian, with its shape and dtype in headers. */
export const TENSOR_MEDIA_TYPE = 'application/octet-stream';

/** The headers that describe a raw tensor, in requests and answers alike. */
export const TENSOR_HEADERS = {
  shape: 'x-tensor-shape',
  dtype: 'x-tensor-dtype',
  signature: 'x-signature-name',
  input: 'x-input-name',
  output: 'x-output-name',
} as const;

/** Whether the body is a raw tensor rather than TF Serving's JSON. */
export function isTensorBody(request: Request): boolean {
  return (request.headers.get('content-type') ?? '').split(';')[0]!.trim() === TENSOR_MEDIA_TYPE;
}

/**
 * The tensor of a raw body: `x-tensor-shape` (comma-separated dims, e.g. `1,256,256,4`) and
 * `x-tensor-dtype` (`float32`, the default, or `int32`) describe the little-endian elements.
 * @throws ApiError 400 when the headers are missing or malformed or the byte count does not fit the shape
 */
export function readTensorBody(headers: Headers, bytes: Uint8Array): Tensor {
  const shapeText = headers.get(TENSOR_HEADERS.shape);
  if (!shapeText || !/^\d{1,9}(,\d{1,9}){0,7}$/.test(shapeText.replace(/\s+/g, '')))
    throw badRequest(`${TENSOR_HEADERS.shape} must list the tensor's dims, e.g. 1,256,256,4`);
  const shape = shapeText.replace(/\s+/g, '').split(',').map(Number);
  const dtype = headers.get(TENSOR_HEADERS.dtype) ?? 'float32';
  if (dtype !== 'float32' && dtype !== 'int32')
    throw badRequest(`${TENSOR_HEADERS.dtype} must be float32 or int32`);
  const count = shape.reduce((a, b) => a * b, 1);
  if (bytes.length !== count * 4)
    throw badRequest(
      `the body holds ${String(bytes.length)} bytes; shape [${shape.join(',')}] of ${dtype} needs ${String(count * 4)}`,
    );
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (dtype === 'int32') {
    const values = new Int32Array(count);
    for (let i = 0; i < count; i++) values[i] = view.getInt32(i * 4, true);
    return { dtype, shape, values };
  }
  const values = new Float32Array(count);
  for (let i = 0; i < count; i++) values[i] = view.getFloat32(i * 4, true);
  return { dtype, shape, values };
}

/** A raw tensor answer: little-endian elements, the output's key, shape and dtype in headers. */
export function tensorResponse(key: string, tensor: Tensor): Response {
  const bytes = new Uint8Array(tensor.values.length * 4);
  const view = new DataView(bytes.buffer);
  tensor.values.forEach((value, i) => {
    if (tensor.dtype === 'int32') view.setInt32(i * 4, value, true);
    else view.setFloat32(i * 4, value, true);
  });
  return new Response(bytes, {
    status: 200,
    headers: {
      'content-type': TENSOR_MEDIA_TYPE,
      [TENSOR_HEADERS.shape]: tensor.shape.join(','),
      [TENSOR_HEADERS.dtype]: tensor.dtype,
      [TENSOR_HEADERS.output]: key,
    },
  });
}

/**
 * The one output a raw answer carries: `x-output-name`, or the signature's only output.
 * @throws ApiError 400 when the signature has several outputs and none is named, or not that one
 */
export function chosenOutput(headers: Headers, outputs: string[]): string {
  const named = headers.get(TENSOR_HEADERS.output);
  if (named !== null) {
    if (!outputs.includes(named))
      throw new ApiError(
        400,
        'model_error',
        `the signature has no output '${named}': ${outputs.join(', ')}`,
      );
    return named;
  }
  if (outputs.length !== 1)
    throw badRequest(
      `the signature answers ${outputs.join(', ')}; name one in ${TENSOR_HEADERS.output}`,
    );
  return outputs[0]!;
}
