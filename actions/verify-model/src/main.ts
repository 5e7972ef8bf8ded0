// verify-model: check a model repository's SavedModel against the platform's contract and run
// the inference pipeline with it on TF Serving.
import * as core from '@actions/core';
import { CodecPool } from '@harita/raster';
import { readInputs } from './inputs.js';
import { verifyModel } from './verify.js';

export async function run(): Promise<void> {
  const inputs = readInputs();
  const verdict = await verifyModel(inputs, process.env['RUNNER_TEMP'] ?? process.cwd(), (line) => {
    core.info(line);
  });
  core.setOutput('chip-size', String(verdict.chipSize));
  core.setOutput('classes', String(verdict.classCount));
  core.setOutput('class-map', verdict.output);
  const rows = Object.entries(verdict.histogram).map(([k, n]) => `| ${k} | ${String(n)} |`);
  await core.summary
    .addRaw(
      [
        `### verify-model: \`${inputs.model}\` meets the inference contract`,
        '',
        `${String(verdict.chipSize)}-pixel chips, ${String(verdict.bands)} bands, ${String(verdict.classCount)} classes, signature \`${verdict.signature}\`; TF Serving serves the SavedModel's signatures; the pipeline classified the sample:`,
        '',
        '| class | pixels |',
        '| --- | --- |',
        ...rows,
        '',
      ].join('\n'),
    )
    .write();
}

run()
  .catch((error: unknown) => {
    core.setFailed(error instanceof Error ? error.message : String(error));
  })
  .finally(() => CodecPool.shared().close());
