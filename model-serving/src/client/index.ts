import { GrpcModelServing } from './grpc.ts';
import type { ClientOptions, ModelServing } from './model-serving.ts';
import { RestModelServing } from './rest.ts';

export * from './rest.ts';
export { GrpcModelServing, type GrpcOptions } from './grpc.ts';
export {
  signaturesFrom,
  metadataFromRest,
  type SignatureDefLike,
  type TensorInfoLike,
} from './metadata.ts';
export { dtypeOf, elementCount, type TensorDtype } from '../wire/tensor.ts';
export { fromTensorProto, toTensorProto, type TensorProtoObject } from '../wire/tensor-proto.ts';
export { servingProtos, OBJECT_FORM, type ServingProtos } from '../wire/protos.ts';

/** Where model serving answers, and which of its APIs to speak. */
export interface ServingAddress {
  protocol: 'grpc' | 'rest';
  /** TF Serving's REST root, e.g. http://model-serving:8501. */
  restUrl: string;
  /** TF Serving's gRPC port on the REST root's host (8500). */
  grpcPort: number;
}

/**
 * A client of model serving over gRPC (the REST root's host at `grpcPort`) or REST, as
 * MODEL_SERVING_PROTOCOL chooses.
 */
export function createModelServing(address: ServingAddress, options: ClientOptions): ModelServing {
  if (address.protocol === 'rest')
    return new RestModelServing({ ...options, baseUrl: address.restUrl });
  const host = new URL(address.restUrl).hostname;
  const bracketed = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return new GrpcModelServing({ ...options, address: `${bracketed}:${String(address.grpcPort)}` });
}
