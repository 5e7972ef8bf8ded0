import {
  AbstractStartedContainer,
  GenericContainer,
  type StartedTestContainer,
  Wait,
} from 'testcontainers';
import { Client, type ClientOptions } from 'minio';
import { imageFor } from '../images.js';
import { e2eLabels } from '../labels.js';

const PORT = 9000;

/**
 * The S3 object store from OBJECT_STORE_IMAGE: MinIO by default, the offline set's Ceph RADOS
 * Gateway here. Both take the same port, keys and command.
 */
export class ObjectStoreContainer extends GenericContainer {
  private accessKey = 'harita-access-key';
  private secretKey = 'harita-secret-key';

  constructor(image = imageFor('OBJECT_STORE_IMAGE')) {
    super(image);
    this.withExposedPorts(PORT)
      .withLabels(e2eLabels())
      .withCommand(['server', '/data'])
      // Anonymous "list buckets": MinIO answers 403, RGW 200; either means S3 is being served.
      .withWaitStrategy(
        Wait.forHttp('/', PORT).forStatusCodeMatching((status) => status === 200 || status === 403),
      )
      .withStartupTimeout(60_000);
  }

  withKeys(accessKey: string, secretKey: string): this {
    this.accessKey = accessKey;
    this.secretKey = secretKey;
    return this;
  }

  override async start(): Promise<StartedObjectStoreContainer> {
    this.withEnvironment({ MINIO_ROOT_USER: this.accessKey, MINIO_ROOT_PASSWORD: this.secretKey });
    return new StartedObjectStoreContainer(await super.start(), this.accessKey, this.secretKey);
  }
}

export class StartedObjectStoreContainer extends AbstractStartedContainer {
  constructor(
    container: StartedTestContainer,
    readonly accessKey: string,
    readonly secretKey: string,
  ) {
    super(container);
  }

  get endpoint(): URL {
    return new URL(`http://${this.getHost()}:${this.getMappedPort(PORT)}`);
  }

  /** A minio client; override `secretKey` to act as a client with the wrong one. */
  client(overrides: Partial<ClientOptions> = {}): Client {
    return new Client({
      endPoint: this.endpoint.hostname,
      port: Number(this.endpoint.port),
      useSSL: false,
      accessKey: this.accessKey,
      secretKey: this.secretKey,
      region: 'us-east-1',
      pathStyle: true,
      ...overrides,
    });
  }
}
