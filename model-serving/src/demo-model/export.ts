import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GraphDefType, SavedModelType } from '../saved-model/schema.js';
import type { ModelGraph } from './graph.js';

/** The graph versions: TensorFlow loads any producer from min_consumer on. */
const VERSIONS = { producer: 1205, minConsumer: 12 };

export const SAVED_MODEL_FILE = 'saved_model.pb';
export const TFJS_MODEL_FILE = 'model.json';
export const TFJS_WEIGHTS_FILE = 'group1-shard1of1.bin';

/** saved_model.pb: one meta graph tagged "serve" with the graph and its signatures. */
export function savedModelBytes(graph: ModelGraph): Uint8Array {
  const message = SavedModelType.fromObject({
    savedModelSchemaVersion: '1',
    metaGraphs: [
      {
        metaInfoDef: {
          metaGraphVersion: 'harita-demo-model',
          tags: ['serve'],
          tensorflowVersion: '2.18.0',
        },
        graphDef: { node: graph.nodes, versions: VERSIONS },
        signatureDef: graph.signatures,
      },
    ],
  });
  return SavedModelType.encode(message).finish();
}

export interface TfjsModel {
  modelJson: object;
  weights: Uint8Array;
}

/**
 * The same graph as a TF.js graph model: the topology in protobuf JSON form with the constants'
 * values moved to one weights file, as tensorflowjs_converter lays it out.
 */
export function tfjsModel(graph: ModelGraph): TfjsModel {
  const byName = new Map(graph.constants.map((c) => [c.name, c]));
  const topology = GraphDefType.toObject(
    GraphDefType.fromObject({ node: graph.nodes, versions: VERSIONS }),
    {
      enums: String,
      longs: String,
      bytes: String,
      defaults: false,
    },
  ) as { node: { name: string; attr?: { value?: { tensor?: Record<string, unknown> } } }[] };
  for (const node of topology.node) {
    const tensor = node.attr?.value?.tensor;
    if (byName.has(node.name) && tensor) delete tensor['tensorContent'];
  }
  const weights = Buffer.concat(
    graph.constants.map((c) =>
      Buffer.from(c.values.buffer, c.values.byteOffset, c.values.byteLength),
    ),
  );
  return {
    modelJson: {
      format: 'graph-model',
      generatedBy: 'harita model-serving demo-model',
      convertedBy: null,
      modelTopology: topology,
      weightsManifest: [
        {
          paths: [TFJS_WEIGHTS_FILE],
          weights: graph.constants.map((c) => ({
            name: c.name,
            shape: c.shape,
            dtype: c.dtype === 'DT_FLOAT' ? 'float32' : 'int32',
          })),
        },
      ],
    },
    weights,
  };
}

/**
 * Writes one model version directory, as TF Serving reads it (`<base>/<version>/saved_model.pb`),
 * with the TF.js graph model beside it. The directory appears whole or not at all: a server
 * polling the base path never loads a half-written version.
 */
export async function writeModelVersion(
  basePath: string,
  version: number,
  graph: ModelGraph,
): Promise<string> {
  const final = join(basePath, String(version));
  const partial = join(basePath, `.${String(version)}.partial`);
  await rm(partial, { recursive: true, force: true });
  await mkdir(partial, { recursive: true });
  const tfjs = tfjsModel(graph);
  await writeFile(join(partial, SAVED_MODEL_FILE), savedModelBytes(graph));
  await writeFile(join(partial, TFJS_MODEL_FILE), JSON.stringify(tfjs.modelJson));
  await writeFile(join(partial, TFJS_WEIGHTS_FILE), tfjs.weights);
  await rm(final, { recursive: true, force: true });
  await rename(partial, final);
  return final;
}
