import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  AbstractStartedContainer,
  GenericContainer,
  type RestartOptions,
  type StartedTestContainer,
  Wait,
} from 'testcontainers';
import { Redis, type RedisOptions } from 'ioredis';
import { imageFor } from '../images.js';
import { e2eLabels } from '../labels.js';

const PORT = 6379;

/** Redis from REDIS_IMAGE, with a password and append-only persistence as the stack runs it. */
export class RedisContainer extends GenericContainer {
  private password = 'harita-redis-password';

  constructor(image = imageFor('REDIS_IMAGE')) {
    super(image);
    this.withExposedPorts(PORT).withLabels(e2eLabels());
  }

  /** A fixed host port, kept across restarts (a mapped port would change with each start). */
  withHostPort(port: number): this {
    return this.withExposedPorts({ container: PORT, host: port });
  }

  withPassword(password: string): this {
    this.password = password;
    return this;
  }

  override async start(): Promise<StartedRedisContainer> {
    this.withCommand(['redis-server', '--requirepass', this.password, '--appendonly', 'yes'])
      // Ready is what a client sees: PONG, once the append-only file is loaded (LOADING before).
      // A log line is not: after a restart, a wait for one missed it on a fresh engine.
      .withWaitStrategy(
        Wait.forSuccessfulCommand(
          `redis-cli --no-auth-warning -a '${this.password}' ping | grep -qx PONG`,
        ),
      );
    return new StartedRedisContainer(await super.start(), this.password);
  }
}

export class StartedRedisContainer extends AbstractStartedContainer {
  constructor(
    container: StartedTestContainer,
    readonly password: string,
  ) {
    super(container);
  }

  get host(): string {
    return this.getHost();
  }

  get port(): number {
    return this.getMappedPort(PORT);
  }

  /** Options for a new ioredis connection; BullMQ workers need `maxRetriesPerRequest: null`. */
  connectionOptions(extra: RedisOptions = {}): RedisOptions {
    return { host: this.host, port: this.port, password: this.password, ...extra };
  }

  connect(extra: RedisOptions = {}): Redis {
    return new Redis(this.connectionOptions(extra));
  }

  /**
   * Restarts Redis and waits until it answers PING again, its data loaded.
   * @throws when it does not answer in time, with the last lines of its log
   */
  override async restart(options?: Partial<RestartOptions>): Promise<void> {
    try {
      await super.restart(options);
    } catch (error) {
      const { stdout, stderr } = await promisify(execFile)('docker', [
        'logs',
        '--tail',
        '20',
        this.getId(),
      ]).catch((failure: unknown) => ({ stdout: '', stderr: String(failure) }));
      throw new Error(
        `Redis did not come back: ${String(error)}; its log ends:\n${stdout}${stderr}`,
        {
          cause: error,
        },
      );
    }
  }
}
