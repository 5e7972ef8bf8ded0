import type { JobType } from '@harita/contracts';
import { JobFailure } from '../job-failure.js';
import { bandMath } from './band-math.js';
import { buffer } from './buffer.js';
import { inference } from './inference.js';
import { ndvi } from './ndvi.js';
import type { Processor, ProcessorOutput } from './processor.js';
import { zonalStats } from './zonal-stats.js';

const PROCESSORS: { [T in JobType]?: Processor<T> } = {
  ndvi,
  band_math: bandMath,
  buffer,
  zonal_stats: zonalStats,
  inference,
};

/** The processor for a job type, or a permanent failure for a type this worker does not run. */
export function processorFor<T extends JobType>(type: T): Processor<T> {
  const processor = PROCESSORS[type];
  if (!processor) {
    return () =>
      Promise.reject(
        new JobFailure('invalid_params', `this worker does not run ${type} jobs yet`, true),
      );
  }
  return processor;
}

export type { ProcessorOutput };
