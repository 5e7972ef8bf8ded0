export { CodecPool } from './codec/codec-pool.js';
export { CorruptBlockError } from './codec/decode.js';
export { deflateBackend } from './codec/deflate.js';
// The band-math grammar is a contract: the API checks submissions with the very parser the engine runs.
export { ExpressionError, parseExpression } from '@harita/contracts';
export { UnsupportedCrsError } from './geo/crs.js';
export { NDVI_NODATA } from './kernels/ndvi.js';
export type { Histogram, Statistics } from './kernels/statistics.js';
export { bandMathToCog, defaultNodata, type BandMathOptions } from './operations/band-math.js';
export { rasterInfo } from './operations/info.js';
export {
  ndviToCog,
  normalizedDifferenceToCog,
  type NormalizedDifferenceOptions,
} from './operations/ndvi.js';
export {
  rasterStatistics,
  type BandStatistics,
  type StatisticsOptions,
} from './operations/statistics.js';
export {
  InvalidZonesError,
  zonalStatistics,
  type ZonalStatisticsOptions,
  type ZoneStatistics,
} from './operations/zonal-statistics.js';
export { strips, type Strip } from './pipeline/strips.js';
export {
  transformToCog,
  type OutputOptions,
  type OutputSummary,
  type Transform,
} from './pipeline/transform.js';
export { InvalidRasterError } from './reader/image-layout.js';
export type { RasterInfo, BandInfo } from './reader/raster-info.js';
export { RasterReader, type OpenRasterOptions, type RowWindow } from './reader/raster-reader.js';
export { SourceRangeError, type ByteSource } from './source/byte-source.js';
export {
  AccessDeniedError,
  ObjectNotFoundError,
  StorageUnavailableError,
} from './source/storage-errors.js';
export { MissingBandError } from './operations/open-input.js';
export { parseS3Url, isS3Url } from './source/s3-location.js';
export { DATA_TYPES, type DataType, type TypedArray } from './tiff/data-type.js';
export { UnsupportedRasterError } from './tiff/unsupported-raster.js';
export type { JobErrorKind } from './job-error-kind.js';
export { CogOptionsError, type CogOptions } from './writer/cog-options.js';
export { COG_CONTENT_TYPE, saveCog } from './writer/cog-sink.js';
export { CogWriter, type CogOutput } from './writer/cog-writer.js';
export { ChipLayoutError, ModelAnswerError } from './operations/chip-errors.js';
export {
  CLASS_NODATA,
  PROBABILITY_NODATA,
  predictChipsToCog,
  type ChipBatchPrediction,
  type ChipInferenceOptions,
  type ChipInferenceSummary,
  type PredictChips,
} from './operations/chip-inference.js';
