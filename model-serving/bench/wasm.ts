import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { landcoverGraph, loadTfjsGraph, startBackend, writeModelVersion } from '../dist/index.js';

/**
 * The TF.js server's WebAssembly backend with SIMD (what it picks where the runtime has it)
 * against plain WebAssembly, on the demo model, batches of 8 chips, in one run: each variant in a
 * process of its own (the backend is chosen once per process), alternately. Usage:
 *   npm run bench:wasm --workspace model-serving [-- --rounds 3]
 * A child: node wasm.js --variant simd|plain MODEL_DIR
 */
const BATCH = 8;
const REPEATS = 5;
const args = process.argv.slice(2);

async function child(variant: string, modelDir: string): Promise<void> {
  if (variant === 'plain') tf.env().set('WASM_HAS_SIMD_SUPPORT', false);
  await startBackend('wasm');
  const graph = await loadTfjsGraph(modelDir);
  const input = tf.randomUniform([BATCH, 256, 256, 4], 0, 0.5, 'float32', 1);
  const inputName = graph.inputs[0]!.name;
  const outputs = graph.outputs.map((o) => o.name);
  const run = () => {
    tf.tidy(() => {
      const out = graph.execute({ [inputName]: input }, outputs);
      for (const tensor of Array.isArray(out) ? out : [out]) tensor.dataSync();
    });
  };
  run();
  const started = performance.now();
  for (let i = 0; i < REPEATS; i++) run();
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  const threads = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
  console.log(
    JSON.stringify({
      ms: (performance.now() - started) / REPEATS,
      simd,
      threads,
    }),
  );
}

async function parent(): Promise<void> {
  const rounds = Number(args[args.indexOf('--rounds') + 1] ?? 3) || 3;
  const dir = await mkdtemp(join(tmpdir(), 'harita-bench-wasm-'));
  try {
    await startBackend('cpu');
    const modelDir = await writeModelVersion(join(dir, 'landcover'), 1, landcoverGraph());
    const self = fileURLToPath(import.meta.url);
    const samples: Record<string, number[]> = { simd: [], plain: [] };
    let features = '';
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? ['simd', 'plain'] : ['plain', 'simd'];
      for (const variant of order) {
        const line = execFileSync(process.execPath, [self, '--variant', variant, modelDir], {
          encoding: 'utf8',
        });
        const result = JSON.parse(line.trim().split('\n').at(-1)!) as {
          ms: number;
          simd: boolean;
          threads: boolean;
        };
        samples[variant]!.push(result.ms);
        if (variant === 'simd')
          features = `SIMD ${String(result.simd)}, threads ${String(result.threads)}`;
      }
    }
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;
    const simd = median(samples['simd']!);
    const plain = median(samples['plain']!);
    console.log(
      `TF.js WebAssembly, demo model, ${String(BATCH)} chips of 256 x 256 x 4 per run, median of ${String(rounds)} processes x ${String(REPEATS)} runs; as the server starts: ${features}`,
    );
    console.log(
      `SIMD ${simd.toFixed(0)} ms, plain ${plain.toFixed(0)} ms: SIMD ${(plain / simd).toFixed(2)}x as fast`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const variantAt = args.indexOf('--variant');
if (variantAt >= 0) await child(args[variantAt + 1]!, args[variantAt + 2]!);
else await parent();
