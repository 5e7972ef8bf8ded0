import { Queue } from 'bullmq';
import type { Cluster, Redis } from 'ioredis';
import { QUEUE_NAME, QUEUE_OPTIONS } from './names.ts';

/** The kit's BullMQ queue over the given connection, under the queue's name and prefix. */
export function jobQueue(connection: Redis | Cluster): Queue {
  return new Queue(QUEUE_NAME, { ...QUEUE_OPTIONS, connection });
}
