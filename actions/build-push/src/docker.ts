import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as exec from '@actions/exec';

export interface BuildPlan {
  image: string;
  context: string;
  file: string;
  /** The stage to build ('' for the Dockerfile's last). */
  target: string;
  tags: string[];
  labels: Record<string, string>;
  buildArgs: string[];
  platforms: string;
  cacheFrom: string[];
  cacheTo: string[];
  push: boolean;
  sbom: boolean;
  provenance: boolean;
}

async function output(
  command: string,
  args: string[],
  input?: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const result = await exec.getExecOutput(command, args, {
    ignoreReturnCode: true,
    silent: false,
    ...(input === undefined ? {} : { input: Buffer.from(input) }),
  });
  return { code: result.exitCode, stdout: result.stdout, stderr: result.stderr };
}

export async function hasBuildx(): Promise<boolean> {
  return (
    (
      await exec.getExecOutput('docker', ['buildx', 'version'], {
        ignoreReturnCode: true,
        silent: true,
      })
    ).exitCode === 0
  );
}

/** The `docker buildx build` or `docker build` arguments of a plan (pure, for the tests). */
export function buildArguments(plan: BuildPlan, buildx: boolean, metadataFile?: string): string[] {
  const args = buildx ? ['buildx', 'build'] : ['build'];
  args.push('--file', plan.file);
  if (plan.target) args.push('--target', plan.target);
  for (const tag of plan.tags) args.push('--tag', `${plan.image}:${tag}`);
  for (const [key, value] of Object.entries(plan.labels)) args.push('--label', `${key}=${value}`);
  for (const arg of plan.buildArgs) args.push('--build-arg', arg);
  if (buildx) {
    if (plan.platforms) args.push('--platform', plan.platforms);
    for (const from of plan.cacheFrom) args.push('--cache-from', from);
    for (const to of plan.cacheTo) args.push('--cache-to', to);
    // Attestations (an SPDX SBOM, SLSA provenance) are attached to the image in the registry.
    if (plan.sbom) args.push('--sbom=true');
    if (plan.provenance) args.push('--provenance=mode=max');
    if (metadataFile) args.push('--metadata-file', metadataFile);
    args.push(plan.push ? '--push' : '--load');
  } else {
    // A failed step's container is removed too: runners are reused, and would collect them.
    args.push('--force-rm');
    // The legacy builder has no --platform, --cache-to or --push; --cache-from takes images.
    for (const from of plan.cacheFrom) if (!from.includes('=')) args.push('--cache-from', from);
  }
  args.push(plan.context);
  return args;
}

/** Builds (and pushes) the image; answers its digest once pushed, or the local image id. */
export async function buildAndPush(plan: BuildPlan): Promise<string> {
  if (await hasBuildx()) {
    const dir = await mkdtemp(join(tmpdir(), 'build-push-'));
    try {
      const metadata = join(dir, 'metadata.json');
      const built = await output('docker', buildArguments(plan, true, metadata));
      if (built.code !== 0)
        throw new Error(`docker buildx build failed (exit ${String(built.code)})`);
      const parsed = JSON.parse(await readFile(metadata, 'utf8')) as Record<string, unknown>;
      const digest = parsed['containerimage.digest'];
      if (typeof digest !== 'string') throw new Error('buildx reported no image digest');
      return digest;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  if (plan.platforms || plan.sbom || plan.provenance) {
    throw new Error(
      'platforms, sbom and provenance need docker buildx, which this runner does not have',
    );
  }
  const built = await output('docker', buildArguments(plan, false));
  if (built.code !== 0) throw new Error(`docker build failed (exit ${String(built.code)})`);
  if (!plan.push) {
    const inspected = await output('docker', [
      'image',
      'inspect',
      '--format',
      '{{.Id}}',
      `${plan.image}:${plan.tags[0] ?? 'latest'}`,
    ]);
    return inspected.stdout.trim();
  }
  let digest = '';
  for (const tag of plan.tags) {
    const pushed = await output('docker', ['push', `${plan.image}:${tag}`]);
    if (pushed.code !== 0)
      throw new Error(`docker push ${plan.image}:${tag} failed (exit ${String(pushed.code)})`);
    digest ||= /digest: (sha256:[0-9a-f]{64})/.exec(pushed.stdout)?.[1] ?? '';
  }
  if (!digest) throw new Error('the registry reported no digest for the pushed image');
  return digest;
}

/** Logs in with the password on stdin, never on the command line. */
export async function login(registry: string, username: string, password: string): Promise<void> {
  const result = await output(
    'docker',
    ['login', registry, '--username', username, '--password-stdin'],
    password,
  );
  if (result.code !== 0)
    throw new Error(`docker login ${registry} failed: ${result.stderr.trim()}`);
}

export async function logout(registry: string): Promise<void> {
  await output('docker', ['logout', registry]);
}
