import { InvalidObjectKeyError, type ErrorCode, type JobError } from '@harita/contracts';
import type { JobErrorKind } from '@harita/raster';

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

/** The code and permanence an error's class declares (the engine's errors do, as `static job`). */
export function declaredKind(error: Error): JobErrorKind | undefined {
  const declared = (error.constructor as { job?: JobErrorKind }).job;
  if (declared !== undefined) return declared;
  // The contracts' one error, shared with the API, declares nothing of jobs.
  if (error instanceof InvalidObjectKeyError) return { code: 'forbidden_key', permanent: true };
  return undefined;
}

/**
 * What went wrong, as the job's coded error: the kind the error's class declares (bad input is
 * permanent, storage trouble is retried), else `internal`, retried.
 */
export function toJobFailure(error: unknown, canceled: boolean): JobFailure {
  if (error instanceof JobFailure) return error;
  if (canceled) return new JobFailure('canceled', 'the job was canceled', true);
  const message = error instanceof Error ? error.message : String(error);
  const kind = error instanceof Error ? declaredKind(error) : undefined;
  if (kind) return new JobFailure(kind.code, message, kind.permanent);
  return new JobFailure('internal', message, false);
}
