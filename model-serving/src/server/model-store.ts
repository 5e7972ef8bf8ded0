import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type * as tf from '@tensorflow/tfjs-core';
import { loadGraphModelSync, type GraphModel } from '@tensorflow/tfjs-converter';
import { SAVED_MODEL_FILE, TFJS_MODEL_FILE } from '../demo-model/export.js';
import { readSavedModelSignatures } from '../saved-model/read.js';
import type { SignatureDef } from '../saved-model/schema.js';
import type { ModelConfig } from './model-config.js';
import { ServingError } from './serving-error.js';

/** One loaded version of a model. */
export interface ServableVersion {
  name: string;
  version: number;
  /** The model's base path: the version is the directory `<basePath>/<version>`. */
  basePath: string;
  signatures: Record<string, SignatureDef>;
  graph: GraphModel<tf.io.IOHandlerSync>;
}

interface ModelEntry {
  config: ModelConfig;
  current: ServableVersion | null;
  /** Why the newest version found could not be loaded, for the model status. */
  failure: { version: number; message: string } | null;
}

async function versionsIn(basePath: string): Promise<number[]> {
  const entries = await readdir(basePath, { withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isDirectory() && /^\d+$/.test(e.name))
    .map((e) => Number(e.name))
    .sort((a, b) => b - a);
}

/** The TF.js graph model in a version directory (model.json and its weight files). */
export async function loadTfjsGraph(dir: string): Promise<GraphModel<tf.io.IOHandlerSync>> {
  const modelJson = JSON.parse(await readFile(join(dir, TFJS_MODEL_FILE), 'utf8')) as {
    weightsManifest: { paths: string[] }[];
  };
  const weights = Buffer.concat(
    await Promise.all(
      modelJson.weightsManifest.flatMap((group) => group.paths.map((p) => readFile(join(dir, p)))),
    ),
  );
  return loadGraphModelSync([
    modelJson as unknown as tf.io.ModelJSON,
    weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
  ]);
}

/** One version of a model, loaded: its signatures from saved_model.pb and its TF.js graph. */
export async function loadVersion(config: ModelConfig, version: number): Promise<ServableVersion> {
  const dir = join(config.basePath, String(version));
  const signatures = readSavedModelSignatures(await readFile(join(dir, SAVED_MODEL_FILE)));
  return {
    name: config.name,
    version,
    basePath: config.basePath,
    signatures,
    graph: await loadTfjsGraph(dir),
  };
}

/**
 * The models this server answers for. As TF Serving does by default, it serves each model's
 * newest version and polls the base path for newer ones, switching only once the new one loaded.
 */
export class ModelStore {
  private readonly models = new Map<string, ModelEntry>();
  private poller: NodeJS.Timeout | undefined;

  constructor(configs: ModelConfig[]) {
    for (const config of configs) {
      this.models.set(config.name, { config, current: null, failure: null });
    }
  }

  /** Loads the newest version of every model; a model with none stays unavailable. */
  async refresh(): Promise<void> {
    for (const entry of this.models.values()) {
      const [newest] = await versionsIn(entry.config.basePath);
      if (newest === undefined || newest === entry.current?.version) continue;
      if (entry.failure?.version === newest) continue;
      try {
        const loaded = await loadVersion(entry.config, newest);
        const previous = entry.current;
        entry.current = loaded;
        entry.failure = null;
        previous?.graph.dispose();
      } catch (error) {
        entry.failure = { version: newest, message: (error as Error).message };
      }
    }
  }

  startPolling(seconds: number): void {
    this.poller = setInterval(() => void this.refresh(), seconds * 1000);
    this.poller.unref();
  }

  stop(): void {
    clearInterval(this.poller);
  }

  get names(): string[] {
    return [...this.models.keys()];
  }

  /** Every model is loaded: the server is ready. */
  get ready(): boolean {
    return [...this.models.values()].every((m) => m.current !== null);
  }

  /** The status of a model's versions, as GetModelStatus answers it. */
  status(name: string, version?: number): { version: number; state: string; error: string }[] {
    const entry = this.entry(name);
    const rows: { version: number; state: string; error: string }[] = [];
    if (entry.current) rows.push({ version: entry.current.version, state: 'AVAILABLE', error: '' });
    if (entry.failure)
      rows.push({ version: entry.failure.version, state: 'END', error: entry.failure.message });
    const chosen = version === undefined ? rows : rows.filter((r) => r.version === version);
    if (chosen.length === 0) {
      throw new ServingError(
        'NOT_FOUND',
        version === undefined
          ? `Could not find any versions of model ${name}`
          : `Could not find version ${String(version)} of model ${name}`,
      );
    }
    return chosen;
  }

  /** The servable a request names: the newest version, or the one asked for. */
  servable(name: string, version?: number): ServableVersion {
    const current = this.entry(name).current;
    if (!current || (version !== undefined && current.version !== version)) {
      throw new ServingError(
        'NOT_FOUND',
        `Servable not found for request: ${version === undefined ? `Latest(${name})` : `Specific(${name}, ${String(version)})`}`,
      );
    }
    return current;
  }

  private entry(name: string): ModelEntry {
    const entry = this.models.get(name);
    if (!entry) {
      throw new ServingError('NOT_FOUND', `Servable not found for request: Latest(${name})`);
    }
    return entry;
  }
}
