import type { JobErrorKind } from '../job-error-kind.js';

/** A chip size, halo or batch size the chip grid cannot be laid out with. */
export class ChipLayoutError extends RangeError {
  override name = 'ChipLayoutError';
  static readonly job: JobErrorKind = { code: 'invalid_params', permanent: true };
}

/** A model's answer whose shape does not match the chips it was sent. */
export class ModelAnswerError extends Error {
  override name = 'ModelAnswerError';
  static readonly job: JobErrorKind = { code: 'model_error', permanent: true };
}
