import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
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
import { WorkerProcess } from './worker-process.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const JWT_SECRET = 'e2e-system-jwt-secret-of-at-least-32-characters';
const BUCKET = 'harita';

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
  /** Extra worker variables (lock and stall times, retries). */
  workerEnv?: Record<string, string>;
}

/**
 * The whole system on real services: Redis (a fixed port, so it can restart under the worker),
 * Postgres with Supabase's roles and the migrations, the object store, model serving, the API
 * as a Deno process and the workers as Node processes, wired as the local stack wires them.
 */
export class HaritaSystem {
  static async start(options: SystemOptions): Promise<HaritaSystem> {
    const roles = readFileSync(`${ROOT}functions/postgres/supabase-roles.sql`, 'utf8');
    const schema = readFileSync(
      `${ROOT}functions/supabase/migrations/20261129000000_harita_schema.sql`,
      'utf8',
    );
    const [redis, postgres, store, models] = await Promise.all([
      new RedisContainer().withHostPort(await freePort()).start(),
      new PostgresContainer()
        .withInitSql('00-roles.sql', roles)
        .withInitSql('01-schema.sql', schema)
        .start(),
      new ObjectStoreContainer().start(),
      new ModelServingContainer().start(),
    ]);
    const system = new HaritaSystem(redis, postgres, store, models);
    try {
      await store.client().makeBucket(BUCKET);
      system.adminClient = await postgres.connect();
      const shared = {
        REDIS_HOST: redis.host,
        REDIS_PORT: String(redis.port),
        REDIS_PASSWORD: redis.password,
        S3_ENDPOINT: store.endpoint.href.replace(/\/$/, ''),
        S3_BUCKET: BUCKET,
        S3_ACCESS_KEY_ID: store.accessKey,
        S3_SECRET_ACCESS_KEY: store.secretKey,
        ...models.workerEnv(),
      };
      const database = postgres.clientConfig();
      system.apiProcess = await FunctionsProcess.start(
        {
          ...shared,
          SUPABASE_URL: 'http://127.0.0.1:1',
          SUPABASE_DB_URL: `postgres://${String(database.user)}:${String(database.password)}@${String(database.host)}:${String(database.port)}/${String(database.database)}`,
          JWT_SECRET,
        },
        await freePort(),
      );
      system.workerEnv = {
        ...shared,
        SUPABASE_URL: system.apiProcess.url,
        SUPABASE_SERVICE_ROLE_KEY: await sign({ role: 'service_role' }),
        ...options.workerEnv,
      };
      for (let i = 0; i < options.workers; i++) await system.addWorker();
      return system;
    } catch (error) {
      await system.stop();
      throw error;
    }
  }

  private adminClient: pg.Client | undefined;
  private apiProcess: FunctionsProcess | undefined;
  workers: WorkerProcess[] = [];
  private workerEnv: Record<string, string> = {};

  private constructor(
    readonly redis: StartedRedisContainer,
    readonly postgres: StartedPostgresContainer,
    readonly store: StartedObjectStoreContainer,
    readonly models: StartedModelServingContainer,
  ) {}

  async addWorker(): Promise<WorkerProcess> {
    const worker = await WorkerProcess.start({
      ...this.workerEnv,
      HEALTH_PORT: String(await freePort()),
    });
    this.workers.push(worker);
    return worker;
  }

  /** A tenant as the platform registers one, and a user token for it. */
  async newTenant(maxQueuedJobs = 100): Promise<{ id: string; token: string }> {
    const result = await this.admin.query<{ id: string }>(
      `insert into public.tenants (name, max_queued_jobs) values ($1, $2) returning id`,
      [`e2e ${String(Date.now())}`, maxQueuedJobs],
    );
    const id = result.rows[0]?.id;
    if (!id) throw new Error('no tenant was inserted');
    return {
      id,
      token: await sign({
        role: 'authenticated',
        app_metadata: { tenant_id: id },
        sub: crypto.randomUUID(),
      }),
    };
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
    await Promise.allSettled(this.workers.map((w) => w.stop()));
    await this.apiProcess?.stop();
    await this.adminClient?.end().catch(() => undefined);
    await Promise.allSettled([
      this.redis.stop(),
      this.postgres.stop(),
      this.store.stop(),
      this.models.stop(),
    ]);
  }
}
