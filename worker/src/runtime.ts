import type { S3Client } from '@aws-sdk/client-s3';
import {
  isConnectionError,
  JobType,
  type JobEvent,
  type JobResult,
  type JobStatus,
} from '@harita/contracts';
import {
  acquireSlot,
  JobOwner,
  QUEUE_NAME,
  QUEUE_OPTIONS,
  QueuedJob,
  releaseSlot,
} from '@harita/queue';
import { DelayedError, UnrecoverableError, WaitingError, Worker, type Job } from 'bullmq';
import type { Cluster, Redis } from 'ioredis';
import type { Logger } from 'pino';
import { abortedFor, CANCELED, SHUTDOWN, type Cancellations } from './cancellations.js';
import type { Config } from './config.js';
import { JobContext } from './job-context.js';
import type { Delivery, JobEventsClient } from './job-events.js';
import { toJobFailure } from './job-failure.js';
import type { WorkerMetrics } from './metrics.js';
import type { ModelServingClient } from './model-serving/client.js';
import { processorFor } from './processors/index.js';
import { throttledProgress } from './progress.js';

export interface RuntimeDependencies {
  config: Config;
  connection: Redis | Cluster;
  s3: S3Client;
  models: ModelServingClient;
  events: JobEventsClient;
  metrics: WorkerMetrics;
  cancellations: Cancellations;
  logger: Logger;
}

/** A job's statuses after which it takes no more runs. */
const ENDED = new Set<JobStatus>(['succeeded', 'failed', 'canceled']);

/** The BullMQ worker: validates each job, runs its processor, reports progress, events and metrics. */
export class JobRuntime {
  private worker: Worker | undefined;

  constructor(private readonly deps: RuntimeDependencies) {}

  start(): void {
    this.worker = new Worker(QUEUE_NAME, (job, token) => this.process(job, token), {
      ...QUEUE_OPTIONS,
      connection: this.deps.connection,
      concurrency: this.deps.config.WORKER_CONCURRENCY,
      lockDuration: this.deps.config.JOB_LOCK_SECONDS * 1000,
      stalledInterval: this.deps.config.STALLED_CHECK_SECONDS * 1000,
    });
    this.worker.on('error', (error) => {
      // A lost Redis connection is reported once by its client (Reachability), not per retry.
      if (!isConnectionError(error)) this.deps.logger.error({ err: error }, 'worker error');
    });
  }

