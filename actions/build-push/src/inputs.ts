import * as core from '@actions/core';

/** Every input, parsed and checked in one place. */
export interface Inputs {
  image: string;
  context: string;
  file: string;
  /** The stage to build ('' for the Dockerfile's last). */
  target: string;
  buildArgs: string[];
  push: boolean;
  sbom: boolean;
  provenance: boolean;
  platforms: string;
  cacheFrom: string[];
  cacheTo: string[];
  tags: string[];
  labels: Record<string, string>;
  registry: string;
  username: string;
  password: string;
  defaultBranch: string;
}

const IMAGE = /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?::\d+)?(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/;

function pairs(lines: string[], what: string): Record<string, string> {
  return Object.fromEntries(
    lines.map((line) => {
      const at = line.indexOf('=');
      if (at < 1) throw new Error(`${what}: "${line}" is not KEY=VALUE`);
      return [line.slice(0, at), line.slice(at + 1)];
    }),
  );
}

export function readInputs(): Inputs {
  const image = core.getInput('image', { required: true });
  if (!IMAGE.test(image))
    throw new Error(
      `image: "${image}" is not an image name (registry/owner/name, lowercase, no tag)`,
    );
  const buildArgs = core.getMultilineInput('build-args');
  pairs(buildArgs, 'build-args');
  const password = core.getInput('password');
  if (password) core.setSecret(password);
  return {
    image,
    context: core.getInput('context') || '.',
    file: core.getInput('file') || 'Dockerfile',
    target: core.getInput('target'),
    buildArgs,
    push: core.getBooleanInput('push'),
    sbom: core.getBooleanInput('sbom'),
    provenance: core.getBooleanInput('provenance'),
    platforms: core.getInput('platforms'),
    cacheFrom: core.getMultilineInput('cache-from'),
    cacheTo: core.getMultilineInput('cache-to'),
    tags: core.getMultilineInput('tags'),
    labels: pairs(core.getMultilineInput('labels'), 'labels'),
    registry: core.getInput('registry'),
    username: core.getInput('username'),
    password,
    defaultBranch: core.getInput('default-branch') || 'main',
  };
}
