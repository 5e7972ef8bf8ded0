import { describe, expect, it } from 'vitest';
import { readSingleListField } from '../dist/wire/json-numbers.js';
import { jsonPredictBody } from '../dist/wire/json-writer.js';
import { servingProtos } from '../dist/wire/protos.js';
import { fromTensorProto, toTensorProto } from '../dist/wire/tensor-proto.js';

// The wire codec the client and the server share.
describe("TF Serving's tensors on the wire", () => {
  it('travel as little-endian tensor_content inside a PredictRequest with TF Serving field numbers', () => {
    const { PredictRequest } = servingProtos();
    const request = {
      modelSpec: { name: 'm', signatureName: 's' },
      inputs: {
        x: toTensorProto({ dtype: 'float32', shape: [2], values: Float32Array.of(1, -2) }),
      },
    };
    const bytes = PredictRequest.encode(PredictRequest.fromObject(request)).finish();
    // model_spec (1) {name (1) "m", signature_name (3) "s"}, inputs (2) {key "x", value TensorProto
    // {dtype (1) DT_FLOAT, tensor_shape (2) {dim (2) {size (1) 2}}, tensor_content (4) 8 bytes}}.
    expect(Buffer.from(bytes).toString('hex')).toBe(
      '0a060a016d1a0173' +
        '1217' +
        '0a0178' +
        '1212' +
        '0801' +
        '120412020802' +
        '2208' +
        '0000803f' +
        '000000c0',
    );
    const decoded = PredictRequest.decode(bytes) as unknown as { inputs: Record<string, object> };
    expect(fromTensorProto(decoded.inputs['x']!, 'x')).toEqual({
      dtype: 'float32',
      shape: [2],
      values: Float32Array.of(1, -2),
    });
  });

  it('are sent as the elements their shape holds, from a larger buffer too', () => {
    const batch = Float32Array.of(1, 2, 3, 4, 5, 6);
    const proto = toTensorProto({ dtype: 'float32', shape: [2, 2], values: batch });
    expect(fromTensorProto(proto, 'x').values).toEqual(Float32Array.of(1, 2, 3, 4));
    expect(() => toTensorProto({ dtype: 'float32', shape: [4, 2], values: batch })).toThrow(
      /holds 6 values; shape \[4,2\] needs 8/,
    );
  });

  it('are read from typed value lists too, one value standing for all, and refused when the count is wrong', () => {
    expect(
      fromTensorProto({ dtype: 3, tensorShape: { dim: [{ size: 3 }] }, intVal: [7] }, 'y'),
    ).toEqual({
      dtype: 'int32',
      shape: [3],
      values: Int32Array.of(7, 7, 7),
    });
    expect(() =>
      fromTensorProto(
        { dtype: 1, tensorShape: { dim: [{ size: 3 }] }, tensorContent: new Uint8Array(8) },
        'z',
      ),
    ).toThrow(/8 bytes; 12 were expected/);
    expect(() => fromTensorProto({ dtype: 7 }, 's')).toThrow(/DT_FLOAT and DT_INT32/);
  });

  it('travel in JSON as the shortest decimals that read back to the same float32', () => {
    const values = Float32Array.of(0.1, -3.4028234663852886e38, 1e-45, 123456.7890625, 0, 2.5);
    const body = jsonPredictBody('class_ids', {
      x: { dtype: 'float32', shape: [1, 3, 2], values },
    });
    const text = new TextDecoder().decode(body);
    expect(text).toBe(
      '{"signature_name":"class_ids","inputs":[[[0.1,-3.4028235e+38],[1e-45,123456.79],[0,2.5]]]}',
    );
    const answer = `{"outputs":${text.slice(text.indexOf('[['), -1)}}`;
    const read = readSingleListField(new TextEncoder().encode(answer), 'outputs');
    expect(read?.shape).toEqual([1, 3, 2]);
    expect(read?.values).toEqual(values);
  });
});
