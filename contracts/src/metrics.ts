/** Prometheus metric names and labels every service exports under the `harita_` prefix. */
export const METRICS = {
  /** counter; labels: type, outcome */
  jobsTotal: 'harita_jobs_total',
  /** histogram, seconds; labels: type, outcome */
  jobDurationSeconds: 'harita_job_duration_seconds',
  /** gauge, exported by the dispatcher alone (one series per replica, alike); labels: state */
  queueJobs: 'harita_queue_jobs',
  /** counter: job rows the dispatcher enqueued */
  dispatchedJobsTotal: 'harita_dispatched_jobs_total',
  /** histogram, seconds: from a job's row committed to its enqueue */
  dispatchDelaySeconds: 'harita_dispatch_delay_seconds',
  /** counter: queued rows whose BullMQ job Redis had lost, enqueued again */
  reenqueuedJobsTotal: 'harita_reenqueued_jobs_total',
  /** counter: BullMQ jobs whose row was gone, removed */
  orphanJobsRemovedTotal: 'harita_orphan_jobs_removed_total',
  /** counter: cancels relayed to the workers */
  cancelsRelayedTotal: 'harita_cancels_relayed_total',
  /** histogram, seconds; labels: model, outcome */
  inferenceRequestDurationSeconds: 'harita_inference_request_duration_seconds',
  /** counter: job events the API refused (a 4xx), never delivered; labels: status, code */
  jobEventsRefusedTotal: 'harita_job_events_refused_total',
  /** counter; labels: type */
  pixelsProcessedTotal: 'harita_pixels_processed_total',
  /** histogram, seconds; labels: function, method, status */
  httpRequestDurationSeconds: 'harita_http_request_duration_seconds',
  /** gauge, the API's database pool; labels: state (in_use, max) */
  dbPoolConnections: 'harita_db_pool_connections',
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

/** Buckets for the dispatch delay: LISTEN/NOTIFY wakes in milliseconds, polling in seconds. */
export const DISPATCH_DELAY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Buckets for one model-serving request; the alert threshold (2 s) is a bucket edge. */
export const INFERENCE_LATENCY_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10];
