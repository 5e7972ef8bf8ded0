// build-push: parse the inputs, tag from git, log in, build and push, report.
import * as core from '@actions/core';
import { buildAndPush, login } from './docker.js';
import { gitContext } from './git-context.js';
import { readInputs } from './inputs.js';
import { summaryMarkdown } from './summary.js';
import { imageTags, ociLabels, registryOf } from './tags.js';

export async function run(): Promise<void> {
  const inputs = readInputs();
  const git = gitContext(process.env, inputs.defaultBranch);
  const tags = imageTags(git, inputs.tags);
  const labels = ociLabels(git, tags, new Date(), inputs.labels);
  if (inputs.password) {
    const registry = inputs.registry || registryOf(inputs.image);
    await login(registry, inputs.username, inputs.password);
    // The post step logs out of exactly this registry.
    core.saveState('registry', registry);
  }
  const digest = await buildAndPush({ ...inputs, tags, labels });
  core.setOutput('digest', digest);
  core.setOutput(
    'image',
    inputs.push ? `${inputs.image}@${digest}` : `${inputs.image}:${tags[0] ?? ''}`,
  );
  core.setOutput('tags', tags.map((tag) => `${inputs.image}:${tag}`).join('\n'));
  await core.summary.addRaw(summaryMarkdown(inputs.image, digest, tags, inputs.push)).write();
}

run().catch((error: unknown) => {
  core.setFailed(error instanceof Error ? error.message : String(error));
});
