import type { JobErrorKind } from '../job-error-kind.js';

/** Storage failures a caller can tell apart: absent, forbidden, or unavailable after retries. */
export class ObjectNotFoundError extends Error {
  override name = 'ObjectNotFoundError';
  static readonly job: JobErrorKind = { code: 'not_found', permanent: true };
}

/** The object store refused the credentials for this object. */
export class AccessDeniedError extends Error {
  override name = 'AccessDeniedError';
  static readonly job: JobErrorKind = { code: 'forbidden_key', permanent: true };
}

/** The object store did not answer, after retries: the job is tried again later. */
export class StorageUnavailableError extends Error {
  override name = 'StorageUnavailableError';
  static readonly job: JobErrorKind = { code: 'storage_unavailable', permanent: false };
}
