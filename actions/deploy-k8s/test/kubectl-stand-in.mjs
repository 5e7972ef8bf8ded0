#!/usr/bin/env node
// A kubectl stand-in for deploy-k8s' tests: no Kubernetes API server can run here. It builds
// overlays with the real kubectl's kustomize, and models the cluster in a JSON file
// (STAND_IN_STATE): applies bump each Deployment's revision, undo bumps it again, annotations are
// kept, and `rollout status` ends as STAND_IN_ROLLOUT says: success, timeout or failure.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

const args = process.argv.slice(2);
const statePath = process.env.STAND_IN_STATE;
const state = JSON.parse(readFileSync(statePath, 'utf8'));
const save = () => writeFileSync(statePath, JSON.stringify(state, null, 2));
state.calls.push(args);
save();

const flag = (name) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
};
const namespace = flag('-n') ?? 'default';
const rest = args[0] === '-n' ? args.slice(2) : args;
const deploymentsIn = (file) =>
  readFileSync(file, 'utf8')
    .split(/^---$/m)
    .filter((doc) => /^kind: Deployment$/m.test(doc))
    .map((doc) => ({
      name: /^ {2}name: (\S+)$/m.exec(doc)[1],
      namespace: /^ {2}namespace: (\S+)$/m.exec(doc)?.[1] ?? 'default',
    }));
const key = (ns, name) => `${ns}/${name}`;

switch (rest[0]) {
  case 'kustomize':
    process.stdout.write(
      execFileSync(process.env.STAND_IN_KUBECTL ?? 'kubectl', ['kustomize', rest[1]], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }),
    );
    break;
  case 'apply': {
    const file = flag('-f');
    if (args.includes('--dry-run=server')) {
      process.stdout.write(
        'deployment.apps/harita-job-worker serverside-applied (server dry run)\n',
      );
      break;
    }
    for (const d of deploymentsIn(file)) {
      state.revisions[key(d.namespace, d.name)] =
        (state.revisions[key(d.namespace, d.name)] ?? 0) + 1;
      state.images[key(d.namespace, d.name)] = [
        ...readFileSync(file, 'utf8').matchAll(/image: (\S+)/g),
      ].map((m) => m[1]);
    }
    save();
    process.stdout.write('applied\n');
    break;
  }
  case 'diff':
    process.stdout.write('-  image: old\n+  image: new\n');
    process.exit(1);
    break;
  case 'get':
    if (rest[1] === 'deployment') {
      const revision = state.revisions[key(namespace, rest[2])];
      if (revision === undefined) {
        process.stderr.write(
          `Error from server (NotFound): deployments.apps "${rest[2]}" not found\n`,
        );
        process.exit(1);
      }
      process.stdout.write(String(revision));
    } else if (rest[1] === 'pods') {
      process.stdout.write(
        'NAME                       READY   STATUS             RESTARTS\nharita-job-worker-7c9-x2   0/1     ImagePullBackOff   0\n',
      );
    } else {
      process.stdout.write(
        'LAST SEEN   TYPE      REASON    MESSAGE\n12s         Warning   Failed    Failed to pull image: manifest unknown\n',
      );
    }
    break;
  case 'annotate':
    state.annotations[key(namespace, rest[2])] = rest.slice(3).filter((a) => a.includes('='));
    save();
    break;
  case 'rollout': {
    const name = rest[2].replace('deployment/', '');
    if (rest[1] === 'undo') {
      state.undone.push(key(namespace, name));
      state.revisions[key(namespace, name)] += 1;
      save();
      process.stdout.write(`deployment.apps/${name} rolled back\n`);
      break;
    }
    const outcome = process.env.STAND_IN_ROLLOUT ?? 'success';
    if (outcome === 'success')
      process.stdout.write(`deployment "${name}" successfully rolled out\n`);
    else if (outcome === 'timeout') {
      process.stderr.write('error: timed out waiting for the condition\n');
      process.exit(1);
    } else {
      process.stderr.write(`error: deployment "${name}" exceeded its progress deadline\n`);
      process.exit(1);
    }
    break;
  }
  default:
    process.stderr.write(`stand-in: ${args.join(' ')} is not modelled\n`);
    process.exit(2);
}