  /** Stops taking jobs and waits for running ones; past the grace period they are aborted and handed back. */
  async stop(graceMs: number): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    const closing = worker.close();
    const timer = setTimeout(() => {
      this.deps.cancellations.abortAll(new Error(SHUTDOWN));
    }, graceMs);
    try {
      await closing;
    } finally {
      clearTimeout(timer);
      await this.deps.events.drain();
    }
  }

  /** Runs the job within its tenant's running limit; past it, the job waits a moment in the queue. */
  private async process(job: Job, token: string | undefined): Promise<JobResult[]> {
    const owner = JobOwner.safeParse(job.data);
    if (!owner.success) return this.run(job, token);
    const { tenant_id: tenant, job_id: id } = owner.data;
    const { config, connection } = this.deps;
    const lease = config.JOB_LOCK_SECONDS * 2000;
    if (!(await acquireSlot(connection, tenant, id, config.TENANT_MAX_RUNNING, lease))) {
      await job.moveToDelayed(Date.now() + 250 + Math.random() * 250, token);
      throw new DelayedError();
    }
    const renew = setInterval(
      // A renewal Redis does not answer is tried again at the next tick; the lease outlives two.
      () => {
        acquireSlot(connection, tenant, id, config.TENANT_MAX_RUNNING, lease).catch(
          () => undefined,
        );
      },
      lease / 3,
    );
    try {
      return await this.run(job, token);
    } finally {
      clearInterval(renew);
      await releaseSlot(connection, tenant, id);
    }
  }

  private async run(job: Job, token: string | undefined): Promise<JobResult[]> {
    const { logger, metrics, cancellations } = this.deps;
    const parsed = QueuedJob.safeParse(job.data);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const message = `invalid job: ${issue ? `${issue.path.join('.')}: ${issue.message}` : 'not a job'}`;
      logger.error({ bullmqJob: job.id, message }, 'job data does not match the contract');
      // Whoever it names still hears why, when the job says whose it is.
      const owner = JobOwner.safeParse(job.data);
      if (owner.success) {
        const geojson = issue?.path.some((part) => part === 'geojson' || part === 'zones') ?? false;
        await this.deps.events.post({
          ...owner.data,
          attempt: Math.max(1, job.attemptsStarted),
          sequence: 0,
          status: 'failed',
          progress: 0,
          error: { code: geojson ? 'invalid_geojson' : 'invalid_params', message },
          at: new Date().toISOString(),
        });
        metrics.jobs.inc({
          type: JobType.safeParse(job.name).data ?? 'unknown',
          outcome: 'failed',
        });
      }
      throw new UnrecoverableError(message);
    }
    const data = parsed.data;
    const log = logger.child({ job: data.job_id, tenant: data.tenant_id, type: data.type });
    // Numbered by starts, not failures: a run lost with a dead worker still counts, so the
    // events of the run that takes over never share (attempt, sequence) with the lost one's.
    const attempt = Math.max(1, job.attemptsStarted);
    let sequence = 0;
    const emit = (
      status: JobStatus,
      progress: number,
      extra: Pick<JobEvent, 'results' | 'error'> = {},
    ): Promise<Delivery> =>
      this.deps.events.post({
        job_id: data.job_id,
        tenant_id: data.tenant_id,
        attempt,
        sequence: sequence++,
        status,
        progress,
        ...extra,
        at: new Date().toISOString(),
      });

    // The job's row is its record: a job Redis hands out again after it ended (its last writes
    // lost in a crash or a failover) is not run twice.
    const start = await emit('running', 0);
    if (start && 'refused' in start)
      throw new UnrecoverableError(
        `the API refused the job's start (HTTP ${String(start.refused)}): no such job for this tenant`,
      );
    if (start && ENDED.has(start.status)) {
      log.warn({ attempt, status: start.status }, 'job already ended: not run again');
      return [];
    }
    const controller = await cancellations.register(data.job_id);
    const started = performance.now();
    const progress = throttledProgress((percent) => {
      // BullMQ's copy of the progress is advisory (the row's is the record): a job Redis lost
      // under the worker refuses it, and that must not end the process.
      job.updateProgress(percent).catch(() => undefined);
      void emit('running', percent);
    });
    log.info({ attempt }, 'job started');
    try {
      controller.signal.throwIfAborted();
      const context = new JobContext(
        data.tenant_id,
        data.job_id,
        controller.signal,
        this.deps.s3,
        this.deps.models,
        this.deps.config,
        log,
        progress,
      );
      const output = await processorFor(data.type)(data.params, context);
      metrics.pixels.inc({ type: data.type }, output.pixels);
      this.finish(data.type, 'succeeded', started);
      await emit('succeeded', 100, { results: output.results });
      log.info({ results: output.results.map((r) => r.key) }, 'job succeeded');
      return output.results;
    } catch (error) {
      if (abortedFor(controller.signal, SHUTDOWN)) {
        // Past the shutdown grace period: the job goes back to the queue for another worker.
        log.warn('handed back at shutdown');
        await job.moveToWait(token);
        throw new WaitingError();
      }
      const failure = toJobFailure(error, abortedFor(controller.signal, CANCELED));
      const final = failure.permanent || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      const outcome = failure.code === 'canceled' ? 'canceled' : 'failed';
      if (final) {
        this.finish(data.type, outcome, started);
        await emit(outcome, 0, { error: failure.toJobError() });
      }
      log.warn({ code: failure.code, message: failure.message, final }, 'job failed');
      if (failure.permanent) throw new UnrecoverableError(`${failure.code}: ${failure.message}`);
      throw failure;
    } finally {
      cancellations.release(data.job_id);
    }
  }

  private finish(type: string, outcome: string, started: number): void {
    this.deps.metrics.jobs.inc({ type, outcome });
    this.deps.metrics.duration.observe({ type, outcome }, (performance.now() - started) / 1000);
  }
}
