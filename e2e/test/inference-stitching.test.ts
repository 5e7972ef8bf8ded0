import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLASS_NODATA, RasterReader, predictChipsToCog, type PredictChips } from '@harita/raster';
import { LANDCOVER } from '@harita/model-serving';
import { writeDemoScene } from '@harita/demo/scene';
import { predictClassIds, wholeScenePrediction } from '../src/whole-image.js';

// The raster engine's chip-by-chip inference, stitched, against one prediction over the whole
// image, on a raster whose size the chip grid does not divide. The model runs in this process;
// worker-inference.test.ts runs the same through the worker and model serving.
const WIDTH = 1000;
const HEIGHT = 700;
const SCALE = 1e-4;
let dir: string;
let scene: string;

const inProcess: PredictChips = async (chips, count) => {
  const size = LANDCOVER.chipSize;
  return { classIds: Uint8Array.from(await predictClassIds(chips, [count, size, size, 4])) };
};

async function stitched(halo: number, batchSize: number): Promise<Uint8Array> {
  const output = join(dir, `classes-${String(halo)}-${String(batchSize)}.tif`);
  const summary = await predictChipsToCog(scene, output, {
    bands: [1, 2, 3, 4],
    chipSize: LANDCOVER.chipSize,
    halo,
    batchSize,
    scale: SCALE,
    classNames: LANDCOVER.classes,
    predict: inProcess,
  });
  expect(summary.classes.width).toBe(WIDTH);
  const reader = await RasterReader.open(output);
  try {
    expect(reader.info.nodata).toBe(CLASS_NODATA);
    expect(reader.info.epsg).toBe(32633);
    const window = await reader.readRows(0, HEIGHT, [0]);
    return Uint8Array.from(window.bands[0]!);
  } finally {
    await reader.close();
  }
}

function mismatches(a: Uint8Array, b: Uint8Array): number {
  let count = 0;
  for (let p = 0; p < a.length; p++) if (a[p] !== b[p]) count++;
  return count;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'harita-stitch-'));
  scene = join(dir, 'scene.tif');
  await writeDemoScene(scene, WIDTH, HEIGHT);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('chip-by-chip inference, stitched', () => {
  it('equals one whole-image prediction in every pixel of a 1000 x 700 raster', async () => {
    const { classIds: expected } = await wholeScenePrediction(WIDTH, HEIGHT, SCALE);
    // Every class of the model and nodata appear, so the comparison covers them all.
    expect([...new Set(expected)].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, CLASS_NODATA]);
    for (const batchSize of [1, 3]) {
      const result = await stitched(LANDCOVER.receptiveFieldMargin, batchSize);
      expect(mismatches(result, expected), `batch size ${String(batchSize)}`).toBe(0);
    }
  });

  it('differs along the chip seams without a halo, which is why the halo exists', async () => {
    const { classIds: expected } = await wholeScenePrediction(WIDTH, HEIGHT, SCALE);
    expect(mismatches(await stitched(0, 4), expected)).toBeGreaterThan(0);
  });

  it('refuses a halo that leaves no centre, and a model answering the wrong number of pixels', async () => {
    const options = {
      bands: [1, 2, 3, 4],
      chipSize: 256,
      batchSize: 2,
      classNames: LANDCOVER.classes,
    };
    await expect(
      predictChipsToCog(scene, join(dir, 'x.tif'), { ...options, halo: 128, predict: inProcess }),
    ).rejects.toThrow(/halo of 128 leaves nothing/);
    await expect(
      predictChipsToCog(scene, join(dir, 'y.tif'), {
        ...options,
        halo: 8,
        predict: () => Promise.resolve({ classIds: new Uint8Array(10) }),
      }),
    ).rejects.toThrow(/answered 10 class ids for 2 chips/);
  });
});
