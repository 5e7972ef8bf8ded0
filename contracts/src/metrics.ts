/** Prometheus metric names and labels every service exports under the `harita_` prefix. */
export const METRICS = {
  /** counter; labels: type, outcome */
  jobsTotal: 'harita_jobs_total',
  /** histogram, seconds; labels: type, outcome */
  jobDurationSeconds: 'harita_job_duration_seconds',
  /** gauge; labels: state */
  queueJobs: 'harita_queue_jobs',
  /** histogram, seconds; labels: model, outcome */
  inferenceRequestDurationSeconds: 'harita_inference_request_duration_seconds',
  /** counter; labels: type */
  pixelsProcessedTotal: 'harita_pixels_processed_total',
  /** histogram, seconds; labels: function, method, status */
  httpRequestDurationSeconds: 'harita_http_request_duration_seconds',
} as const;

export const JOB_OUTCOMES = ['succeeded', 'failed', 'canceled'] as const;
export type JobOutcome = (typeof JOB_OUTCOMES)[number];

export const QUEUE_STATES = [
  'waiting',
  'active',
  'delayed',
  'prioritized',
  'completed',
  'failed',
] as const;
export type QueueState = (typeof QUEUE_STATES)[number];

/** Buckets for job durations: from a quick buffer to a large inference run. */
export const JOB_DURATION_BUCKETS = [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800];

/** Buckets for one model-serving request; the alert threshold (2 s) is a bucket edge. */
export const INFERENCE_LATENCY_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10];
