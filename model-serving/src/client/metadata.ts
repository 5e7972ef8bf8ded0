import { ModelServingError } from './errors.ts';

// TF Serving's model metadata (GetModelMetadata's SignatureDefMap, REST's /metadata) and model
// status, typed once for every reader.

/** One tensor of a signature: the graph tensor, its DataType name and its dims (-1: any). */
export interface TensorSpec {
  name: string;
  dtype: string;
  shape: number[];
}

/** A callable function of the model: its tensors by key. */
export interface Signature {
  inputs: Record<string, TensorSpec>;
  outputs: Record<string, TensorSpec>;
  methodName: string;
}

/** What a model version serves. */
export interface ModelMetadata {
  name: string;
  version: number;
  signatures: Record<string, Signature>;
}

/** One version's state as GetModelStatus reports it (AVAILABLE, LOADING, END, ...). */
export interface ModelVersionState {
  version: number;
  state: string;
  error: { code: string; message: string };
}

type Dims = { dim?: { size?: unknown }[] | null } | null | undefined;

/** A TensorInfo in either spelling: protobuf's camelCase objects or REST's snake_case JSON. */
export interface TensorInfoLike {
  name?: string;
  dtype?: string;
  tensorShape?: Dims;
  tensor_shape?: Dims;
}

/** A SignatureDef in either spelling. */
export interface SignatureDefLike {
  inputs?: Record<string, TensorInfoLike> | null;
  outputs?: Record<string, TensorInfoLike> | null;
  methodName?: string;
  method_name?: string;
}

function tensorSpec(info: TensorInfoLike): TensorSpec {
  const shape = info.tensorShape ?? info.tensor_shape;
  return {
    name: info.name ?? '',
    dtype: info.dtype ?? 'DT_INVALID',
    shape: (shape?.dim ?? []).map((d) => Number(d.size ?? -1)),
  };
}

const specs = (tensors: Record<string, TensorInfoLike> | null | undefined) =>
  Object.fromEntries(Object.entries(tensors ?? {}).map(([k, v]) => [k, tensorSpec(v)]));

/**
 * Typed signatures from SignatureDefs as a SavedModel, gRPC's SignatureDefMap or REST's JSON
 * hold them. TF Serving's internal `__saved_model_init_op` entries are left out.
 */
export function signaturesFrom(defs: Record<string, SignatureDefLike>): Record<string, Signature> {
  return Object.fromEntries(
    Object.entries(defs)
      .filter(([name]) => !name.startsWith('__'))
      .map(([name, def]) => [
        name,
        {
          inputs: specs(def.inputs),
          outputs: specs(def.outputs),
          methodName: def.methodName ?? def.method_name ?? '',
        },
      ]),
  );
}

/**
 * The metadata of REST's `GET /v1/models/{m}[/versions/{v}]/metadata` answer.
 * @throws ModelServingError `bad_answer` when the answer has no signature_def map
 */
export function metadataFromRest(json: unknown): ModelMetadata {
  const answer = json as {
    model_spec?: { name?: string; version?: string | number };
    metadata?: { signature_def?: { signature_def?: Record<string, SignatureDefLike> } };
  };
  const defs = answer.metadata?.signature_def?.signature_def;
  if (!defs) throw new ModelServingError('bad_answer', 'the model metadata has no signature_def');
  return {
    name: answer.model_spec?.name ?? '',
    version: Number(answer.model_spec?.version ?? 0),
    signatures: signaturesFrom(defs),
  };
}
