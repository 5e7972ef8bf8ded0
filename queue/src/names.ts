/** The BullMQ queue the dispatcher fills and the workers consume. */
export const QUEUE_NAME = 'harita-jobs';

/**
 * The prefix of every key the queue protocol uses, BullMQ's and the kit's own. The braces are a
 * Redis Cluster hash tag: only `harita` is hashed, so every key lands in one slot and BullMQ's
 * and the fairness scripts' multi-key commands stay legal on a cluster.
 */
export const QUEUE_PREFIX = '{harita}';

/** The options every `Queue`, `Worker` and `QueueEvents` of the kit is built with. */
export const QUEUE_OPTIONS = { prefix: QUEUE_PREFIX } as const;

/** A key of the kit's own, beside BullMQ's, in the queue's slot. */
export const queueKey = (...parts: string[]): string => [QUEUE_PREFIX, 'kit', ...parts].join(':');

/** The hash BullMQ keeps a job in (its data, options and state), under the queue's prefix. */
export const bullmqJobKey = (jobId: string): string => `${QUEUE_PREFIX}:${QUEUE_NAME}:${jobId}`;
