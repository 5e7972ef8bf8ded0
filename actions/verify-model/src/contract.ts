import type { SignatureDef } from '@harita/model-serving/saved-model';

interface TensorInfoJson {
  name: string;
  dtype: string;
  tensor_shape: { dim: { size: string }[] };
}

/** A SavedModel's signatures as TF Serving's metadata prints them (what the worker reads). */
export function asServingMetadata(signatures: Record<string, SignatureDef>): unknown {
  const tensors = (map: SignatureDef['inputs']) =>
    Object.fromEntries(
      Object.entries(map).map(([key, info]) => [
        key,
        {
          name: info.name,
          dtype: info.dtype,
          tensor_shape: {
            dim: (info.tensorShape.dim ?? []).map((d) => ({ size: String(d.size) })),
          },
        },
      ]),
    );
  return {
    metadata: {
      signature_def: {
        signature_def: Object.fromEntries(
          Object.entries(signatures).map(([name, s]) => [
            name,
            { inputs: tensors(s.inputs), outputs: tensors(s.outputs), method_name: s.methodName },
          ]),
        ),
      },
    },
  };
}

/** name:dtype:dims of every tensor of every signature, to compare the served model with the file. */
export function signatureDigest(metadata: unknown): string[] {
  const signatures =
    (
      metadata as {
        metadata?: {
          signature_def?: {
            signature_def?: Record<
              string,
              { inputs: Record<string, TensorInfoJson>; outputs: Record<string, TensorInfoJson> }
            >;
          };
        };
      }
    ).metadata?.signature_def?.signature_def ?? {};
  const rows: string[] = [];
  for (const [name, signature] of Object.entries(signatures)) {
    if (name.startsWith('__')) continue;
    for (const side of ['inputs', 'outputs'] as const) {
      for (const [key, info] of Object.entries(signature[side])) {
        rows.push(
          `${name}.${side}.${key}:${info.name}:${info.dtype}:[${info.tensor_shape.dim.map((d) => d.size).join(',')}]`,
        );
      }
    }
  }
  return rows.sort();
}
