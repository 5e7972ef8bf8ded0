import { INFERENCE_LATENCY_BUCKETS, JOB_DURATION_BUCKETS, METRICS } from '@harita/contracts';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface WorkerMetrics {
  registry: Registry;
  jobs: Counter<'type' | 'outcome'>;
  duration: Histogram<'type' | 'outcome'>;
  pixels: Counter<'type'>;
  refusedEvents: Counter<'status' | 'code'>;
  inference: Histogram<'model' | 'outcome'>;
}

/**
 * The worker's harita_ metrics, plus Node's process metrics. The queue's depth is not here: each
 * worker would export the whole queue's, so the dispatcher exports it, once.
 */
export function createMetrics(): WorkerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    jobs: new Counter({
      name: METRICS.jobsTotal,
      help: 'Jobs finished, by type and outcome',
      labelNames: ['type', 'outcome'] as const,
      registers: [registry],
    }),
    duration: new Histogram({
      name: METRICS.jobDurationSeconds,
      help: 'Job run time in seconds, by type and outcome',
      labelNames: ['type', 'outcome'] as const,
      buckets: JOB_DURATION_BUCKETS,
      registers: [registry],
    }),
    inference: new Histogram({
      name: METRICS.inferenceRequestDurationSeconds,
      help: 'Model-serving requests in seconds, by model and outcome (ok, rejected, unavailable)',
      labelNames: ['model', 'outcome'] as const,
      buckets: INFERENCE_LATENCY_BUCKETS,
      registers: [registry],
    }),
    refusedEvents: new Counter({
      name: METRICS.jobEventsRefusedTotal,
      help: "Job events the API refused (4xx), by HTTP status and the API's error code",
      labelNames: ['status', 'code'] as const,
      registers: [registry],
    }),
    pixels: new Counter({
      name: METRICS.pixelsProcessedTotal,
      help: 'Raster pixels processed, by job type',
      labelNames: ['type'] as const,
      registers: [registry],
    }),
  };
}
