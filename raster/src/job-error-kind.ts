import type { ErrorCode } from '@harita/contracts';

/**
 * How a job reports an engine error: the code its `error` carries, and whether the failure is
 * permanent (retrying cannot help) or may pass. Every error class the engine exports declares
 * one, as its static `job`, so the worker maps a failure by the class that raised it.
 */
export interface JobErrorKind {
  readonly code: ErrorCode;
  readonly permanent: boolean;
}
