import { InvalidObjectKeyError, type ErrorCode, type JobError } from '@harita/contracts';
import {
  AccessDeniedError,
  CorruptBlockError,
  ExpressionError,
  InvalidRasterError,
  InvalidZonesError,
  MissingBandError,
  ObjectNotFoundError,
  SourceRangeError,
  StorageUnavailableError,
  UnsupportedCrsError,
} from '@harita/raster';

/** A job's failure with its code; permanent ones are not retried. */
export class JobFailure extends Error {
  override name = 'JobFailure';

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
  }

  toJobError(): JobError {
    return { code: this.code, message: this.message };
  }
}

const PERMANENT: [new (...args: never[]) => Error, ErrorCode][] = [
  [InvalidRasterError, 'malformed_raster'],
  [CorruptBlockError, 'malformed_raster'],
  [SourceRangeError, 'malformed_raster'],
  [MissingBandError, 'missing_band'],
  [ExpressionError, 'invalid_params'],
  [UnsupportedCrsError, 'invalid_params'],
  [InvalidZonesError, 'invalid_geojson'],
  [InvalidObjectKeyError, 'forbidden_key'],
  [AccessDeniedError, 'forbidden_key'],
  [ObjectNotFoundError, 'not_found'],
];

/** What went wrong, as the job's coded error: bad input is permanent, storage trouble is retried. */
export function toJobFailure(error: unknown, canceled: boolean): JobFailure {
  if (error instanceof JobFailure) return error;
  if (canceled) return new JobFailure('canceled', 'the job was canceled', true);
  const message = error instanceof Error ? error.message : String(error);
  for (const [type, code] of PERMANENT)
    if (error instanceof type) return new JobFailure(code, message, true);
  if (error instanceof StorageUnavailableError)
    return new JobFailure('storage_unavailable', message, false);
  return new JobFailure('internal', message, false);
}
