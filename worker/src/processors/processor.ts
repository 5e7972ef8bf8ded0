import type { JobParams, JobResult, JobType } from '@harita/contracts';
import type { JobContext } from '../job-context.js';

export interface ProcessorOutput {
  results: JobResult[];
  /** Raster pixels read, for harita_pixels_processed_total. */
  pixels: number;
}

export type Processor<T extends JobType> = (
  params: JobParams<T>,
  context: JobContext,
) => Promise<ProcessorOutput>;
