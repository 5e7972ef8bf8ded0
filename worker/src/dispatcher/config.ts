import { RedisEnvironment, requireRedisLocation } from '@harita/queue';
import { z } from 'zod';
import { LogLevel, parseEnvironment, port, positive } from '../config.js';

/** The dispatcher's environment (`harita-worker dispatch`): Postgres, Redis, and its pace. */
const Environment = z
  .object({
    ...RedisEnvironment.shape,
    /**
     * The jobs' database, as the dispatcher's role (harita_dispatcher). LISTEN needs a session:
     * a direct connection, or a pooler in session mode, never transaction mode.
     */
    DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'a postgres:// URL'),
    /**
     * `prefer`: TLS where the server offers it, its certificate unchecked (libpq's default);
     * `verify`: TLS required, the certificate checked against DATABASE_CA_FILE or the system's
     * CAs; `disable`: never TLS.
     */
    DATABASE_TLS: z.enum(['prefer', 'verify', 'disable']).default('prefer'),
    DATABASE_CA_FILE: z.string().min(1).optional(),
    /** Rows claimed, and enqueued in one BullMQ call, at a time. */
    DISPATCH_BATCH_SIZE: positive.max(1000).default(200),
    /** The poll that catches what a notification missed. */
    DISPATCH_POLL_MS: positive.default(2000),
    /** How often queued rows are checked against BullMQ, and BullMQ's jobs against the rows. */
    RECONCILE_SECONDS: positive.default(30),
    HEALTH_PORT: port.default(9400),
    LOG_LEVEL: LogLevel.default('info'),
  })
  .superRefine(requireRedisLocation);

export type DispatcherConfig = z.infer<typeof Environment>;

/**
 * The dispatcher's validated configuration (`DATABASE_URL_FILE` and `REDIS_PASSWORD_FILE` read).
 * @throws ConfigError naming the first variable that is missing or wrong
 */
export function loadDispatcherConfig(given: NodeJS.ProcessEnv = process.env): DispatcherConfig {
  return parseEnvironment(Environment, given);
}
