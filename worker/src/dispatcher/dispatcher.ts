import { enqueueJobs, lostJobs, removeOrphans, signalCancel, withdraw } from '@harita/queue';
import type { Queue } from 'bullmq';
import type { Cluster, Redis } from 'ioredis';
import type { Logger } from 'pino';
import {
  dispatchedQueued,
  dispatchPending,
  liveJobIds,
  relayPendingCancels,
  type DispatchRow,
  type Sql,
} from './jobs-table.js';
import type { DispatcherMetrics } from './metrics.js';

export interface DispatcherDependencies {
  sql: Sql;
  redis: Redis | Cluster;
  queue: Queue;
  metrics: DispatcherMetrics;
  logger: Logger;
  batchSize: number;
}

/** A row's job as the queue takes it. */
const toEnqueueable = (row: DispatchRow) => ({
  job: { type: row.type, params: row.params, job_id: row.id, tenant_id: row.tenant_id },
  priority: row.priority,
});

/**
 * Moves job rows from Postgres into BullMQ, relays cancels to the workers, and reconciles the two
 * when Redis loses jobs. Any number of dispatchers may run at once: rows are claimed with
 * `FOR UPDATE SKIP LOCKED`, and a job enqueued twice is one BullMQ job.
 */
export class Dispatcher {
  private draining: Promise<void> | undefined;
  private again = false;

  constructor(private readonly deps: DispatcherDependencies) {}

  /**
   * Dispatches everything pending: on a notification, a poll, or a reconnect. Wakes while a pass
   * runs fold into one more pass after it.
   */
  wake(): Promise<void> {
    if (this.draining) {
      this.again = true;
      return this.draining;
    }
    this.draining = (async () => {
      try {
        do await this.drain();
        while (this.takeAgain());
      } finally {
        this.draining = undefined;
      }
    })();
    return this.draining;
  }

  /** Whether a wake came during the last pass, clearing it. */
  private takeAgain(): boolean {
    const again = this.again;
    this.again = false;
    return again;
  }

  /** Until nothing is left: the rows to dispatch, then the cancels to relay. */
  private async drain(): Promise<void> {
    const { sql, batchSize } = this.deps;
    for (;;) {
      const rows = await dispatchPending(sql, batchSize, (claimed) => this.enqueue(claimed));
      if (rows.length < batchSize) break;
    }
    for (;;) {
      const relayed = await relayPendingCancels(sql, batchSize, (jobs) => this.relay(jobs));
      if (relayed.length < batchSize) break;
    }
  }

  private async enqueue(rows: DispatchRow[]): Promise<void> {
    const { queue, redis, metrics } = this.deps;
    await enqueueJobs(queue, redis, rows.map(toEnqueueable));
    metrics.dispatched.inc(rows.length);
    for (const row of rows) metrics.delay.observe(row.waited);
  }

  private async relay(jobs: { id: string; tenant_id: string }[]): Promise<void> {
    const { redis, metrics } = this.deps;
    await Promise.all(
      jobs.map(async (job) => {
        await signalCancel(redis, job.id);
        await withdraw(redis, job.tenant_id, job.id);
      }),
    );
    metrics.cancelsRelayed.inc(jobs.length);
  }

  /**
   * One reconciling pass: queued rows whose BullMQ job Redis lost are enqueued again, and BullMQ
   * jobs not started whose row is gone, canceled or ended are removed.
   * @returns how many were enqueued again and removed
   */
  async reconcile(): Promise<{ reenqueued: number; removed: number }> {
    const { sql, redis, queue, metrics, logger, batchSize } = this.deps;
    let reenqueued = 0;
    let after: { dispatched_at: Date; id: string } | undefined;
    for (;;) {
      const rows = await dispatchedQueued(sql, batchSize, after);
      const lost = new Set(
        await lostJobs(
          redis,
          rows.map((r) => r.id),
        ),
      );
      if (lost.size > 0) {
        const again = await enqueueJobs(
          queue,
          redis,
          rows.filter((r) => lost.has(r.id)).map(toEnqueueable),
        );
        reenqueued += again.length;
      }
      const last = rows.at(-1);
      if (!last || rows.length < batchSize) break;
      after = { dispatched_at: last.dispatched_at, id: last.id };
    }
    const removed = (
      await removeOrphans(queue, redis, (ids) => liveJobIds(sql, ids), batchSize * 5)
    ).length;
    metrics.reenqueued.inc(reenqueued);
    metrics.orphansRemoved.inc(removed);
    if (reenqueued > 0 || removed > 0)
      logger.warn({ reenqueued, removed }, 'reconciled the queue with the jobs table');
    return { reenqueued, removed };
  }
}
