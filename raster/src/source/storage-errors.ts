/** Storage failures a caller can tell apart: absent, forbidden, or unavailable after retries. */
export class ObjectNotFoundError extends Error {
  override name = 'ObjectNotFoundError';
}

export class AccessDeniedError extends Error {
  override name = 'AccessDeniedError';
}

export class StorageUnavailableError extends Error {
  override name = 'StorageUnavailableError';
}
