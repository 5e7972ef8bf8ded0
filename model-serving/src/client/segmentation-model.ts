import { ModelContractError } from './errors.ts';
import type { ModelMetadata, Signature, TensorSpec } from './metadata.ts';

/** A segmentation model as inference drives it, read from its TF Serving metadata. */
export interface SegmentationModel {
  name: string;
  version: number | undefined;
  chipSize: number;
  bands: number;
  classCount: number;
  /** The signature predict calls use, as served, its one input and output keys, and what that output holds. */
  signature: string;
  served: Signature;
  inputKey: string;
  outputKey: string;
  output: 'class_ids' | 'probabilities';
}

/** The one entry of a signature's inputs or outputs, or undefined when there are more or none. */
const only = (record: Record<string, TensorSpec>): [string, TensorSpec] | undefined => {
  const entries = Object.entries(record);
  return entries.length === 1 ? entries[0] : undefined;
};

const invalid = (model: string, message: string, field: 'model' | 'bands' = 'model') =>
  new ModelContractError(field, `model '${model}' ${message}`);

/**
 * The inference contract: `serving_default` takes [N, chip, chip, bands] float32 and answers
 * [N, chip, chip, classes] probabilities. A model may also offer a signature answering
 * [N, chip, chip] int32 class ids, which moves a quarter of the data; it is used unless the job
 * wants the probabilities too.
 * The worker drives inference by it, and the API checks a submission against it.
 * @throws ModelContractError when the model breaks the contract (field `model`) or takes other
 *   bands than the job gives (field `bands`)
 */
export function segmentationModel(
  name: string,
  version: number | undefined,
  metadata: ModelMetadata,
  bands: number,
  wantProbabilities: boolean,
): SegmentationModel {
  const signatures = metadata.signatures;
  const serving = signatures['serving_default'];
  if (!serving) throw invalid(name, 'has no serving_default signature');
  const input = only(serving.inputs);
  const probabilities = only(serving.outputs);
  if (input?.[1].shape.length !== 4 || input[1].dtype !== 'DT_FLOAT') {
    throw invalid(name, 'must take one float32 input shaped [N, height, width, bands]');
  }
  if (probabilities?.[1].shape.length !== 4 || probabilities[1].dtype !== 'DT_FLOAT') {
    throw invalid(name, 'must answer one float32 output shaped [N, height, width, classes]');
  }
  const [, height, width, modelBands] = input[1].shape as [number, number, number, number];
  if (height !== width || height < 1)
    throw invalid(
      name,
      `takes ${String(height)} x ${String(width)} chips; square chips of a fixed size are needed`,
    );
  if (modelBands !== bands)
    throw invalid(
      name,
      `takes ${String(modelBands)} bands and the job gives ${String(bands)}`,
      'bands',
    );
  const classCount = probabilities[1].shape[3]!;
  if (classCount < 1 || classCount > 255)
    throw invalid(name, `answers ${String(classCount)} classes; 1 to 255 are supported`);
  const classIds = Object.entries(signatures).find(([, s]) => {
    const out = only(s.outputs)?.[1];
    return (
      out?.dtype === 'DT_INT32' &&
      out.shape.length === 3 &&
      out.shape[1] === height &&
      out.shape[2] === width &&
      only(s.inputs)?.[1].shape.join() === input[1].shape.join()
    );
  });
  const [signature, served] =
    !wantProbabilities && classIds !== undefined ? classIds : ['serving_default', serving];
  return {
    name,
    version,
    chipSize: height,
    bands,
    classCount,
    signature,
    served,
    inputKey: only(served.inputs)![0],
    outputKey: only(served.outputs)![0],
    output: signature === 'serving_default' ? 'probabilities' : 'class_ids',
  };
}
