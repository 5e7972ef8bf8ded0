import { HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { connect } from '@harita/queue';
import { CodecPool } from '@harita/raster';
import type { Cluster, Redis } from 'ioredis';
import { Cancellations } from './cancellations.js';
import { secretFromFile, type Config } from './config.js';
import { startHealthServer } from './health-server.js';
import { JobEventsClient } from './job-events.js';
import { createLogger } from './logger.js';
import { createMetrics } from './metrics.js';
import { modelServingClient } from './model-serving/client.js';
import { loggedReachability } from './reachability.js';
import { JobRuntime } from './runtime.js';
import { onStopSignal, SHUTDOWN_CLOSE_SECONDS, settlesWithin } from './shutdown.js';

/** How often the object store is probed, so an outage is logged even when no job meets it. */
const OBJECT_STORE_PROBE_MS = 5000;

/**
 * `harita-worker work`: connections, the job runtime, health and metrics, and shutdown.
 * @throws when the health server cannot listen
 */
export async function work(config: Config): Promise<void> {
  const logger = createLogger(config.LOG_LEVEL);
  const reachability = loggedReachability(logger);
  let connections = 0;
  const redis = (): Redis | Cluster => {
    const client = connect(config, { maxRetriesPerRequest: null });
    reachability.watch(client, 'redis', `connection ${String(++connections)}`);
    return client;
  };
  const connection = redis();
  const s3 = new S3Client({
    endpoint: config.S3_ENDPOINT,
    region: config.S3_REGION,
    forcePathStyle: true,
    credentials: {
      accessKeyId: config.S3_ACCESS_KEY_ID,
      secretAccessKey: config.S3_SECRET_ACCESS_KEY,
    },
  });
  const metrics = createMetrics();
  const models = modelServingClient(config, (model, outcome, seconds) => {
    metrics.inference.observe({ model, outcome }, seconds);
  });
  const cancellations = new Cancellations(connection, redis());
  const events = new JobEventsClient({
    baseUrl: config.SUPABASE_URL,
    serviceRoleKey: config.SUPABASE_SERVICE_ROLE_KEY_FILE
      ? secretFromFile(config.SUPABASE_SERVICE_ROLE_KEY_FILE, config.SUPABASE_SERVICE_ROLE_KEY)
      : config.SUPABASE_SERVICE_ROLE_KEY,
    logger,
    reachability,
    refused: metrics.refusedEvents,
  });
  const runtime = new JobRuntime({
    config,
    connection,
    s3,
    models,
    events,
    metrics,
    cancellations,
    logger,
  });
  // A paused store can hold a connection open without answering: the probe gives up in time.
  const headBucket = () =>
    s3.send(new HeadBucketCommand({ Bucket: config.S3_BUCKET }), {
      abortSignal: AbortSignal.timeout(OBJECT_STORE_PROBE_MS - 1000),
    });
  const health = await startHealthServer(config.HEALTH_PORT, {
    registry: metrics.registry,
    ready: {
      redis: () => connection.ping(),
      'object-store': () => reachability.observe('object-store', 'head-bucket', headBucket),
    },
    unreachable: () => reachability.unreachableNow(),
  });
  const probe = setInterval(() => {
    reachability.observe('object-store', 'head-bucket', headBucket).catch(() => undefined);
  }, OBJECT_STORE_PROBE_MS);
  // Redis may still be down: the subscription is made when it answers, the health server already
  // says why the worker is not ready.
  cancellations.start().catch((error: unknown) => {
    logger.error({ err: error }, 'cancel channel subscription failed');
  });
  runtime.start();
  logger.info(
    { concurrency: config.WORKER_CONCURRENCY, healthPort: config.HEALTH_PORT },
    'worker started',
  );

  const stop = (signal: string): void => {
    logger.info(
      { signal, graceSeconds: config.SHUTDOWN_GRACE_SECONDS },
      'stopping: no new jobs, finishing running ones',
    );
    void (async () => {
      const waitedSeconds = config.SHUTDOWN_GRACE_SECONDS + SHUTDOWN_CLOSE_SECONDS;
      const closing = runtime.stop(config.SHUTDOWN_GRACE_SECONDS * 1000);
      if (!(await settlesWithin(closing, waitedSeconds * 1000)))
        logger.warn({ waitedSeconds }, 'stopped without Redis confirming');
      clearInterval(probe);
      health.close();
      await CodecPool.shared().close();
      s3.destroy();
      models.close();
      connection.disconnect();
      logger.info('stopped');
      process.exit(0);
    })();
  };
  onStopSignal(stop);
}
