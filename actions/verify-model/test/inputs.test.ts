import { describe, expect, it, vi } from 'vitest';
import { metadataFromRest, signaturesFrom } from '@harita/model-serving/client/rest';
import { signatureDigest } from '../src/contract.js';

// The runner's core module mocked: the inputs as the runner would hand them over.
const runner = vi.hoisted((): { values: Record<string, string> } => ({ values: {} }));
vi.mock('@actions/core', () => ({
  getInput: (name: string, options?: { required?: boolean }) => {
    const value = runner.values[name] ?? '';
    if (options?.required && !value) throw new Error(`Input required and not supplied: ${name}`);
    return value;
  },
}));

describe('verify-model inputs', () => {
  it('reads the SavedModel, the server, the bands and the numbers, with the contract defaults', async () => {
    runner.values = {
      'saved-model': 'models/landcover/1',
      'serving-url': 'http://localhost:8501',
      bands: '4, 3, 2, 1',
    };
    const { readInputs } = await import('../src/inputs.js');
    expect(readInputs()).toEqual({
      savedModel: 'models/landcover/1',
      model: 'landcover',
      servingUrl: 'http://localhost:8501',
      sample: '',
      bands: [4, 3, 2, 1],
      scale: 0.0001,
      halo: 16,
      batchSize: 4,
    });
    runner.values = { 'saved-model': 'm', 'serving-url': 'u', bands: 'red,nir' };
    expect(() => readInputs()).toThrow(/bands/);
    runner.values = { 'saved-model': 'm' };
    expect(() => readInputs()).toThrow(/serving-url/);
  });
});

describe('signatures as TF Serving serves them', () => {
  it('turn into the same comparable rows from the SavedModel and from the served metadata', () => {
    const file = {
      name: 'm',
      version: 0,
      signatures: signaturesFrom({
        serving_default: {
          inputs: {
            x: {
              name: 'x:0',
              dtype: 'DT_FLOAT',
              tensorShape: { dim: [{ size: '-1' }, { size: 8 }] },
            },
          },
          outputs: { y: { name: 'y:0', dtype: 'DT_INT32', tensorShape: {} } },
          methodName: 'tensorflow/serving/predict',
        },
      }),
    };
    expect(signatureDigest(file)).toEqual([
      'serving_default.inputs.x:x:0:DT_FLOAT:[-1,8]',
      'serving_default.outputs.y:y:0:DT_INT32:[]',
    ]);
    const served = metadataFromRest({
      model_spec: { name: 'm', version: '1' },
      metadata: {
        signature_def: {
          signature_def: {
            __saved_model_init_op: {
              inputs: {},
              outputs: { o: { name: 'NoOp', dtype: 'DT_INVALID', tensor_shape: { dim: [] } } },
            },
            serving_default: {
              inputs: {
                x: {
                  name: 'x:0',
                  dtype: 'DT_FLOAT',
                  tensor_shape: { dim: [{ size: '-1' }, { size: '8' }] },
                },
              },
              outputs: { y: { name: 'y:0', dtype: 'DT_INT32', tensor_shape: { dim: [] } } },
              method_name: 'tensorflow/serving/predict',
            },
          },
        },
      },
    });
    expect(signatureDigest(served)).toEqual(signatureDigest(file));
  });
});
