import { CANCEL_CHANNEL, isCanceled } from '@harita/queue';
import type { Cluster, Redis } from 'ioredis';

/** Why a job's signal was aborted: the API canceled it, or the worker is shutting down. */
export const CANCELED = 'canceled';
export const SHUTDOWN = 'shutting down';

/** Whether the signal was aborted for that reason. */
export function abortedFor(signal: AbortSignal, reason: string): boolean {
  return signal.aborted && signal.reason instanceof Error && signal.reason.message === reason;
}

/**
 * Cancel requests, as the dispatcher relays them (@harita/queue's cancel channel and markers):
 * each running job registers the controller that aborts it.
 */
export class Cancellations {
  private readonly running = new Map<string, AbortController>();

  constructor(
    private readonly commands: Redis | Cluster,
    private readonly subscriber: Redis | Cluster,
  ) {}

  async start(): Promise<void> {
    this.subscriber.on('message', (_channel: string, jobId: string) => {
      this.running.get(jobId)?.abort(new Error(CANCELED));
    });
    await this.subscriber.subscribe(CANCEL_CHANNEL);
  }

  /** A controller for the job, already aborted when it was canceled while queued. */
  async register(jobId: string): Promise<AbortController> {
    const controller = new AbortController();
    this.running.set(jobId, controller);
    if (await isCanceled(this.commands, jobId)) controller.abort(new Error(CANCELED));
    return controller;
  }

  release(jobId: string): void {
    this.running.delete(jobId);
  }

  /** Aborts every running job: a shutdown past its grace period. */
  abortAll(reason: Error): void {
    for (const controller of this.running.values()) controller.abort(reason);
  }
}
