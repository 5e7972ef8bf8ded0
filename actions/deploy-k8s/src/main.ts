// deploy-k8s: parse the inputs, deploy, report (a failed rollout fails the step after its rollback).
import * as core from '@actions/core';
import { deploy } from './deploy.js';
import { readInputs } from './inputs.js';
import { Kubectl } from './kubectl.js';
import { summaryMarkdown } from './summary.js';

export async function run(): Promise<void> {
  const inputs = readInputs();
  const env = process.env;
  const outcome = await deploy(new Kubectl(inputs.kubectl), inputs, {
    commit: env['GITHUB_SHA'] ?? 'unknown',
    runUrl: `${env['GITHUB_SERVER_URL'] ?? 'https://github.com'}/${env['GITHUB_REPOSITORY'] ?? ''}/actions/runs/${env['GITHUB_RUN_ID'] ?? ''}`,
    actor: env['GITHUB_ACTOR'] ?? 'unknown',
    workDir: env['RUNNER_TEMP'] ?? process.cwd(),
  });
  await core.summary.addRaw(summaryMarkdown(inputs.overlay, outcome)).write();
  if (outcome.kind === 'deployed') core.setOutput('revision', JSON.stringify(outcome.revisions));
  if (outcome.kind === 'rolled-back') {
    throw new Error(
      `the rollout of ${outcome.failed} failed and was rolled back: ${outcome.reason.split('\n')[0] ?? ''}`,
    );
  }
}

run().catch((error: unknown) => {
  core.setFailed(error instanceof Error ? error.message : String(error));
});
