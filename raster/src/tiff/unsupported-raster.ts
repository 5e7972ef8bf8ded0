import type { JobErrorKind } from '../job-error-kind.js';

/**
 * A well-formed raster in a layout the engine does not read (a compression, sample type or colour
 * space): the message names it, and says nothing of corruption.
 */
export class UnsupportedRasterError extends Error {
  override name = 'UnsupportedRasterError';
  static readonly job: JobErrorKind = { code: 'malformed_raster', permanent: true };
}
