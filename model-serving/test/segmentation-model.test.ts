import { describe, expect, it } from 'vitest';
import {
  ModelContractError,
  segmentationModel,
  type ModelMetadata,
  type Signature,
} from '../src/client/index.js';

// The segmentation contract the worker drives a model by and the API checks a submission
// against: one place, so what the API accepts the worker can run.
const spec = (name: string, dtype: string, shape: number[]) => ({ name, dtype, shape });
const signature = (input: number[], output: number[], outputType = 'DT_FLOAT'): Signature => ({
  inputs: { chips: spec('chips:0', 'DT_FLOAT', input) },
  outputs: { scores: spec('scores:0', outputType, output) },
  methodName: 'tensorflow/serving/predict',
});
const metadata = (signatures: Record<string, Signature>): ModelMetadata => ({
  name: 'landcover',
  version: 1,
  signatures,
});
const landcover = metadata({
  serving_default: signature([-1, 256, 256, 4], [-1, 256, 256, 5]),
  class_ids: signature([-1, 256, 256, 4], [-1, 256, 256], 'DT_INT32'),
});

describe('segmentationModel', () => {
  it('reads the chip size and classes, and predicts through the class-id signature unless probabilities are wanted', () => {
    expect(segmentationModel('landcover', undefined, landcover, 4, false)).toMatchObject({
      chipSize: 256,
      bands: 4,
      classCount: 5,
      signature: 'class_ids',
      output: 'class_ids',
      inputKey: 'chips',
      outputKey: 'scores',
    });
    expect(segmentationModel('landcover', undefined, landcover, 4, true)).toMatchObject({
      signature: 'serving_default',
      output: 'probabilities',
    });
  });

  it.each([
    ['bands', landcover, 3, "model 'landcover' takes 4 bands and the job gives 3"],
    ['model', metadata({}), 4, "model 'landcover' has no serving_default signature"],
    [
      'model',
      metadata({ serving_default: signature([-1, 256, 256], [-1, 256, 256, 5]) }),
      4,
      'must take one float32 input shaped [N, height, width, bands]',
    ],
    [
      'model',
      metadata({ serving_default: signature([-1, 256, 128, 4], [-1, 256, 128, 5]) }),
      4,
      'takes 256 x 128 chips; square chips of a fixed size are needed',
    ],
    [
      'model',
      metadata({ serving_default: signature([-1, 256, 256, 4], [-1, 256, 256, 300]) }),
      4,
      'answers 300 classes; 1 to 255 are supported',
    ],
  ] as const)('refuses with the field at fault (%s) and why', (field, served, bands, message) => {
    let thrown: unknown;
    try {
      segmentationModel('landcover', undefined, served, bands, false);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ModelContractError);
    expect(thrown).toMatchObject({ field });
    expect((thrown as Error).message).toContain(message);
  });
});
