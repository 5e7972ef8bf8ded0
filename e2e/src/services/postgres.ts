import {
  AbstractStartedContainer,
  GenericContainer,
  type StartedTestContainer,
  Wait,
} from 'testcontainers';
import pg from 'pg';
import { imageFor } from '../images.js';
import { e2eLabels } from '../labels.js';

const PORT = 5432;

/** PostgreSQL with PostGIS from POSTGRES_IMAGE; SQL files run at first start, in name order. */
export class PostgresContainer extends GenericContainer {
  private user = 'harita';
  private password = 'harita-postgres-password';
  private database = 'harita';

  constructor(image = imageFor('POSTGRES_IMAGE')) {
    super(image);
    this.withExposedPorts(PORT)
      .withLabels(e2eLabels())
      // The server is up twice: once listening on its socket only while init scripts run, then for real.
      .withWaitStrategy(Wait.forLogMessage(/database system is ready to accept connections/, 2));
  }

  withCredentials(user: string, password: string, database: string): this {
    this.user = user;
    this.password = password;
    this.database = database;
    return this;
  }

  /** A fixed host port, kept across a stop and start (a mapped port would change). */
  withHostPort(port: number): this {
    return this.withExposedPorts({ container: PORT, host: port });
  }

  /** An SQL file run against the database at first start (/docker-entrypoint-initdb.d). */
  withInitSql(name: string, sql: string): this {
    return this.withCopyContentToContainer([
      { content: sql, target: `/docker-entrypoint-initdb.d/${name}`, mode: 0o644 },
    ]);
  }

  override async start(): Promise<StartedPostgresContainer> {
    this.withEnvironment({
      POSTGRES_USER: this.user,
      POSTGRES_PASSWORD: this.password,
      POSTGRES_DB: this.database,
    });
    return new StartedPostgresContainer(
      await super.start(),
      this.user,
      this.password,
      this.database,
    );
  }
}

export class StartedPostgresContainer extends AbstractStartedContainer {
  constructor(
    container: StartedTestContainer,
    readonly user: string,
    readonly password: string,
    readonly database: string,
  ) {
    super(container);
  }

  clientConfig(overrides: pg.ClientConfig = {}): pg.ClientConfig {
    return {
      host: this.getHost(),
      port: this.getMappedPort(PORT),
      user: this.user,
      password: this.password,
      database: this.database,
      ...overrides,
    };
  }

  async connect(overrides: pg.ClientConfig = {}): Promise<pg.Client> {
    const client = new pg.Client(this.clientConfig(overrides));
    await client.connect();
    return client;
  }
}
