import { Cluster, Redis } from 'ioredis';
import { z } from 'zod';

/**
 * Where Redis is: one server (`REDIS_HOST`, `REDIS_PORT`), or a Redis Cluster
 * (`REDIS_CLUSTER_NODES`, `host:port` seeds separated by commas, which win over REDIS_HOST).
 */
export const RedisEnvironment = z.object({
  REDIS_HOST: z.string().optional(),
  REDIS_PORT: z.coerce.number().int().min(1).max(65535).default(6379),
  REDIS_PASSWORD: z.string().min(1),
  REDIS_CLUSTER_NODES: z
    .string()
    .regex(/^[^\s,:]+:\d{1,5}(,[^\s,:]+:\d{1,5})*$/, 'host:port seeds, separated by commas')
    .optional(),
});
export type RedisEnvironment = z.infer<typeof RedisEnvironment>;

/**
 * The refinement every environment with Redis' variables takes (`.superRefine`): a server or
 * cluster seeds must be named, and the issue names REDIS_HOST.
 */
export function requireRedisLocation(
  env: Pick<RedisEnvironment, 'REDIS_HOST' | 'REDIS_CLUSTER_NODES'>,
  context: z.core.$RefinementCtx,
): void {
  if (!env.REDIS_HOST && !env.REDIS_CLUSTER_NODES)
    context.addIssue({ code: 'custom', path: ['REDIS_HOST'], message: 'required' });
}

export interface ConnectionOptions {
  /**
   * Retries of a command before it fails. `null` (retry until Redis answers) for BullMQ workers,
   * whose blocking commands must not fail; a small number for callers that answer a request.
   */
  maxRetriesPerRequest: number | null;
  /**
   * A command's limit, in ms, after which it fails (default none): for callers that hold
   * something while they wait, such as a transaction.
   */
  commandTimeoutMs?: number;
}

/**
 * A connection to the queue's Redis: an ioredis `Cluster` when `REDIS_CLUSTER_NODES` is set,
 * otherwise a single `Redis`. Both take the same commands, BullMQ's included.
 */
export function connect(env: RedisEnvironment, options: ConnectionOptions): Redis | Cluster {
  const common = {
    password: env.REDIS_PASSWORD,
    maxRetriesPerRequest: options.maxRetriesPerRequest,
    ...(options.commandTimeoutMs === undefined ? {} : { commandTimeout: options.commandTimeoutMs }),
  };
  if (env.REDIS_CLUSTER_NODES) {
    const nodes = env.REDIS_CLUSTER_NODES.split(',').map((seed) => {
      const at = seed.lastIndexOf(':');
      return { host: seed.slice(0, at), port: Number(seed.slice(at + 1)) };
    });
    // BullMQ's blocking reads must wait out a failover rather than fail: the cluster client
    // retries a command while slots move, as the single client retries while Redis restarts.
    return new Cluster(nodes, { redisOptions: common, enableReadyCheck: true });
  }
  return new Redis({ host: env.REDIS_HOST, port: env.REDIS_PORT, ...common });
}
