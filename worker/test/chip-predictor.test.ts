import type { ModelServing, PredictCall, SegmentationModel } from '@harita/model-serving/client';
import { describe, expect, it } from 'vitest';
import { JobFailure } from '../src/job-failure.js';
import { chipPredictor } from '../src/model-serving/chip-predictor.js';

// The worker's reading of a Predict answer: class ids as served, and a model that answers
// something else fails the job with model_error, naming what it answered.
const model: SegmentationModel = {
  name: 'landcover',
  version: undefined,
  chipSize: 2,
  bands: 1,
  classCount: 4,
  signature: 'class_ids',
  served: { inputs: {}, outputs: {} } as unknown as SegmentationModel['served'],
  inputKey: 'chips',
  outputKey: 'class_ids',
  output: 'class_ids',
};

/** A server that answers `values` as the int32 class ids of every call. */
function answering(values: number[]): ModelServing & { calls: PredictCall[] } {
  const calls: PredictCall[] = [];
  return {
    protocol: 'grpc',
    calls,
    status: () => Promise.reject(new Error('not used')),
    metadata: () => Promise.reject(new Error('not used')),
    predict: (call) => {
      calls.push(call);
      return Promise.resolve({
        class_ids: { dtype: 'int32', shape: [1, 2, 2], values: Int32Array.from(values) },
      });
    },
    close: () => undefined,
  };
}

const predict = (values: number[]) =>
  chipPredictor(answering(values), model)(new Float32Array(4), 1, new AbortController().signal);

describe('chipPredictor', () => {
  it('answers the served class ids, and sends the chips with their shape', async () => {
    const server = answering([0, 3, 2, 1]);
    const chips = Float32Array.from([1, 2, 3, 4]);
    const answer = await chipPredictor(server, model)(chips, 1, new AbortController().signal);
    expect([...answer.classIds]).toEqual([0, 3, 2, 1]);
    expect(server.calls[0]?.inputs['chips']).toEqual({
      dtype: 'float32',
      shape: [1, 2, 2, 1],
      values: chips,
    });
  });

  it.each([
    [[0, 4, 1, 1], 'class id 4 is not one of its 4 classes'],
    [[0, -1, 1, 1], 'class id -1 is not one of its 4 classes'],
    [[0, 1, 1], 'it answered 3 values; 4 were expected'],
  ])('fails with model_error when the model answers %j', async (values, message) => {
    const failure = await predict(values).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(JobFailure);
    expect(failure).toMatchObject({ code: 'model_error' });
    expect((failure as Error).message).toContain(message);
  });
});
