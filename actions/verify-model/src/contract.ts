import type { ModelMetadata } from '@harita/model-serving/client/rest';

/** name:dtype:dims of every tensor of every signature, to compare the served model with the file. */
export function signatureDigest(metadata: ModelMetadata): string[] {
  const rows: string[] = [];
  for (const [name, signature] of Object.entries(metadata.signatures)) {
    for (const side of ['inputs', 'outputs'] as const) {
      for (const [key, info] of Object.entries(signature[side])) {
        rows.push(`${name}.${side}.${key}:${info.name}:${info.dtype}:[${info.shape.join(',')}]`);
      }
    }
  }
  return rows.sort();
}
