import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { SignJWT } from 'jose';
import type pg from 'pg';
import { FunctionsProcess } from './functions-process.js';
import {
  ModelServingContainer,
  type StartedModelServingContainer,
} from './services/model-serving.js';
import { ObjectStoreContainer, type StartedObjectStoreContainer } from './services/object-store.js';
import { PostgresContainer, type StartedPostgresContainer } from './services/postgres.js';
import { RedisContainer, type StartedRedisContainer } from './services/redis.js';
import { RedisClusterContainers, StartedRedisCluster } from './services/redis-cluster.js';
import { WorkerProcess } from './worker-process.js';
import { repositoryRoot } from './repository.js';

const ROOT = repositoryRoot();
const JWT_SECRET = 'e2e-system-jwt-secret-of-at-least-32-characters';
const BUCKET = 'harita';
const DISPATCHER_PASSWORD = 'e2e-dispatcher-password';
const MIGRATIONS = `${ROOT}functions/supabase/migrations/`;

/** A port nothing listens on now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (typeof address !== 'object' || !address) throw new Error('no port');
  return address.port;
}

const sign = (claims: Record<string, unknown>) =>
  new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuedAt()
    .setExpirationTime('2h')
    .sign(new TextEncoder().encode(JWT_SECRET));

export interface SystemOptions {
  workers: number;
  /** Dispatchers moving job rows into the queue (default 1). */
  dispatchers?: number;
  /** Extra worker variables (lock and stall times, retries). */
  workerEnv?: Record<string, string>;
  /** Extra dispatcher variables (its poll and reconcile periods). */
  dispatcherEnv?: Record<string, string>;
  /** The queue on a Redis Cluster (3 masters, 3 replicas) instead of one server. */
  redisCluster?: boolean;
}

/**
 * The whole system on real services, in production's topology: Redis and Postgres (fixed ports,
 * so they can restart under the system), Postgres with Supabase's roles and the migrations, the object store,
 * model serving, the API as a Deno process that reaches Postgres and the object store but no
 * Redis, the dispatchers that move its job rows into the queue, and the workers, as Node
 * processes.
 */
export class HaritaSystem {
  static async start(options: SystemOptions): Promise<HaritaSystem> {
    const roles = readFileSync(`${ROOT}functions/postgres/supabase-roles.sql`, 'utf8');
    const database = new PostgresContainer()
      .withHostPort(await freePort())
      .withInitSql('00-roles.sql', roles);
    for (const [i, name] of readdirSync(MIGRATIONS).sort().entries())
      if (name.endsWith('.sql'))
        database.withInitSql(
          `${String(i + 1).padStart(2, '0')}-${name}`,
          readFileSync(`${MIGRATIONS}${name}`, 'utf8'),
        );
    const [redis, postgres, store, models] = await Promise.all([
      options.redisCluster
        ? new RedisClusterContainers().start()
        : new RedisContainer().withHostPort(await freePort()).start(),
      database.start(),
      new ObjectStoreContainer().start(),
      new ModelServingContainer().start(),
    ]);
    const system = new HaritaSystem(redis, postgres, store, models);
    try {
      await store.client().makeBucket(BUCKET);
      await system.reconnectAdmin();
      // The migration makes the dispatcher's role without a login; a deployment gives it one.
      await system.admin.query(
        `alter role harita_dispatcher login password '${DISPATCHER_PASSWORD}'`,
      );
      const queueRedis =
        redis instanceof StartedRedisCluster
          ? { REDIS_CLUSTER_NODES: redis.seeds.join(','), REDIS_PASSWORD: redis.password }
          : {
              REDIS_HOST: redis.host,
              REDIS_PORT: String(redis.port),
              REDIS_PASSWORD: redis.password,
            };
      const shared = {
        S3_ENDPOINT: store.endpoint.href.replace(/\/$/, ''),
        S3_BUCKET: BUCKET,
        S3_ACCESS_KEY_ID: store.accessKey,
        S3_SECRET_ACCESS_KEY: store.secretKey,
        ...models.workerEnv(),
      };
      const connection = postgres.clientConfig();
      const at = `${String(connection.host)}:${String(connection.port)}/${String(connection.database)}`;
      system.apiProcess = await FunctionsProcess.start(
        {
          ...shared,
          SUPABASE_URL: 'http://127.0.0.1:1',
          SUPABASE_DB_URL: `postgres://${String(connection.user)}:${String(connection.password)}@${at}`,
          JWT_SECRET,
        },
        await freePort(),
      );
      system.dispatcherEnv = {
        ...queueRedis,
        DATABASE_URL: `postgres://harita_dispatcher:${DISPATCHER_PASSWORD}@${at}`,
        ...options.dispatcherEnv,
      };
      for (let i = 0; i < (options.dispatchers ?? 1); i++) await system.addDispatcher();
      system.workerEnv = {
        ...shared,
        ...queueRedis,
        SUPABASE_URL: system.apiProcess.url,
        SUPABASE_SERVICE_ROLE_KEY: await sign({ role: 'service_role' }),
        ...options.workerEnv,
      };
      for (let i = 0; i < options.workers; i++) await system.addWorker();
      return system;
    } catch (error) {
      await system.stop().catch((stopping: unknown) => {
        console.error(stopping);
      });
      throw error;
    }
  }

