import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * TF Serving's own metric names (served at /monitoring/prometheus/metrics), so one Prometheus
 * config, dashboard and alert rule fit either server. Latencies are in microseconds, as TF
 * Serving reports them.
 */
export class ServingMetrics {
  readonly registry = new Registry();

  readonly requests = new Counter({
    name: ':tensorflow:serving:request_count',
    help: 'The number of requests, by model and status.',
    labelNames: ['model_name', 'status', 'entrypoint', 'API'] as const,
    registers: [this.registry],
  });

  readonly latency = new Histogram({
    name: ':tensorflow:serving:request_latency',
    help: 'Latency of requests in microseconds.',
    labelNames: ['model_name', 'API', 'entrypoint'] as const,
    buckets: [1e3, 5e3, 1e4, 2.5e4, 5e4, 1e5, 2.5e5, 5e5, 1e6, 2e6, 5e6, 1e7, 3e7],
    registers: [this.registry],
  });

  readonly runtimeLatency = new Histogram({
    name: ':tensorflow:serving:runtime_latency',
    help: 'Latency of running the model in microseconds.',
    labelNames: ['model_name', 'API', 'runtime'] as const,
    buckets: [1e3, 5e3, 1e4, 2.5e4, 5e4, 1e5, 2.5e5, 5e5, 1e6, 2e6, 5e6, 1e7],
    registers: [this.registry],
  });

  readonly batchSize = new Histogram({
    name: ':tensorflow:serving:request_example_counts',
    help: 'The number of examples (instances) per request.',
    labelNames: ['model_name', 'API'] as const,
    buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }
}
