import { segmentationModel } from '@harita/model-serving/client';
import { predictChipsToCog } from '@harita/raster';
import { chipPredictor } from '../model-serving/chip-predictor.js';
import { asJobFailure } from '../model-serving/failure.js';
import type { Processor } from './processor.js';

const CLASSES = 'classes.tif';
const PROBABILITIES = 'probabilities.tif';

/**
 * Segmentation by a served model: chips with a halo, batched Predict calls, the centres
 * stitched into `classes.tif` (UInt8 class ids, 255 nodata) and, when asked, `probabilities.tif`.
 */
export const inference: Processor<'inference'> = async (params, context) => {
  const input = context.inputUrl(params.input);
  const info = await context.checkedRaster(input);
  const metadata = await context.models
    .metadata(params.model, params.model_version, context.signal)
    .catch((error: unknown) => {
      throw asJobFailure(error);
    });
  let model;
  try {
    model = segmentationModel(
      params.model,
      params.model_version,
      metadata,
      params.bands.length,
      params.probabilities,
    );
  } catch (error) {
    throw asJobFailure(error);
  }
  const summary = await predictChipsToCog(input, context.resultUrl(CLASSES), {
    bands: params.bands,
    chipSize: model.chipSize,
    halo: params.halo,
    batchSize: params.batch_size,
    inflight: context.config.INFERENCE_REQUESTS_IN_FLIGHT,
    scale: params.scale,
    offset: params.offset,
    classNames: Array.from({ length: model.classCount }, (_, k) => `class ${String(k)}`),
    ...(params.probabilities ? { probabilitiesOutput: context.resultUrl(PROBABILITIES) } : {}),
    predict: chipPredictor(context.models, model),
    s3: context.s3,
    signal: context.signal,
    onProgress: context.progress,
  });
  const results = [context.cogResult(CLASSES, summary.classes)];
  if (summary.probabilities) results.push(context.cogResult(PROBABILITIES, summary.probabilities));
  context.logger.info(
    { chips: summary.chips, requests: summary.batches, signature: model.signature },
    'inference done',
  );
  return { results, pixels: info.width * info.height };
};
