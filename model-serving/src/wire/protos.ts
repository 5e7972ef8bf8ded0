import { fileURLToPath } from 'node:url';
import type { MethodDefinition } from '@grpc/grpc-js';
import protobuf from 'protobufjs';

// TF Serving's gRPC API from the kit's own .proto files (model-serving/protos), for the client
// and the server alike: the message types and grpc-js service definitions with protobufjs as the
// codec. Node only; loaded once, on first use.

const PROTO_DIR = fileURLToPath(new URL('../../protos/', import.meta.url));

const FILES = [
  'tensorflow_serving/apis/prediction_service.proto',
  'tensorflow_serving/apis/model_service.proto',
];

/** A service's methods as grpc-js defines them, by method name. */
export type ServiceMethods = Record<string, MethodDefinition<object, object>>;

export interface ServingProtos {
  root: protobuf.Root;
  PredictRequest: protobuf.Type;
  PredictResponse: protobuf.Type;
  GetModelMetadataRequest: protobuf.Type;
  GetModelMetadataResponse: protobuf.Type;
  SignatureDefMap: protobuf.Type;
  GetModelStatusRequest: protobuf.Type;
  GetModelStatusResponse: protobuf.Type;
  PredictionService: ServiceMethods;
  ModelService: ServiceMethods;
}

/** How messages are turned into plain objects: enums by name, int64 as numbers. */
export const OBJECT_FORM: protobuf.IConversionOptions = { enums: String, longs: Number };

/** A Buffer over the encoded bytes without copying them (a batch of chips is megabytes). */
const asBuffer = (bytes: Uint8Array): Buffer =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/** grpc-js's definition of a protobufjs service: paths and protobufjs (de)serializers. */
function serviceDefinition(root: protobuf.Root, name: string): ServiceMethods {
  const service = root.lookupService(name);
  const definition: ServiceMethods = {};
  for (const method of service.methodsArray) {
    method.resolve();
    const request = method.resolvedRequestType!;
    const response = method.resolvedResponseType!;
    definition[method.name] = {
      path: `/${name}/${method.name}`,
      requestStream: false,
      responseStream: false,
      requestSerialize: (message: object) =>
        asBuffer(request.encode(request.fromObject(message)).finish()),
      requestDeserialize: (bytes: Buffer) => request.decode(bytes),
      responseSerialize: (message: object) =>
        asBuffer(response.encode(response.fromObject(message)).finish()),
      responseDeserialize: (bytes: Buffer) => response.decode(bytes),
      originalName: method.name,
    };
  }
  return definition;
}

let loaded: ServingProtos | undefined;

/** The protos, parsed on first call. */
export function servingProtos(): ServingProtos {
  if (loaded) return loaded;
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) =>
    target.startsWith('google/protobuf/') ? target : `${PROTO_DIR}${target}`;
  root.loadSync(FILES);
  root.resolveAll();
  const type = (name: string) => root.lookupType(`tensorflow.serving.${name}`);
  loaded = {
    root,
    PredictRequest: type('PredictRequest'),
    PredictResponse: type('PredictResponse'),
    GetModelMetadataRequest: type('GetModelMetadataRequest'),
    GetModelMetadataResponse: type('GetModelMetadataResponse'),
    SignatureDefMap: type('SignatureDefMap'),
    GetModelStatusRequest: type('GetModelStatusRequest'),
    GetModelStatusResponse: type('GetModelStatusResponse'),
    PredictionService: serviceDefinition(root, 'tensorflow.serving.PredictionService'),
    ModelService: serviceDefinition(root, 'tensorflow.serving.ModelService'),
  };
  return loaded;
}
