import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { connect, jobQueue } from '@harita/queue';
import postgres from 'postgres';
import { startHealthServer } from '../health-server.js';
import { createLogger } from '../logger.js';
import { loggedReachability } from '../reachability.js';
import type { DispatcherConfig } from './config.js';
import { Dispatcher } from './dispatcher.js';
import { createDispatcherMetrics } from './metrics.js';
import { onStopSignal, SHUTDOWN_CLOSE_SECONDS, settlesWithin } from '../shutdown.js';

/** The channel the jobs table's triggers notify on a new job or a cancel. */
const CHANNEL = 'harita_dispatch';

/** postgres.js's TLS option for DATABASE_TLS. */
function tls(config: DispatcherConfig): boolean | 'prefer' | object {
  if (config.DATABASE_TLS === 'disable') return false;
  if (config.DATABASE_TLS === 'prefer') return 'prefer';
  return config.DATABASE_CA_FILE
    ? { rejectUnauthorized: true, ca: readFileSync(config.DATABASE_CA_FILE, 'utf8') }
    : { rejectUnauthorized: true };
}

/**
 * `harita-worker dispatch`: the dispatcher, woken by LISTEN/NOTIFY and by a poll, reconciling on
 * a timer, with health and metrics on HEALTH_PORT, until SIGTERM.
 * @throws when the health server cannot listen
 */
export async function dispatch(config: DispatcherConfig): Promise<void> {
  const logger = createLogger(config.LOG_LEVEL);
  const reachability = loggedReachability(logger);
  // The dispatcher calls Redis inside its claim transactions: a Redis that is down or stalled
  // must fail the call soon (the transaction rolls back, its rows go back), not hold the rows.
  const redis = connect(config, { maxRetriesPerRequest: 1, commandTimeoutMs: 5000 });
  reachability.watch(redis, 'redis', 'dispatcher');
  const queue = jobQueue(redis);
  queue.on('error', () => undefined); // the connection's errors are reported once, above
  const sql = postgres(config.DATABASE_URL, {
    max: 4,
    ssl: tls(config),
    connect_timeout: 10,
    onnotice: () => undefined,
    // Which pod holds a claim, for whoever looks at pg_stat_activity or pg_locks.
    connection: { application_name: `harita-dispatcher/${hostname()}/${String(process.pid)}` },
  });
  const metrics = createDispatcherMetrics(() => queue.getJobCounts());
  const dispatcher = new Dispatcher({
    sql,
    redis,
    queue,
    metrics,
    logger,
    batchSize: config.DISPATCH_BATCH_SIZE,
  });
  const attempt = (what: string, pass: () => Promise<unknown>) => () => {
    reachability.observe('database', what, pass).catch((error: unknown) => {
      logger.debug({ err: error }, `${what} failed; tried again on the next wake`);
    });
  };
  const wake = attempt('dispatch', () => dispatcher.wake());
  const health = await startHealthServer(config.HEALTH_PORT, {
    registry: metrics.registry,
    ready: { redis: () => redis.ping(), database: () => sql`select 1` },
    unreachable: () => reachability.unreachableNow(),
  });
  // Registered again on every reconnect, which is when notifications may have been missed.
  sql.listen(CHANNEL, wake, wake).catch((error: unknown) => {
    logger.warn({ err: error }, 'LISTEN failed; polling until the database answers');
  });
  const poll = setInterval(wake, config.DISPATCH_POLL_MS);
  const reconcile = setInterval(
    attempt('reconcile', () => dispatcher.reconcile()),
    config.RECONCILE_SECONDS * 1000,
  );
  logger.info(
    { batchSize: config.DISPATCH_BATCH_SIZE, healthPort: config.HEALTH_PORT },
    'dispatcher started',
  );

  const stop = (signal: string): void => {
    logger.info({ signal }, 'stopping: finishing the pass under way');
    clearInterval(poll);
    clearInterval(reconcile);
    void (async () => {
      const closing = (async () => {
        await dispatcher.wake().catch(() => undefined);
        await sql.end({ timeout: SHUTDOWN_CLOSE_SECONDS });
        await queue.close();
      })();
      // The pass's Redis commands time out on their own; the bound is for a close nobody answers.
      if (!(await settlesWithin(closing, 2 * SHUTDOWN_CLOSE_SECONDS * 1000)))
        logger.warn(
          { waitedSeconds: 2 * SHUTDOWN_CLOSE_SECONDS },
          'stopped before the pass under way ended',
        );
      health.close();
      redis.disconnect();
      logger.info('stopped');
      process.exit(0);
    })();
  };
  onStopSignal(stop);
}
