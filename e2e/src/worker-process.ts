import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { JobEventsReceiver } from './job-events-receiver.js';
import type { StartedObjectStoreContainer } from './services/object-store.js';
import type { StartedRedisContainer } from './services/redis.js';

const MAIN = fileURLToPath(import.meta.resolve('@harita/worker'));

/**
 * The worker image's program as its own process, as it runs in production (`harita-worker work`,
 * or `harita-worker dispatch` for the dispatcher), with its JSON log kept.
 */
export class WorkerProcess {
  static async start(
    env: Record<string, string>,
    mode: 'work' | 'dispatch' = 'work',
  ): Promise<WorkerProcess> {
    const worker = new WorkerProcess(
      env['HEALTH_PORT'] ?? '9400',
      spawn(process.execPath, [MAIN, mode], {
        env: { PATH: process.env.PATH ?? '', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    );
    try {
      await worker.logged(mode === 'work' ? 'worker started' : 'dispatcher started', 30_000);
    } catch (error) {
      worker.signal('SIGKILL');
      throw error;
    }
    return worker;
  }

  readonly lines: string[] = [];
  stderr = '';
  readonly exited: Promise<number | null>;

  private constructor(
    /** Where its /healthz, /readyz and /metrics answer. */
    readonly healthPort: string,
    private readonly child: ChildProcess,
  ) {
    this.child.stdout?.on('data', (chunk: Buffer) =>
      this.lines.push(...chunk.toString().split('\n').filter(Boolean)),
    );
    this.child.stderr?.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.exited = once(this.child, 'exit').then(([code]) => code as number | null);
  }

  /** Log records as objects. */
  get records(): Record<string, unknown>[] {
    return this.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  async logged(message: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.records.some((r) => r.msg === message)) {
      if (this.child.exitCode !== null)
        throw new Error(`the worker exited (${String(this.child.exitCode)}): ${this.stderr}`);
      if (Date.now() > deadline)
        throw new Error(`no "${message}" in the worker's log within ${String(timeoutMs)} ms`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** The exit code once it has exited, else null. */
  get exitCode(): number | null {
    return this.child.exitCode;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  signal(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  /**
   * SIGTERM, and its exit awaited.
   * @throws when it has not exited within `timeoutMs` (it is then killed): a stop that hangs is a
   *   fault of the program, which bounds its own shutdown.
   */
  async stop(timeoutMs = 60_000): Promise<void> {
    if (this.child.exitCode !== null) return;
    this.child.kill('SIGTERM');
    const timedOut = Symbol('timed out');
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      this.exited,
      new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs, timedOut))),
    ]);
    clearTimeout(timer);
    if (outcome !== timedOut) return;
    this.child.kill('SIGKILL');
    throw new Error(
      `pid ${String(this.pid)} still running ${String(timeoutMs)} ms after SIGTERM; its log ends:\n${this.lines.slice(-10).join('\n')}`,
    );
  }
}

/** Runs a command to its end: its exit code and output. */
export async function runWorkerOnce(
  env: Record<string, string>,
): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [MAIN], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stderr };
}

/** The worker's environment for services started by a suite; `extra` sets or overrides the rest. */
export function workerEnvironment(
  services: {
    redis: StartedRedisContainer;
    store: StartedObjectStoreContainer;
    receiver: JobEventsReceiver;
  },
  serviceRoleKey: string,
  bucket: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  const { redis, store, receiver } = services;
  return {
    REDIS_HOST: redis.host,
    REDIS_PORT: String(redis.port),
    REDIS_PASSWORD: redis.password,
    SUPABASE_URL: receiver.url,
    SUPABASE_SERVICE_ROLE_KEY: serviceRoleKey,
    S3_ENDPOINT: store.endpoint.href,
    S3_BUCKET: bucket,
    S3_ACCESS_KEY_ID: store.accessKey,
    S3_SECRET_ACCESS_KEY: store.secretKey,
    ...extra,
  };
}
