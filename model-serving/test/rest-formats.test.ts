import { describe, expect, it } from 'vitest';
import { parseModelConfig } from '../dist/server/model-config.js';
import { readNumericBody } from '../dist/server/numeric-body.js';
import { formatTensor, readTensor } from '../dist/server/tensor-json.js';

describe("TF Serving's JSON tensors", () => {
  it('reads nested lists and writes them back in the same nesting', () => {
    const tensor = readTensor(
      [
        [
          [1, 2],
          [3, 4.5],
        ],
      ],
      'float32',
      'x',
    );
    expect(tensor.shape).toEqual([1, 2, 2]);
    expect(formatTensor(tensor.values, tensor.shape)).toBe('[[[1,2],[3,4.5]]]');
    expect(formatTensor(Float32Array.of(0.1), [1])).toBe('[0.100000001]');
  });

  it('refuses ragged lists, non-numbers and fractions for int32 with INVALID_ARGUMENT', () => {
    expect(() => readTensor([[1, 2], [3]], 'float32', 'x')).toThrow(/not rectangular/);
    expect(() => readTensor([[1, 'a']], 'float32', 'x')).toThrow(/not a number/);
    expect(() => readTensor([1.5], 'int32', 'x')).toThrow(/not an integer/);
    try {
      readTensor('text', 'float32', 'x');
    } catch (error) {
      expect((error as { httpStatus: number }).httpStatus).toBe(400);
    }
  });
});

describe('the model config file', () => {
  it("reads TF Serving's model_config_list", () => {
    const text = `model_config_list {
      config { name: 'landcover' base_path: "/models/landcover" model_platform: 'tensorflow' }
      # a comment
      config { name: 'other' base_path: '/models/other' model_version_policy { latest { num_versions: 1 } } }
    }`;
    expect(parseModelConfig(text)).toEqual([
      { name: 'landcover', basePath: '/models/landcover' },
      { name: 'other', basePath: '/models/other' },
    ]);
    expect(() => parseModelConfig('model_config_list {}')).toThrow(/lists no models/);
    expect(() => parseModelConfig("model_config_list { config { name: 'x' } }")).toThrow(
      /base_path/,
    );
  });
});

describe('the numeric fast path for large predict bodies', () => {
  const read = (text: string) => readNumericBody(Buffer.from(text));

  it('reads what JSON.parse reads, to the same float32 values', () => {
    const texts = ['0.1234', '-5e-7', '1E21', '3', '0.30000001192092896', '123456789012345678'];
    const body = read(`{ "signature_name": "x", "instances": [[${texts.join(', ')}]] }`);
    expect(body?.signatureName).toBe('x');
    expect(body?.rows).toBe(true);
    expect(body?.tensor.shape).toEqual([1, texts.length]);
    expect([...body!.tensor.values]).toEqual(texts.map((t) => Math.fround(Number(t))));
    expect(read('{"inputs":[[[1,2],[3,4]]]}')?.tensor.shape).toEqual([1, 2, 2]);
  });

  it('leaves to JSON.parse what it does not read, and refuses ragged lists', () => {
    expect(read('{"instances":[{"a":[1]}]}')).toBeNull();
    expect(read('{"instances":[],"x":1}')).toBeNull();
    expect(read('{"instances":[[1,2]')).toBeNull();
    expect(read('{"instances":[[1,2]] } trailing')).toBeNull();
    expect(read('{"signature_name":"a\\"b","instances":[[1]]}')).toBeNull();
    expect(() => read('{"instances":[[1,2],[3]]}')).toThrow(/not rectangular/);
    expect(() => read('{"instances":[[[1],2]]}')).toThrow(/not rectangular/);
  });
});
