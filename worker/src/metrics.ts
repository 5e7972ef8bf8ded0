import {
  INFERENCE_LATENCY_BUCKETS,
  JOB_DURATION_BUCKETS,
  METRICS,
  QUEUE_STATES,
} from '@harita/contracts';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface WorkerMetrics {
  registry: Registry;
  jobs: Counter<'type' | 'outcome'>;
  duration: Histogram<'type' | 'outcome'>;
  queue: Gauge<'state'>;
  pixels: Counter<'type'>;
  inference: Histogram<'model' | 'outcome'>;
}

/** The contract's harita_ metrics, plus Node's process metrics. */
export function createMetrics(queueCounts: () => Promise<Record<string, number>>): WorkerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const queue = new Gauge({
    name: METRICS.queueJobs,
    help: 'Jobs in the queue, by state',
    labelNames: ['state'] as const,
    registers: [registry],
    async collect() {
      const counts = await queueCounts();
      for (const state of QUEUE_STATES) this.set({ state }, counts[state] ?? 0);
    },
  });
  return {
    registry,
    queue,
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
    pixels: new Counter({
      name: METRICS.pixelsProcessedTotal,
      help: 'Raster pixels processed, by job type',
      labelNames: ['type'] as const,
      registers: [registry],
    }),
  };
}
