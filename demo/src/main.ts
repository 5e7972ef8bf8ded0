#!/usr/bin/env node
// The local stack's demo, as a client uses the API: a demo tenant, a real NAIP scene (from
// data/scenes/) uploaded as a dataset, an NDVI job and an inference job followed to their end,
// their results downloaded and previewed as PNGs. `./kit up` runs it once the stack is healthy.
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ApiClient } from './api-client.js';
import { demoEnvironment } from './environment.js';
import { writePreview } from './preview.js';
import { follow } from './progress.js';
import { DEMO_SCENE, demoInferenceParams, demoNdviParams } from './demo-jobs.js';
import { verifiedScene } from './scenes.js';
import { seedTenant, userToken } from './tenant.js';

const env = demoEnvironment();
const started = performance.now();
const out = resolve(env.outputDir);
await mkdir(out, { recursive: true });

const tenant = await seedTenant(env.databaseUrl);
const api = new ApiClient(env.apiUrl, await userToken(env.jwtSecret, tenant));
console.log(`demo: tenant ${tenant}; scene ${DEMO_SCENE.summary}`);
const scenePath = await verifiedScene(DEMO_SCENE.file);
const dataset = await api.uploadDataset('demo scene', scenePath);
console.log(`demo: dataset ${dataset.id} (${dataset.file}) uploaded and validated`);

const input = { dataset_id: dataset.id, file: dataset.file };
const ndvi = await api.createJob('ndvi', demoNdviParams(input));
const inference = await api.createJob('inference', demoInferenceParams(input));
const jobs = await follow(
  [
    { label: 'ndvi', id: ndvi.id },
    { label: 'inference', id: inference.id },
  ],
  (id) => api.job(id),
  120_000,
);

const failed = jobs.filter((job) => job.status !== 'succeeded');
if (failed.length > 0) {
  for (const job of failed)
    console.error(`demo: ${job.type} job ${job.id} ${job.status}: ${job.error?.message ?? ''}`);
  process.exit(1);
}
const summary: string[] = [];
for (const job of jobs) {
  for (const result of job.results) {
    const name = result.key.split('/').at(-1) ?? 'result';
    const local = join(out, `${job.type}-${name}`);
    const response = await fetch(result.url);
    if (!response.ok) throw new Error(`downloading ${result.key}: ${String(response.status)}`);
    await writeFile(local, Buffer.from(await response.arrayBuffer()));
    const png = local.replace(/\.tif$/, '.png');
    await writePreview(local, png, job.type === 'ndvi' ? 'ndvi' : 'classes');
    summary.push(
      `  ${job.type} job ${job.id}`,
      `    object key   ${result.key} (${String(result.bytes)} bytes)`,
      `    download     ${result.url}`,
      `                 (presigned, valid until ${result.expires_at})`,
      `    preview      ${png}`,
    );
  }
}
await writeFile(join(out, 'demo.json'), JSON.stringify({ tenant, dataset, jobs }, null, 2));
console.log(
  `\ndemo: both jobs succeeded in ${((performance.now() - started) / 1000).toFixed(1)} s\n${summary.join('\n')}`,
);
