import {
  Server,
  ServerCredentials,
  status as Status,
  type sendUnaryData,
  type ServerUnaryCall,
} from '@grpc/grpc-js';
import { servingProtos } from '../wire/protos.ts';
import {
  fromTensorProto,
  TensorProtoError,
  toTensorProto,
  type TensorProtoObject,
} from '../wire/tensor-proto.ts';
import type { ServingMetrics } from './metrics.js';
import type { ModelStore } from './model-store.js';
import { namedSignature } from './predict.js';
import type { ModelRunner } from './runner.js';
import { ServingError, invalidArgument } from './serving-error.js';
import type { JsonTensor } from './tensor-json.js';

/** A ModelSpec as protobufjs decodes it: the version is an Int64Value whose value may be a Long. */
interface DecodedSpec {
  name?: string;
  version?: { value?: number | { toString(): string } } | null;
  signatureName?: string;
}

const SIGNATURE_DEF_MAP_URL = 'type.googleapis.com/tensorflow.serving.SignatureDefMap';

function versionOf(spec: DecodedSpec | null | undefined): number | undefined {
  const value = spec?.version?.value;
  return value === undefined ? undefined : Number(String(value));
}

function modelName(spec: DecodedSpec | null | undefined): string {
  if (!spec?.name) throw invalidArgument('Missing ModelSpec');
  return spec.name;
}

export interface GrpcApiOptions {
  store: ModelStore;
  runner: ModelRunner;
  metrics: ServingMetrics;
  /** The largest message received or sent, in bytes. */
  maxMessageBytes: number;
}

/**
 * TF Serving's gRPC API: PredictionService.Predict and GetModelMetadata, ModelService.GetModelStatus,
 * with its status codes and messages. Tensors are read from tensor_content or the typed value
 * lists and answered as little-endian tensor_content, as TF Serving answers them.
 */
export function grpcApi({ store, runner, metrics, maxMessageBytes }: GrpcApiOptions): Server {
  const protos = servingProtos();
  const unary =
    <T>(api: string, answer: (request: T) => object | Promise<object>) =>
    (call: ServerUnaryCall<T, object>, callback: sendUnaryData<object>): void => {
      const started = performance.now();
      const model = (call.request as { modelSpec?: DecodedSpec }).modelSpec?.name ?? '';
      const record = (status: string) => {
        metrics.requests.inc({ model_name: model, status, entrypoint: 'GRPC', API: api });
        metrics.latency.observe(
          { model_name: model, API: api, entrypoint: 'GRPC' },
          (performance.now() - started) * 1000,
        );
      };
      Promise.resolve()
        .then(() => answer(call.request))
        .then(
          (response) => {
            record('OK');
            callback(null, response);
          },
          (error: unknown) => {
            const failure =
              error instanceof ServingError
                ? error
                : error instanceof TensorProtoError
                  ? invalidArgument(error.message)
                  : new ServingError('INTERNAL', (error as Error).message);
            record(failure.code);
            callback({ code: Status[failure.code], details: failure.message });
          },
        );
    };

  const predict = async (request: {
    modelSpec?: DecodedSpec;
    inputs?: Record<string, TensorProtoObject>;
    outputFilter?: string[];
  }): Promise<object> => {
    const servable = store.servable(modelName(request.modelSpec), versionOf(request.modelSpec));
    const signatureName = request.modelSpec?.signatureName || 'serving_default';
    const signature = namedSignature(servable, signatureName);
    const inputs = new Map<string, JsonTensor>(
      Object.entries(request.inputs ?? {}).map(([key, proto]) => {
        const { shape, values } = fromTensorProto(proto, key);
        return [key, { shape, values }];
      }),
    );
    const ran = performance.now();
    const filter = request.outputFilter ?? [];
    for (const key of filter) {
      if (!(key in signature.outputs))
        throw invalidArgument(`output_filter names no output of the signature: ${key}`);
    }
    const batch = [...inputs.values()][0]?.shape[0] ?? 1;
    const outputs = (await runner.run(servable, signatureName, inputs)).filter(
      (o) => filter.length === 0 || filter.includes(o.key),
    );
    metrics.runtimeLatency.observe(
      { model_name: servable.name, API: 'predict', runtime: 'TF.js' },
      (performance.now() - ran) * 1000,
    );
    metrics.batchSize.observe({ model_name: servable.name, API: 'predict' }, batch);
    return {
      modelSpec: { name: servable.name, version: { value: servable.version }, signatureName },
      outputs: Object.fromEntries(
        outputs.map((o) => [
          o.key,
          toTensorProto(
            o.values instanceof Int32Array
              ? { dtype: 'int32', shape: o.shape, values: o.values }
              : { dtype: 'float32', shape: o.shape, values: o.values },
          ),
        ]),
      ),
    };
  };

  const metadata = (request: { modelSpec?: DecodedSpec; metadataField?: string[] }): object => {
    const servable = store.servable(modelName(request.modelSpec), versionOf(request.modelSpec));
    const fields = request.metadataField ?? [];
    if (fields.length === 0)
      throw invalidArgument('GetModelMetadataRequest must specify at least one metadata_field');
    const unknown = fields.find((f) => f !== 'signature_def');
    if (unknown !== undefined) throw invalidArgument(`Metadata field ${unknown} is not supported`);
    const map = protos.SignatureDefMap;
    return {
      modelSpec: { name: servable.name, version: { value: servable.version } },
      metadata: {
        signature_def: {
          type_url: SIGNATURE_DEF_MAP_URL,
          value: map.encode(map.fromObject({ signatureDef: servable.signatures })).finish(),
        },
      },
    };
  };

  const status = (request: { modelSpec?: DecodedSpec }): object => ({
    modelVersionStatus: store
      .status(modelName(request.modelSpec), versionOf(request.modelSpec))
      .map((row) => ({
        version: row.version,
        state: row.state,
        status: row.error ? { errorCode: 'UNKNOWN', errorMessage: row.error } : { errorCode: 'OK' },
      })),
  });

  const server = new Server({
    'grpc.max_receive_message_length': maxMessageBytes,
    'grpc.max_send_message_length': maxMessageBytes,
  });
  server.addService(protos.PredictionService, {
    Predict: unary('predict', predict),
    GetModelMetadata: unary('GetModelMetadata', metadata),
  });
  server.addService(protos.ModelService, {
    GetModelStatus: unary('GetModelStatus', status),
  });
  return server;
}

/**
 * Binds the gRPC server on every interface at `port`.
 * @throws Error when the port cannot be bound
 */
export function listenGrpc(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.bindAsync(
      `0.0.0.0:${String(port)}`,
      ServerCredentials.createInsecure(),
      (error, bound) => {
        if (error) reject(error);
        else resolve(bound);
      },
    );
  });
}
