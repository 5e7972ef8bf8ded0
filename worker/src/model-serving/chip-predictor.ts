import type { ChipBatchPrediction, PredictChips } from '@harita/raster';
import { JobFailure } from '../job-failure.js';
import type { ModelServingClient } from './client.js';
import type { SegmentationModel } from './model-contract.js';
import { predictBody } from './predict-body.js';
import { readPredictionNumbers, ResponseShapeError } from './predict-numbers.js';

function modelError(model: SegmentationModel, error: unknown): JobFailure {
  return new JobFailure(
    'model_error',
    `model '${model.name}' answered badly: ${(error as Error).message}`,
    true,
  );
}

/** Class ids from probabilities: the most probable class of each pixel. */
function argmax(probabilities: Float32Array, pixels: number, classes: number): Uint8Array {
  const ids = new Uint8Array(pixels);
  for (let p = 0; p < pixels; p++) {
    const base = p * classes;
    let best = 0;
    for (let k = 1; k < classes; k++)
      if (probabilities[base + k]! > probabilities[base + best]!) best = k;
    ids[p] = best;
  }
  return ids;
}

/** Predicts batches of chips through model serving's :predict. */
export function chipPredictor(client: ModelServingClient, model: SegmentationModel): PredictChips {
  return async (chips, count, signal): Promise<ChipBatchPrediction> => {
    const body = predictBody(model.signature, chips, count, model.chipSize, model.bands);
    const answer = await client.predict(model.name, model.version, body, signal);
    const pixels = count * model.chipSize * model.chipSize;
    try {
      if (model.output === 'class_ids') {
        const ids = new Int32Array(pixels);
        readPredictionNumbers(answer, 'predictions', ids);
        const bad = ids.find((id) => id < 0 || id >= model.classCount);
        if (bad !== undefined)
          throw new ResponseShapeError(
            `class id ${String(bad)} is not one of its ${String(model.classCount)} classes`,
          );
        return { classIds: Uint8Array.from(ids) };
      }
      const probabilities = new Float32Array(pixels * model.classCount);
      readPredictionNumbers(answer, 'predictions', probabilities);
      return { classIds: argmax(probabilities, pixels, model.classCount), probabilities };
    } catch (error) {
      throw modelError(model, error);
    }
  };
}
