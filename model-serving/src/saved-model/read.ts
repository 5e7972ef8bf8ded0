import { JSON_FORM, SavedModelType, type SignatureDef } from './schema.js';

interface SavedModelJson {
  metaGraphs?: {
    metaInfoDef?: { tags?: string[] };
    signatureDef?: Record<string, SignatureDef>;
  }[];
}

export type { SignatureDef, TensorInfo } from './schema.js';

export class SavedModelError extends Error {
  override name = 'SavedModelError';
}

/** The signatures of a saved_model.pb's meta graph tagged "serve", as TF Serving serves them. */
export function readSavedModelSignatures(bytes: Uint8Array): Record<string, SignatureDef> {
  let decoded: SavedModelJson;
  try {
    decoded = SavedModelType.toObject(SavedModelType.decode(bytes), JSON_FORM);
  } catch (error) {
    throw new SavedModelError(`not a SavedModel protobuf: ${(error as Error).message}`);
  }
  const serving = decoded.metaGraphs?.find((g) => g.metaInfoDef?.tags?.includes('serve'));
  if (!serving) throw new SavedModelError('the SavedModel has no meta graph tagged "serve"');
  const signatures = serving.signatureDef ?? {};
  if (Object.keys(signatures).length === 0) {
    throw new SavedModelError('the SavedModel\'s "serve" meta graph has no signatures');
  }
  return signatures;
}
