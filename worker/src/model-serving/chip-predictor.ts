import type { ModelServing, SegmentationModel } from '@harita/model-serving/client';
import type { ChipBatchPrediction, PredictChips } from '@harita/raster';
import { JobFailure } from '../job-failure.js';
import { asJobFailure } from './failure.js';

function modelError(model: SegmentationModel, message: string): JobFailure {
  return new JobFailure('model_error', `model '${model.name}' answered badly: ${message}`, true);
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

/** The first value that is not a class id in [0, classes), if any. */
function firstOutside(values: ArrayLike<number>, classes: number): number | undefined {
  for (let i = 0; i < values.length; i++) {
    const id = values[i]!;
    if (!(id >= 0 && id < classes && Number.isInteger(id))) return id;
  }
  return undefined;
}

/**
 * Predicts batches of chips ([count, chip, chip, bands] float32) through model serving's Predict,
 * to class ids ([count, chip, chip] UInt8) and, with the probabilities signature, the
 * probabilities ([count, chip, chip, classes] float32).
 * @throws JobFailure model_error when the answer is not what the signature promises
 */
export function chipPredictor(client: ModelServing, model: SegmentationModel): PredictChips {
  return async (chips, count, signal): Promise<ChipBatchPrediction> => {
    const shape = [count, model.chipSize, model.chipSize, model.bands];
    const outputs = await client
      .predict(
        {
          model: model.name,
          version: model.version,
          signatureName: model.signature,
          signature: model.served,
          inputs: { [model.inputKey]: { dtype: 'float32', shape, values: chips } },
        },
        signal,
      )
      .catch((error: unknown) => {
        throw asJobFailure(error);
      });
    const output = outputs[model.outputKey];
    const pixels = count * model.chipSize * model.chipSize;
    const expected = model.output === 'class_ids' ? pixels : pixels * model.classCount;
    if (!output) throw modelError(model, `its answer has no output '${model.outputKey}'`);
    if (output.values.length !== expected)
      throw modelError(
        model,
        `it answered ${String(output.values.length)} values; ${String(expected)} were expected`,
      );
    if (model.output === 'class_ids') {
      const bad = firstOutside(output.values, model.classCount);
      if (bad !== undefined)
        throw modelError(
          model,
          `class id ${String(bad)} is not one of its ${String(model.classCount)} classes`,
        );
      return { classIds: new Uint8Array(output.values) };
    }
    if (output.dtype !== 'float32') throw modelError(model, 'its probabilities are not float32');
    return {
      classIds: argmax(output.values, pixels, model.classCount),
      probabilities: output.values,
    };
  };
}
