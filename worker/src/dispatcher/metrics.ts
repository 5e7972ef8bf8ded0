import { DISPATCH_DELAY_BUCKETS, METRICS, QUEUE_STATES } from '@harita/contracts';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface DispatcherMetrics {
  registry: Registry;
  dispatched: Counter;
  delay: Histogram;
  reenqueued: Counter;
  orphansRemoved: Counter;
  cancelsRelayed: Counter;
}

/**
 * The dispatcher's harita_ metrics, the queue's depth among them (it is exported here alone, so
 * its series do not multiply with the workers), plus Node's process metrics.
 */
export function createDispatcherMetrics(
  queueCounts: () => Promise<Record<string, number>>,
): DispatcherMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  new Gauge({
    name: METRICS.queueJobs,
    help: 'Jobs in the queue, by state',
    labelNames: ['state'] as const,
    registers: [registry],
    async collect() {
      const counts = await queueCounts();
      for (const state of QUEUE_STATES) this.set({ state }, counts[state] ?? 0);
    },
  });
  const counter = (name: string, help: string) =>
    new Counter({ name, help, registers: [registry] });
  return {
    registry,
    dispatched: counter(METRICS.dispatchedJobsTotal, 'Job rows enqueued into BullMQ'),
    delay: new Histogram({
      name: METRICS.dispatchDelaySeconds,
      help: "Seconds from a job's row created to its claim by the dispatcher",
      buckets: DISPATCH_DELAY_BUCKETS,
      registers: [registry],
    }),
    reenqueued: counter(
      METRICS.reenqueuedJobsTotal,
      'Queued rows whose BullMQ job Redis had lost, enqueued again',
    ),
    orphansRemoved: counter(
      METRICS.orphanJobsRemovedTotal,
      'BullMQ jobs not started whose row was gone, canceled or ended, removed',
    ),
    cancelsRelayed: counter(METRICS.cancelsRelayedTotal, 'Cancels relayed to the workers'),
  };
}
