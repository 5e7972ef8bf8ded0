import type { S3Client } from '@aws-sdk/client-s3';
import type { JobErrorKind } from '../job-error-kind.js';
import { RasterReader } from '../reader/raster-reader.js';

export interface InputOptions {
  s3?: S3Client;
  signal?: AbortSignal;
}

/** Runs `use` over the raster at `location`, closing it whatever happens. */
export async function withRaster<T>(
  location: string,
  options: InputOptions,
  use: (reader: RasterReader) => Promise<T>,
): Promise<T> {
  const reader = await RasterReader.open(location, options);
  try {
    return await use(reader);
  } finally {
    await reader.close();
  }
}

/** A band number the raster does not have. */
export class MissingBandError extends RangeError {
  override name = 'MissingBandError';
  static readonly job: JobErrorKind = { code: 'missing_band', permanent: true };
}

/** A 1-based band number checked against the raster, as a 0-based index. */
export function bandIndex(reader: RasterReader, band: number, role: string): number {
  const count = reader.info.bandCount;
  if (!Number.isInteger(band) || band < 1 || band > count) {
    throw new MissingBandError(
      `${role} band ${String(band)} does not exist: ${reader.info.source} has ${String(count)} band${count === 1 ? '' : 's'}`,
    );
  }
  return band - 1;
}
