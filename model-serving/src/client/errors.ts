/**
 * Why a model-serving call failed, for the caller to map onto its own outcomes:
 * - `unavailable`: no answer after every try (unreachable, timed out, overloaded);
 * - `not_found`: no such model or version;
 * - `refused`: the server refused the request for good (a wrong shape, an unknown signature);
 * - `bad_answer`: the server answered, but not what the model's signature promises.
 */
export type ModelServingErrorCode = 'unavailable' | 'not_found' | 'refused' | 'bad_answer';

/** A model-serving call's failure with its code and the server's own words. */
export class ModelServingError extends Error {
  override name = 'ModelServingError';

  constructor(
    readonly code: ModelServingErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/**
 * A model that breaks the segmentation contract (segmentation-model.ts), or takes other bands than
 * the job gives. `field` is the job parameter at fault: the model itself, or the bands.
 */
export class ModelContractError extends Error {
  override name = 'ModelContractError';

  constructor(
    readonly field: 'model' | 'bands',
    message: string,
  ) {
    super(message);
  }
}
