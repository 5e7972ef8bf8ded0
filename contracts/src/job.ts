import { z } from 'zod';
import { GeoJson, ZoneCollection } from './geojson.ts';
import { ObjectName, Uuid } from './ids.ts';

export const JOB_TYPES = ['ndvi', 'band_math', 'buffer', 'zonal_stats', 'inference'] as const;
export const JobType = z.enum(JOB_TYPES);
export type JobType = z.infer<typeof JobType>;

export const JOB_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'canceled'] as const;
export const JobStatus = z.enum(JOB_STATUSES);
export type JobStatus = z.infer<typeof JobStatus>;

/** Statuses a job never leaves. */
export const TERMINAL_STATUSES: readonly JobStatus[] = ['succeeded', 'failed', 'canceled'];

/** Why a job failed; bad input is permanent, the unavailable services are retried first. */
export const ERROR_CODES = [
  'invalid_params',
  'malformed_raster',
  'missing_band',
  'too_large',
  'invalid_geojson',
  'forbidden_key',
  'not_found',
  'storage_unavailable',
  'model_unavailable',
  'model_error',
  'canceled',
  'internal',
] as const;
export const ErrorCode = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const JobError = z.object({ code: ErrorCode, message: z.string().min(1) });
export type JobError = z.infer<typeof JobError>;

const BandIndex = z.number().int().min(1).max(65535);
const BandName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'a band name is an identifier');

/** The raster a job reads: a file of one of the tenant's datasets. */
export const RasterInput = z.object({ dataset_id: Uuid, file: ObjectName });
export type RasterInput = z.infer<typeof RasterInput>;

export const NdviParams = z
  .object({
    input: RasterInput,
    red_band: BandIndex.default(3),
    nir_band: BandIndex.default(4),
  })
  .refine((p) => p.red_band !== p.nir_band, 'red_band and nir_band must differ');

export const BandMathParams = z.object({
  input: RasterInput,
  expression: z.string().trim().min(1).max(2000),
  bands: z
    .record(BandName, BandIndex)
    .refine((b) => Object.keys(b).length > 0, 'name at least one band'),
  output_type: z
    .enum(['uint8', 'int16', 'uint16', 'int32', 'float32', 'float64'])
    .default('float32'),
});

export const BufferParams = z.object({
  geojson: GeoJson,
  distance_m: z.number().positive().max(20_000_000),
  segments_per_quarter: z.number().int().min(1).max(64).default(8),
});

export const ZonalStatsParams = z.object({
  input: RasterInput,
  band: BandIndex.default(1),
  zones: ZoneCollection,
});

export const InferenceParams = z.object({
  input: RasterInput,
  model: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'a model name is 1-64 letters, digits, "_" or "-"'),
  model_version: z.number().int().positive().optional(),
  /** Input bands in the order the model takes them. */
  bands: z.array(BandIndex).min(1).max(64).default([1, 2, 3, 4]),
  /** Model input = physical value x scale + offset; the default turns Sentinel-2 L2A digital numbers into reflectance. */
  scale: z.number().default(0.0001),
  offset: z.number().default(0),
  /** Chips per predict request. */
  batch_size: z.number().int().min(1).max(256).default(8),
  /** Context read around each chip's kept centre: at least the model's receptive-field margin. */
  halo: z.number().int().min(0).max(64).default(16),
  /** Also write the class probabilities, one Float32 band per class. */
  probabilities: z.boolean().default(false),
});

export const JOB_PARAMS = {
  ndvi: NdviParams,
  band_math: BandMathParams,
  buffer: BufferParams,
  zonal_stats: ZonalStatsParams,
  inference: InferenceParams,
} as const satisfies Record<JobType, z.ZodType>;

export type JobParams<T extends JobType = JobType> = z.infer<(typeof JOB_PARAMS)[T]>;

/** What a client asks for: one member per type, so params are checked against their type. */
export const JobRequest = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ndvi'), params: NdviParams }),
  z.object({ type: z.literal('band_math'), params: BandMathParams }),
  z.object({ type: z.literal('buffer'), params: BufferParams }),
  z.object({ type: z.literal('zonal_stats'), params: ZonalStatsParams }),
  z.object({ type: z.literal('inference'), params: InferenceParams }),
]);
export type JobRequest = z.infer<typeof JobRequest>;

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'a sha256 is 64 lowercase hex digits');

export const JobResult = z.object({
  key: z.string().min(1),
  media_type: z.string().min(1),
  bytes: z.number().int().nonnegative(),
  sha256: Sha256,
});
export type JobResult = z.infer<typeof JobResult>;

const Timestamp = z.iso.datetime({ offset: true });

export const Job = z.intersection(
  JobRequest,
  z.object({
    id: Uuid,
    tenant_id: Uuid,
    status: JobStatus,
    progress: z.number().int().min(0).max(100),
    created_at: Timestamp,
    updated_at: Timestamp,
    started_at: Timestamp.nullable(),
    finished_at: Timestamp.nullable(),
    error: JobError.nullable(),
    results: z.array(JobResult),
    attempts: z.number().int().nonnegative(),
  }),
);
export type Job = z.infer<typeof Job>;
