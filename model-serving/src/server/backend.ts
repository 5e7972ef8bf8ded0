import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

export type BackendChoice = 'auto' | 'tensorflow' | 'wasm' | 'cpu';

/**
 * Picks the TF.js backend: libtensorflow through tfjs-node where that package is installed (its
 * install step downloads libtensorflow, which air-gapped sites cannot), otherwise WebAssembly with
 * SIMD, otherwise plain JavaScript.
 */
export async function startBackend(choice: BackendChoice): Promise<string> {
  if (choice === 'auto' || choice === 'tensorflow') {
    try {
      // Not a dependency: present only where a site installed it.
      const tfjsNode = '@tensorflow/tfjs-node';
      await import(tfjsNode);
      if (await tf.setBackend('tensorflow')) return tf.getBackend();
    } catch (error) {
      if (choice === 'tensorflow')
        throw new Error(`@tensorflow/tfjs-node is not usable: ${(error as Error).message}`);
    }
  }
  if (choice === 'auto' || choice === 'wasm') {
    const wasmDir = dirname(
      createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'),
    );
    setWasmPaths(`${wasmDir}/`);
    if (await tf.setBackend('wasm').catch(() => false)) return tf.getBackend();
    if (choice === 'wasm') throw new Error('the WebAssembly backend did not start');
  }
  await tf.setBackend('cpu');
  return tf.getBackend();
}
