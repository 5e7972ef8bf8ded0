import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Inputs } from './inputs.js';
import type { Kubectl } from './kubectl.js';
import { pinImages } from './pin-images.js';

export interface DeployContext {
  commit: string;
  runUrl: string;
  actor: string;
  workDir: string;
}

export type DeployOutcome =
  | { kind: 'dry-run'; diff: string | null }
  | { kind: 'deployed'; revisions: Record<string, string>; diff: string | null }
  | { kind: 'rolled-back'; failed: string; reason: string; diff: string | null };

/**
 * Renders the overlay with the images pinned, applies it server-side under one field manager,
 * annotates each Deployment with who deployed what, and waits for every rollout. A rollout that
 * fails or times out is rolled back to the previous revision, with the reason (the Deployment's
 * state and its pods' events) for the summary.
 */
export async function deploy(
  kubectl: Kubectl,
  inputs: Inputs,
  context: DeployContext,
): Promise<DeployOutcome> {
  const rendered = await kubectl.must(
    ['kustomize', inputs.overlay],
    `kubectl kustomize ${inputs.overlay}`,
  );
  const { manifest, deployments } = pinImages(
    rendered,
    inputs.images,
    inputs.namespace || 'default',
  );
  const file = join(context.workDir, 'deploy-k8s.yaml');
  await writeFile(file, manifest);
  let diff: string | null = null;
  if (inputs.diff) {
    const result = await kubectl.run([
      'diff',
      '--server-side',
      '--field-manager',
      inputs.fieldManager,
      '-f',
      file,
    ]);
    if (result.code > 1) throw new Error(`kubectl diff failed: ${result.stderr.trim()}`);
    diff = result.stdout;
  }
  if (inputs.dryRun) {
    await kubectl.must(
      [
        'apply',
        '--server-side',
        '--dry-run=server',
        '--field-manager',
        inputs.fieldManager,
        '-f',
        file,
      ],
      'the server-side dry run',
    );
    return { kind: 'dry-run', diff };
  }
  const previous = new Map<string, string>();
  for (const d of deployments) previous.set(d.name, await kubectl.revision(d.namespace, d.name));
  await kubectl.must(
    ['apply', '--server-side', '--field-manager', inputs.fieldManager, '-f', file],
    'kubectl apply',
  );
  for (const d of deployments) {
    await kubectl.must(
      [
        '-n',
        d.namespace,
        'annotate',
        'deployment',
        d.name,
        '--overwrite',
        `harita.dev/commit=${context.commit}`,
        `harita.dev/run-url=${context.runUrl}`,
        `harita.dev/actor=${context.actor}`,
      ],
      `annotating ${d.name}`,
    );
  }
  for (const d of deployments) {
    const status = await kubectl.run([
      '-n',
      d.namespace,
      'rollout',
      'status',
      `deployment/${d.name}`,
      `--timeout=${String(inputs.timeoutSeconds)}s`,
    ]);
    if (status.code === 0) continue;
    const reason = [
      (status.stderr || status.stdout).trim(),
      (
        await kubectl.run(
          ['-n', d.namespace, 'get', 'pods', '-l', `app=${d.name}`, '-o', 'wide'],
          true,
        )
      ).stdout.trim(),
      (
        await kubectl.run(
          [
            '-n',
            d.namespace,
            'get',
            'events',
            '--sort-by=.lastTimestamp',
            '--field-selector',
            'type=Warning',
          ],
          true,
        )
      ).stdout.trim(),
    ]
      .filter(Boolean)
      .join('\n\n');
    // Every Deployment this run changed goes back to what it ran before; new ones have no past.
    for (const back of deployments) {
      if (previous.get(back.name))
        await kubectl.run(['-n', back.namespace, 'rollout', 'undo', `deployment/${back.name}`]);
    }
    return { kind: 'rolled-back', failed: d.name, reason, diff };
  }
  const revisions: Record<string, string> = {};
  for (const d of deployments) revisions[d.name] = await kubectl.revision(d.namespace, d.name);
  return { kind: 'deployed', revisions, diff };
}
