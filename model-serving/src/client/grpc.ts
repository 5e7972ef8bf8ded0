import {
  Client,
  credentials,
  Metadata,
  status as Status,
  type MethodDefinition,
  type ServiceError,
} from '@grpc/grpc-js';
import { OBJECT_FORM, servingProtos } from '../wire/protos.ts';
import {
  fromTensorProto,
  TensorProtoError,
  toTensorProto,
  type TensorProtoObject,
} from '../wire/tensor-proto.ts';
import type { Tensor } from '../wire/tensor.ts';
import { ModelServingError } from './errors.ts';
import {
  signaturesFrom,
  type ModelMetadata,
  type ModelVersionState,
  type SignatureDefLike,
} from './metadata.ts';
import type { ClientOptions, ModelServing, PredictCall } from './model-serving.ts';
import { TransientFailure, withRetries } from './retry.ts';

export interface GrpcOptions extends ClientOptions {
  /** TF Serving's gRPC address, host:port (its port is 8500). */
  address: string;
  /** The largest message sent or received in bytes (default 256 MiB): a batch of chips is large. */
  maxMessageBytes?: number;
}

/** Codes worth another try: the server is down, restarting, overloaded or slow. */
const TRANSIENT = new Set<number>([
  Status.UNAVAILABLE,
  Status.RESOURCE_EXHAUSTED,
  Status.DEADLINE_EXCEEDED,
]);

const modelSpec = (model: string, version: number | undefined, signatureName?: string) => ({
  name: model,
  ...(version === undefined ? {} : { version: { value: version } }),
  ...(signatureName === undefined ? {} : { signatureName }),
});

interface DecodedPredictResponse {
  outputs: Record<string, TensorProtoObject>;
}

/**
 * TF Serving's gRPC API: PredictionService (Predict, GetModelMetadata) and ModelService
 * (GetModelStatus), tensors as little-endian tensor_content. One HTTP/2 channel for both.
 */
export class GrpcModelServing implements ModelServing {
  readonly protocol = 'grpc';
  private readonly client: Client;

  constructor(private readonly options: GrpcOptions) {
    const limit = options.maxMessageBytes ?? 256 * 1024 * 1024;
    this.client = new Client(options.address, credentials.createInsecure(), {
      'grpc.max_receive_message_length': limit,
      'grpc.max_send_message_length': limit,
    });
  }

  async status(
    model: string,
    version: number | undefined,
    signal: AbortSignal,
  ): Promise<ModelVersionState[]> {
    const protos = servingProtos();
    const answer = await this.unary(
      model,
      protos.ModelService['GetModelStatus']!,
      { modelSpec: modelSpec(model, version) },
      signal,
    );
    const object = protos.GetModelStatusResponse.toObject(answer as never, {
      ...OBJECT_FORM,
      defaults: true,
    }) as {
      modelVersionStatus: {
        version: number;
        state: string;
        status?: { errorCode: string; errorMessage: string };
      }[];
    };
    return object.modelVersionStatus.map((row) => ({
      version: row.version,
      state: row.state,
      error: { code: row.status?.errorCode ?? 'OK', message: row.status?.errorMessage ?? '' },
    }));
  }

  async metadata(
    model: string,
    version: number | undefined,
    signal: AbortSignal,
  ): Promise<ModelMetadata> {
    const protos = servingProtos();
    const answer = await this.unary(
      model,
      protos.PredictionService['GetModelMetadata']!,
      { modelSpec: modelSpec(model, version), metadataField: ['signature_def'] },
      signal,
    );
    const object = protos.GetModelMetadataResponse.toObject(answer as never, { longs: Number }) as {
      modelSpec?: { name?: string; version?: { value?: number } };
      metadata?: Record<string, { value?: Uint8Array }>;
    };
    const packed = object.metadata?.['signature_def']?.value;
    if (!packed)
      throw new ModelServingError(
        'bad_answer',
        `the metadata of model '${model}' has no signature_def`,
      );
    const map = protos.SignatureDefMap.toObject(
      protos.SignatureDefMap.decode(packed),
      OBJECT_FORM,
    ) as {
      signatureDef?: Record<string, SignatureDefLike>;
    };
    return {
      name: object.modelSpec?.name ?? model,
      version: object.modelSpec?.version?.value ?? 0,
      signatures: signaturesFrom(map.signatureDef ?? {}),
    };
  }

  async predict(call: PredictCall, signal: AbortSignal): Promise<Record<string, Tensor>> {
    const request = {
      modelSpec: modelSpec(call.model, call.version, call.signatureName),
      inputs: Object.fromEntries(
        Object.entries(call.inputs).map(([k, t]) => [k, toTensorProto(t)]),
      ),
    };
    const answer = (await this.unary(
      call.model,
      servingProtos().PredictionService['Predict']!,
      request,
      signal,
    )) as DecodedPredictResponse;
    try {
      return Object.fromEntries(
        Object.entries(answer.outputs).map(([k, p]) => [k, fromTensorProto(p, k)]),
      );
    } catch (error) {
      if (error instanceof TensorProtoError)
        throw new ModelServingError('bad_answer', error.message);
      throw error;
    }
  }

  close(): void {
    this.client.close();
  }

  /**
   * One unary call with a deadline, retried on UNAVAILABLE, RESOURCE_EXHAUSTED and
   * DEADLINE_EXCEEDED.
   * @throws ModelServingError `not_found` on NOT_FOUND, `refused` on other codes, `unavailable` once tries run out
   */
  private unary(
    model: string,
    method: MethodDefinition<object, object>,
    request: object,
    signal: AbortSignal,
  ): Promise<object> {
    const { timeoutMs, observe } = this.options;
    return withRetries(`for model '${model}'`, this.options, signal, () => {
      const started = performance.now();
      const seconds = () => (performance.now() - started) / 1000;
      return new Promise<object>((resolve, reject) => {
        const call = this.client.makeUnaryRequest(
          method.path,
          method.requestSerialize,
          method.responseDeserialize,
          request,
          new Metadata(),
          { deadline: Date.now() + timeoutMs },
          (error: ServiceError | null, answer?: object) => {
            signal.removeEventListener('abort', cancel);
            if (!error) {
              observe?.(model, 'ok', seconds());
              resolve(answer ?? {});
            } else if (signal.aborted) {
              reject(signal.reason as Error);
            } else if (TRANSIENT.has(error.code)) {
              observe?.(model, 'unavailable', seconds());
              reject(new TransientFailure(`${Status[error.code]}: ${error.details}`));
            } else {
              observe?.(model, 'rejected', seconds());
              reject(
                error.code === Status.NOT_FOUND
                  ? new ModelServingError(
                      'not_found',
                      `model serving has no model '${model}' (or not that version): ${error.details}`,
                    )
                  : new ModelServingError(
                      'refused',
                      `model '${model}' refused the request (${Status[error.code]}): ${error.details}`,
                    ),
              );
            }
          },
        );
        const cancel = () => {
          call.cancel();
        };
        signal.addEventListener('abort', cancel, { once: true });
      });
    });
  }
}
