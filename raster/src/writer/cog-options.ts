import type { JobErrorKind } from '../job-error-kind.js';
import type { BandMetadata } from '../reader/gdal-metadata.js';
import type { Georeference } from '../reader/georeference.js';
import type { CodecPool } from '../codec/codec-pool.js';
import type { DataType } from '../tiff/data-type.js';
import type { Resampling } from './downsample.js';

export interface CogOptions {
  width: number;
  height: number;
  bandCount: number;
  dataType: DataType;
  /** Tile side in pixels, a multiple of 16 (default 512). */
  blockSize?: number;
  /** Deflate level, 1 to 9 (default 6, GDAL's). */
  level?: number;
  /** 1 none, 2 horizontal, 3 floating point; by default 3 for floats and 2 for integers. */
  predictor?: 1 | 2 | 3;
  /** How overviews are made (default average); none writes no overviews. */
  overviews?: Resampling | 'none';
  nodata?: number | null;
  georeference?: Georeference;
  bands?: BandMetadata[];
  /** auto (the default) switches to BigTIFF only when the file would pass 4 GiB. */
  bigTiff?: 'auto' | 'yes' | 'no';
  /** Where compressed tiles wait until the header can be written (default the OS's). */
  tempDir?: string;
  pool?: CodecPool;
}

/** Output options a COG cannot be written with (sizes, block size, level, predictor). */
export class CogOptionsError extends Error {
  override name = 'CogOptionsError';
  static readonly job: JobErrorKind = { code: 'invalid_params', permanent: true };
}

export function checkCogOptions(options: CogOptions): void {
  const fail = (message: string): never => {
    throw new CogOptionsError(message);
  };
  for (const key of ['width', 'height', 'bandCount'] as const) {
    const value = options[key];
    if (!Number.isInteger(value) || value < 1)
      fail(`${key} must be a positive integer, not ${String(value)}`);
  }
  if (options.bandCount > 65535) fail('a TIFF holds at most 65535 bands');
  const blockSize = options.blockSize ?? 512;
  if (!Number.isInteger(blockSize) || blockSize < 16 || blockSize % 16 !== 0 || blockSize > 4096) {
    fail(`the block size must be a multiple of 16 from 16 to 4096, not ${String(blockSize)}`);
  }
  const level = options.level ?? 6;
  if (!Number.isInteger(level) || level < 1 || level > 9)
    fail(`the Deflate level must be 1 to 9, not ${String(level)}`);
  if (
    options.predictor === 2 &&
    (options.dataType === 'Float32' || options.dataType === 'Float64')
  ) {
    // libtiff and GDAL accept it, but it compresses floats badly; say so rather than surprise.
    fail('use predictor 3 for floating-point data');
  }
  if (
    options.predictor === 3 &&
    !(options.dataType === 'Float32' || options.dataType === 'Float64')
  ) {
    fail('predictor 3 applies to floating-point data only');
  }
  if (options.bands && options.bands.length !== options.bandCount) {
    fail(
      `band metadata for ${String(options.bands.length)} bands given, ${String(options.bandCount)} written`,
    );
  }
}
