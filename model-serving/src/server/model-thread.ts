// One model-running thread of the TF.js server (runner.ts starts them): loads the versions it is
// asked to run, as the main thread's ModelStore found them, and runs signatures on its own
// WebAssembly instance, so requests run on as many cores as the server has threads.
import { parentPort, workerData } from 'node:worker_threads';
import { startBackend, type BackendChoice } from './backend.js';
import { loadVersion, type ServableVersion } from './model-store.js';
import { namedSignature, runSignature } from './predict.js';
import { ServingError } from './serving-error.js';
import type { RunRequest, RunResult } from './runner.js';

const port = parentPort!;
await startBackend((workerData as { backend: BackendChoice }).backend);
const loaded = new Map<string, { version: number; servable: Promise<ServableVersion> }>();

/** The version asked for; a newer version of the same model replaces (and frees) the older one. */
function servable(request: RunRequest): Promise<ServableVersion> {
  const held = loaded.get(request.basePath);
  if (held?.version === request.version) return held.servable;
  const next = loadVersion({ name: request.name, basePath: request.basePath }, request.version);
  loaded.set(request.basePath, { version: request.version, servable: next });
  void held?.servable.then(
    (old) => {
      old.graph.dispose();
    },
    () => undefined,
  );
  return next;
}

port.on('message', (request: RunRequest) => {
  void (async (): Promise<RunResult> => {
    try {
      const version = await servable(request);
      const signature = namedSignature(version, request.signatureName);
      const outputs = runSignature(version, signature, new Map(request.inputs));
      return { id: request.id, outputs };
    } catch (error) {
      const code = error instanceof ServingError ? error.code : 'INTERNAL';
      return { id: request.id, error: { code, message: (error as Error).message } };
    }
  })().then((result) => {
    const buffers = 'outputs' in result ? result.outputs.map((o) => o.values.buffer) : [];
    port.postMessage(
      result,
      buffers.filter((b): b is ArrayBuffer => b instanceof ArrayBuffer),
    );
  });
});
port.postMessage({ ready: true });
