import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeDemoScene } from '@harita/demo/scene';
import { CLASS_NODATA, predictChipsToCog, RasterReader } from '@harita/raster';
import {
  RestModelServing,
  segmentationModel,
  signaturesFrom,
} from '@harita/model-serving/client/rest';
import { readSavedModelSignatures } from '@harita/model-serving/saved-model';
import { chipPredictor } from '@harita/worker/model-serving';
import { signatureDigest } from './contract.js';
import type { Inputs } from './inputs.js';

export interface Verdict {
  chipSize: number;
  bands: number;
  classCount: number;
  signature: string;
  histogram: Record<string, number>;
  output: string;
}

/**
 * The model repository's gate: its SavedModel meets the platform's inference contract (the very
 * check the worker makes), TF Serving serves exactly its signatures, and the worker's inference
 * pipeline runs with it on a sample raster to a complete map of valid class ids.
 */
export async function verifyModel(
  inputs: Inputs,
  workDir: string,
  log: (line: string) => void,
): Promise<Verdict> {
  const file = {
    name: inputs.model,
    version: 0,
    signatures: signaturesFrom(
      readSavedModelSignatures(await readFile(join(inputs.savedModel, 'saved_model.pb'))),
    ),
  };
  const contract = segmentationModel(inputs.model, undefined, file, inputs.bands.length, false);
  log(
    `contract: ${String(contract.chipSize)}-pixel chips of ${String(contract.bands)} bands, ${String(contract.classCount)} classes`,
  );
  const client = new RestModelServing({
    baseUrl: inputs.servingUrl,
    timeoutMs: 60_000,
    retries: 3,
    backoffMs: 500,
  });
  const served = await client.metadata(inputs.model, undefined, AbortSignal.timeout(120_000));
  const expected = signatureDigest(file);
  const actual = signatureDigest(served);
  const missing = expected.filter((row) => !actual.includes(row));
  if (missing.length > 0)
    throw new Error(
      `TF Serving does not serve this SavedModel's signatures: ${missing.join('; ')}`,
    );
  const model = segmentationModel(inputs.model, undefined, served, inputs.bands.length, false);
  const sample = inputs.sample || join(workDir, 'verify-model-sample.tif');
  // Without a sample of the repository's own, the demo scene: four bands, UTM, a nodata corner.
  if (!inputs.sample) await writeDemoScene(sample, 600, 450);
  const output = join(workDir, 'verify-model-classes.tif');
  await predictChipsToCog(sample, output, {
    bands: inputs.bands,
    chipSize: model.chipSize,
    halo: inputs.halo,
    batchSize: inputs.batchSize,
    scale: inputs.scale,
    classNames: Array.from({ length: model.classCount }, (_, k) => `class ${String(k)}`),
    predict: chipPredictor(client, model),
  });
  const reader = await RasterReader.open(output);
  const histogram: Record<string, number> = {};
  try {
    const ids = (await reader.readRows(0, reader.info.height, [0])).bands[0];
    for (const id of ids ?? []) {
      if (id !== CLASS_NODATA && id >= model.classCount)
        throw new Error(
          `the map holds class ${String(id)}; the model has ${String(model.classCount)}`,
        );
      const key = id === CLASS_NODATA ? 'nodata' : String(id);
      histogram[key] = (histogram[key] ?? 0) + 1;
    }
  } finally {
    await reader.close();
  }
  if (Object.keys(histogram).every((k) => k === 'nodata'))
    throw new Error('the model classified no pixel of the sample');
  return {
    chipSize: model.chipSize,
    bands: model.bands,
    classCount: model.classCount,
    signature: model.signature,
    histogram,
    output,
  };
}
