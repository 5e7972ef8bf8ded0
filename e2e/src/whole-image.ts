import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { GraphModel } from '@tensorflow/tfjs-converter';
import { CLASS_NODATA } from '@harita/raster';
import {
  CLASS_IDS,
  DEMO_SCENE_NODATA,
  demoSceneRows,
  landcoverGraph,
  loadTfjsGraph,
  startBackend,
  writeModelVersion,
} from '@harita/model-serving';

let graph: Promise<GraphModel<tf.io.IOHandlerSync>> | undefined;

/** The demo model in this process, from its one definition. */
export function demoModel(): Promise<GraphModel<tf.io.IOHandlerSync>> {
  graph ??= (async () => {
    await startBackend('wasm');
    const dir = await mkdtemp(join(tmpdir(), 'harita-model-'));
    try {
      return await loadTfjsGraph(
        await writeModelVersion(join(dir, 'landcover'), 1, landcoverGraph()),
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  })();
  return graph;
}

/** Class ids of `input` ([n][height][width][4] reflectance) from the demo model. */
export async function predictClassIds(
  input: Float32Array,
  shape: [number, number, number, number],
): Promise<Int32Array> {
  const model = await demoModel();
  return tf.tidy(
    () =>
      (
        model.execute({ reflectance: tf.tensor4d(input, shape) }, CLASS_IDS) as tf.Tensor
      ).dataSync() as Int32Array,
  );
}

/**
 * One prediction over the whole demo scene at once, as the stitched result must come out:
 * reflectance = digital number x scale, zeros where nodata, and CLASS_NODATA there in the answer.
 */
export async function wholeScenePrediction(
  width: number,
  height: number,
  scale: number,
): Promise<{ classIds: Uint8Array; valid: Uint8Array; raw: Int32Array }> {
  const bands = demoSceneRows(width, height, 0, height);
  const input = new Float32Array(width * height * 4);
  const valid = new Uint8Array(width * height);
  for (let p = 0; p < width * height; p++) {
    valid[p] = bands.every((band) => band[p] !== DEMO_SCENE_NODATA) ? 1 : 0;
    for (let b = 0; b < 4; b++) input[p * 4 + b] = valid[p] ? bands[b]![p]! * scale : 0;
  }
  const raw = await predictClassIds(input, [1, height, width, 4]);
  return { classIds: Uint8Array.from(raw, (id, p) => (valid[p] ? id : CLASS_NODATA)), valid, raw };
}