  private adminClient: pg.Client | undefined;
  private apiProcess: FunctionsProcess | undefined;
  workers: WorkerProcess[] = [];
  dispatchers: WorkerProcess[] = [];
  private workerEnv: Record<string, string> = {};
  private dispatcherEnv: Record<string, string> = {};

  private constructor(
    private readonly queueRedis: StartedRedisContainer | StartedRedisCluster,
    readonly postgres: StartedPostgresContainer,
    readonly store: StartedObjectStoreContainer,
    readonly models: StartedModelServingContainer,
  ) {}

  /** The queue's Redis, when it is one server. */
  get redis(): StartedRedisContainer {
    if (this.queueRedis instanceof StartedRedisCluster) throw new Error('the queue is a cluster');
    return this.queueRedis;
  }

  /** The queue's Redis, when it is a cluster. */
  get cluster(): StartedRedisCluster {
    if (!(this.queueRedis instanceof StartedRedisCluster))
      throw new Error('the queue is one server');
    return this.queueRedis;
  }

  async addWorker(): Promise<WorkerProcess> {
    const worker = await WorkerProcess.start({
      ...this.workerEnv,
      HEALTH_PORT: String(await freePort()),
    });
    this.workers.push(worker);
    return worker;
  }

  /** One more dispatcher (`harita-worker dispatch`). */
  async addDispatcher(): Promise<WorkerProcess> {
    const dispatcher = await WorkerProcess.start(
      { ...this.dispatcherEnv, HEALTH_PORT: String(await freePort()) },
      'dispatch',
    );
    this.dispatchers.push(dispatcher);
    return dispatcher;
  }

  /**
   * A tenant as the platform registers one, and a user token for it. `jobsPerMinute` is its
   * submission rate limit (the schema's default when not given).
   */
  async newTenant(
    maxQueuedJobs = 100,
    jobsPerMinute?: number,
  ): Promise<{ id: string; token: string }> {
    const result = await this.admin.query<{ id: string }>(
      `insert into public.tenants (name, max_queued_jobs) values ($1, $2) returning id`,
      [`e2e ${String(Date.now())}`, maxQueuedJobs],
    );
    const id = result.rows[0]?.id;
    if (!id) throw new Error('no tenant was inserted');
    if (jobsPerMinute !== undefined)
      await this.admin.query(
        'update public.tenants set job_submissions_per_minute = $2 where id = $1',
        [id, jobsPerMinute],
      );
    return {
      id,
      token: await sign({
        role: 'authenticated',
        aud: 'authenticated',
        app_metadata: { tenant_id: id },
        sub: crypto.randomUUID(),
      }),
    };
  }

  /** A new admin connection: at the start, and after Postgres was stopped and started again. */
  async reconnectAdmin(): Promise<void> {
    await this.adminClient?.end().catch(() => undefined);
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        const client = await this.postgres.connect();
        // A server that goes away is an 'error' event: without a listener, it would end the run.
        client.on('error', () => undefined);
        this.adminClient = client;
        return;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
  }

  /** A count, as the database's owner: `sql` selects one row with an integer `n`. */
  async count(sql: string, params: unknown[] = []): Promise<number> {
    const result = await this.admin.query<{ n: number }>(sql, params);
    const n = result.rows[0]?.n;
    if (n === undefined) throw new Error(`no count from ${sql}`);
    return n;
  }

  /** SQL as the database's owner, outside row-level security: for setting up and checking. */
  get admin(): pg.Client {
    if (!this.adminClient) throw new Error('the system has not started');
    return this.adminClient;
  }

  get apiUrl(): string {
    if (!this.apiProcess) throw new Error('the system has not started');
    return this.apiProcess.url;
  }

  async stop(): Promise<void> {
    for (const child of [...this.workers, ...this.dispatchers])
      if (child.exitCode !== null && child.exitCode !== 0)
        console.error(
          `a worker or dispatcher exited (${String(child.exitCode)}) during the run:\n${child.stderr.slice(-4000)}`,
        );
    const stopped = await Promise.allSettled(
      [...this.workers, ...this.dispatchers].map((w) => w.stop()),
    );
    if (this.apiProcess?.exitCode != null)
      console.error(
        `the API exited (${String(this.apiProcess.exitCode)}) during the run:\n${this.apiProcess.log.slice(-4000)}`,
      );
    await this.apiProcess?.stop();
    await this.adminClient?.end().catch(() => undefined);
    await Promise.allSettled([
      this.queueRedis.stop(),
      this.postgres.stop(),
      this.store.stop(),
      this.models.stop(),
    ]);
    const hung = stopped.flatMap((s) => (s.status === 'rejected' ? [s.reason as Error] : []));
    if (hung.length) throw new AggregateError(hung, hung.map((e) => e.message).join('\n'));
  }
}
