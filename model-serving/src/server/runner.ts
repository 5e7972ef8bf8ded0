import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { BackendChoice } from './backend.js';
import type { ServableVersion } from './model-store.js';
import type { Output } from './predict.js';
import { ServingError, type StatusCode } from './serving-error.js';
import type { JsonTensor } from './tensor-json.js';

/** What a model thread is asked: a signature of a version, on inputs by key. */
export interface RunRequest {
  id: number;
  name: string;
  basePath: string;
  version: number;
  signatureName: string;
  inputs: [string, JsonTensor][];
}

/** What it answers: the outputs, or the failure with its TensorFlow code. */
export type RunResult =
  { id: number; outputs: Output[] } | { id: number; error: { code: StatusCode; message: string } };

interface Thread {
  worker: Worker;
  busy: number;
  /** The requests it is running, to fail them should it die. */
  waiting: Map<number, (result: RunResult) => void>;
}

/** The buffers of `tensors` that can move to another thread without a copy (they hold nothing else). */
function movable(tensors: JsonTensor[]): ArrayBuffer[] {
  return tensors
    .map((t) => t.values)
    .filter((v) => v.byteOffset === 0 && v.buffer.byteLength === v.byteLength)
    .map((v) => v.buffer)
    .filter((b): b is ArrayBuffer => b instanceof ArrayBuffer);
}

/**
 * Runs signatures on a pool of threads, each with its own TF.js WebAssembly instance (TF.js's
 * threaded WebAssembly build cannot start its workers on Node), like TF Serving's
 * num_batch_threads: requests go to the least busy thread. Inputs move to the thread, outputs
 * move back, without copies.
 */
export class ModelRunner {
  private readonly threads: Thread[] = [];
  private nextId = 0;

  private constructor() {}

  /**
   * Starts `count` threads (default: the cores available) and waits until each has its backend.
   * @throws Error when a thread fails to start
   */
  static async start(backend: BackendChoice, count = availableParallelism()): Promise<ModelRunner> {
    const runner = new ModelRunner();
    await Promise.all(
      Array.from({ length: Math.max(1, count) }, async () => {
        const worker = new Worker(new URL('./model-thread.js', import.meta.url), {
          workerData: { backend },
        });
        await new Promise<void>((resolve, reject) => {
          worker.once('message', () => {
            resolve();
          });
          worker.once('error', reject);
        });
        const thread: Thread = { worker, busy: 0, waiting: new Map() };
        worker.on('message', (result: RunResult) => {
          thread.waiting.get(result.id)?.(result);
          thread.waiting.delete(result.id);
        });
        worker.on('exit', (code) => {
          for (const [id, resolve] of thread.waiting) {
            resolve({
              id,
              error: { code: 'INTERNAL', message: `a model thread exited (${String(code)})` },
            });
          }
          thread.waiting.clear();
        });
        worker.unref();
        runner.threads.push(thread);
      }),
    );
    return runner;
  }

  get size(): number {
    return this.threads.length;
  }

  /**
   * The signature's outputs for `inputs` (moved to the thread: do not use them afterwards).
   * @throws ServingError with the code the thread failed with
   */
  async run(
    servable: ServableVersion,
    signatureName: string,
    inputs: Map<string, JsonTensor>,
  ): Promise<Output[]> {
    const thread = this.threads.reduce((a, b) => (b.busy < a.busy ? b : a));
    const id = this.nextId++;
    const request: RunRequest = {
      id,
      name: servable.name,
      basePath: servable.basePath,
      version: servable.version,
      signatureName,
      inputs: [...inputs],
    };
    thread.busy++;
    try {
      const result = await new Promise<RunResult>((resolve) => {
        thread.waiting.set(id, resolve);
        thread.worker.postMessage(request, movable([...inputs.values()]));
      });
      if ('error' in result) throw new ServingError(result.error.code, result.error.message);
      return result.outputs;
    } finally {
      thread.busy--;
    }
  }

  /** Stops every thread. */
  async stop(): Promise<void> {
    await Promise.all(this.threads.map((t) => t.worker.terminate()));
  }
}
