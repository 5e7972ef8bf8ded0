import { ExpressionError, parseBandMath, type JobRequest } from '@harita/contracts';
import {
  ModelContractError,
  ModelServingError,
  segmentationModel,
  type ModelServing,
} from '@harita/model-serving/client/rest';
import { modelMetadata } from '../_shared/model-serving.ts';
import { ApiError } from '../_shared/http.ts';

// What a submission is checked against beyond its schema, before it is recorded: everything the
// API can know that the worker would otherwise find out only when the job runs. Each refusal is a
// 422 whose message starts with the field it is about.

const refuse = (code: string, field: string, message: string) =>
  new ApiError(422, code, `${field}: ${message}`);

/**
 * The band-math expression against the grammar the engine parses with, and its band names
 * against `bands`.
 * @throws ApiError 422 `invalid_expression` naming params.expression
 */
export function checkExpression(job: JobRequest): void {
  if (job.type !== 'band_math') return;
  try {
    parseBandMath(job.params.expression, job.params.bands);
  } catch (error) {
    if (!(error instanceof ExpressionError)) throw error;
    throw refuse('invalid_expression', 'params.expression', error.message);
  }
}

/** Every band a job reads from its raster input: the field that names it, and its 1-based index. */
export function bandsRead(job: JobRequest): { field: string; band: number }[] {
  switch (job.type) {
    case 'ndvi':
      return [
        { field: 'params.red_band', band: job.params.red_band },
        { field: 'params.nir_band', band: job.params.nir_band },
      ];
    case 'band_math':
      return Object.entries(job.params.bands).map(([name, band]) => ({
        field: `params.bands.${name}`,
        band,
      }));
    case 'zonal_stats':
      return [{ field: 'params.band', band: job.params.band }];
    case 'inference':
      return job.params.bands.map((band, i) => ({ field: `params.bands.${String(i)}`, band }));
    case 'buffer':
      return [];
  }
}

/**
 * The bands a job reads against its dataset's band count, as recorded when its upload was
 * completed.
 * @throws ApiError 422 `band_out_of_range` naming the first field past the count
 */
export function checkBands(job: JobRequest, datasetId: string, bandCount: number): void {
  const past = bandsRead(job).find(({ band }) => band > bandCount);
  if (past)
    throw refuse(
      'band_out_of_range',
      past.field,
      `band ${String(past.band)} is past the ${String(bandCount)} band${bandCount === 1 ? '' : 's'} of dataset ${datasetId}`,
    );
}

/**
 * An inference job's model against what model serving serves: the model (and version) exists, and
 * it keeps the segmentation contract the worker drives it by (segmentationModel: one float32
 * [N, chip, chip, bands] input with as many bands as the job gives, [N, chip, chip, classes]
 * probabilities). When model serving does not answer, the job is accepted: the worker checks
 * again when it runs, with retries, and an outage of model serving is no reason to refuse work.
 * @throws ApiError 422 `unknown_model` naming params.model (or params.model_version),
 *   422 `model_input_mismatch` naming params.model or params.bands
 */
export async function checkModel(
  job: JobRequest,
  models: ModelServing,
  signal: AbortSignal,
): Promise<void> {
  if (job.type !== 'inference') return;
  const { model, model_version: version, bands, probabilities } = job.params;
  let metadata;
  try {
    metadata = await modelMetadata(models, model, version, signal);
  } catch (error) {
    if (!(error instanceof ModelServingError)) throw error;
    if (error.code !== 'not_found') {
      console.error(
        JSON.stringify({
          level: 'warn',
          service: 'functions',
          msg: 'model not checked at submission: model serving did not answer',
          model,
          detail: error.message,
        }),
      );
      return;
    }
    const named =
      version === undefined ? `model '${model}'` : `model '${model}' version ${String(version)}`;
    throw refuse(
      'unknown_model',
      version === undefined ? 'params.model' : 'params.model_version',
      `${named} is not served`,
    );
  }
  try {
    segmentationModel(model, version, metadata, bands.length, probabilities);
  } catch (error) {
    if (!(error instanceof ModelContractError)) throw error;
    throw refuse('model_input_mismatch', `params.${error.field}`, error.message);
  }
}
