import { ModelContractError, ModelServingError } from '@harita/model-serving/client/rest';
import { JobFailure } from '../job-failure.js';

/**
 * A model-serving failure as the job's failure: unavailable is transient (the job is tried
 * again), no such model, or a model that breaks the contract or takes other bands, is the job's
 * parameters, anything else the model's. Other errors pass.
 */
export function asJobFailure(error: unknown): unknown {
  if (error instanceof ModelContractError)
    return new JobFailure('invalid_params', error.message, true);
  if (!(error instanceof ModelServingError)) return error;
  switch (error.code) {
    case 'unavailable':
      return new JobFailure('model_unavailable', error.message, false);
    case 'not_found':
      return new JobFailure('invalid_params', error.message, true);
    default:
      return new JobFailure('model_error', error.message, true);
  }
}
