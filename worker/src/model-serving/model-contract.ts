import { JobFailure } from '../job-failure.js';

/** A segmentation model as the worker drives it, read from its TF Serving metadata. */
export interface SegmentationModel {
  name: string;
  version: number | undefined;
  chipSize: number;
  bands: number;
  classCount: number;
  /** The signature predict calls use and what its one output holds. */
  signature: string;
  output: 'class_ids' | 'probabilities';
}

interface TensorInfoJson {
  dtype?: string;
  tensor_shape?: { dim?: { size?: string | number }[] };
}

interface SignatureJson {
  inputs?: Record<string, TensorInfoJson>;
  outputs?: Record<string, TensorInfoJson>;
}

const dims = (info: TensorInfoJson | undefined): number[] =>
  (info?.tensor_shape?.dim ?? []).map((d) => Number(d.size ?? -1));

const only = <T>(record: Record<string, T> | undefined): T | undefined => {
  const values = Object.values(record ?? {});
  return values.length === 1 ? values[0] : undefined;
};

function invalid(model: string, message: string): JobFailure {
  return new JobFailure('invalid_params', `model '${model}' ${message}`, true);
}

/**
 * The inference contract: `serving_default` takes [N, chip, chip, bands] float32 and answers
 * [N, chip, chip, classes] probabilities. A model may also offer a signature answering
 * [N, chip, chip] int32 class ids, which moves a quarter of the data; it is used unless the job
 * wants the probabilities too.
 */
export function segmentationModel(
  name: string,
  version: number | undefined,
  metadata: unknown,
  bands: number,
  wantProbabilities: boolean,
): SegmentationModel {
  const signatures =
    (
      metadata as {
        metadata?: { signature_def?: { signature_def?: Record<string, SignatureJson> } };
      }
    ).metadata?.signature_def?.signature_def ?? {};
  const serving = signatures['serving_default'];
  if (!serving) throw invalid(name, 'has no serving_default signature');
  const input = dims(only(serving.inputs));
  const probabilities = only(serving.outputs);
  const output = dims(probabilities);
  if (input.length !== 4 || only(serving.inputs)?.dtype !== 'DT_FLOAT') {
    throw invalid(name, 'must take one float32 input shaped [N, height, width, bands]');
  }
  if (output.length !== 4 || probabilities?.dtype !== 'DT_FLOAT') {
    throw invalid(name, 'must answer one float32 output shaped [N, height, width, classes]');
  }
  const [, height, width, modelBands] = input as [number, number, number, number];
  if (height !== width || height < 1)
    throw invalid(
      name,
      `takes ${String(height)} x ${String(width)} chips; square chips of a fixed size are needed`,
    );
  if (modelBands !== bands)
    throw invalid(name, `takes ${String(modelBands)} bands and the job gives ${String(bands)}`);
  const classCount = output[3]!;
  if (classCount < 1 || classCount > 255)
    throw invalid(name, `answers ${String(classCount)} classes; 1 to 255 are supported`);
  const classIds = Object.entries(signatures).find(([, s]) => {
    const out = only(s.outputs);
    const shape = dims(out);
    return (
      out?.dtype === 'DT_INT32' &&
      shape.length === 3 &&
      shape[1] === height &&
      shape[2] === width &&
      dims(only(s.inputs)).join() === input.join()
    );
  });
  const useClassIds = !wantProbabilities && classIds !== undefined;
  return {
    name,
    version,
    chipSize: height,
    bands,
    classCount,
    signature: useClassIds ? classIds[0] : 'serving_default',
    output: useClassIds ? 'class_ids' : 'probabilities',
  };
}
