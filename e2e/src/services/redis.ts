import {
  AbstractStartedContainer,
  GenericContainer,
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
    this.withExposedPorts(PORT)
      .withLabels(e2eLabels())
      .withWaitStrategy(Wait.forLogMessage(/Ready to accept connections/));
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
    this.withCommand(['redis-server', '--requirepass', this.password, '--appendonly', 'yes']);
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
}
