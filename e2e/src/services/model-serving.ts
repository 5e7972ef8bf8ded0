import { AbstractStartedContainer, GenericContainer, Wait } from 'testcontainers';
import { e2eLabels } from '../labels.js';

const REST_PORT = 8501;
const GRPC_PORT = 8500;

/**
 * Model serving with the demo model: TF Serving or the TF.js server, whichever
 * scripts/build-model-serving-image.sh built (MODEL_SERVING_IMAGE names another). Both answer the
 * same gRPC API on 8500 and REST API on 8501, so a suite runs unchanged against either.
 */
export class ModelServingContainer extends GenericContainer {
  constructor(image = process.env.MODEL_SERVING_IMAGE ?? 'harita/model-serving:dev') {
    super(image);
    this.withExposedPorts(REST_PORT, GRPC_PORT)
      .withLabels(e2eLabels())
      .withWaitStrategy(
        Wait.forHttp('/v1/models/landcover', REST_PORT).forResponsePredicate((body) =>
          body.includes('AVAILABLE'),
        ),
      )
      .withStartupTimeout(90_000);
  }

  override async start(): Promise<StartedModelServingContainer> {
    return new StartedModelServingContainer(await super.start());
  }
}

export class StartedModelServingContainer extends AbstractStartedContainer {
  /** The REST root, e.g. http://127.0.0.1:32768. */
  get url(): string {
    return `http://${this.getHost()}:${String(this.getMappedPort(REST_PORT))}`;
  }

  /** The gRPC address, e.g. 127.0.0.1:32769. */
  get grpcAddress(): string {
    return `${this.getHost()}:${String(this.getMappedPort(GRPC_PORT))}`;
  }

  /**
   * The worker's model-serving variables for this server: the protocol is the run's
   * MODEL_SERVING_PROTOCOL (gRPC unless it says rest), so a suite runs over either.
   */
  workerEnv(): Record<string, string> {
    return {
      MODEL_SERVING_URL: this.url,
      MODEL_SERVING_PROTOCOL: process.env.MODEL_SERVING_PROTOCOL === 'rest' ? 'rest' : 'grpc',
      MODEL_SERVING_GRPC_PORT: String(this.getMappedPort(GRPC_PORT)),
    };
  }

  /** A file of the served model, read through the container (base64, so bytes survive). */
  async readFile(path: string): Promise<Buffer> {
    const result = await this.exec(['base64', '-w0', path]);
    if (result.exitCode !== 0) throw new Error(`cannot read ${path}: ${result.output}`);
    return Buffer.from(result.output.trim(), 'base64');
  }
}
