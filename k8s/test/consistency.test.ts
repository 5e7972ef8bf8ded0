import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { K8S, build } from '../scripts/render.mjs';
import {
  type Charts,
  type ChartRelease,
  type K8sObject,
  checkDocsObjects,
  checkDocsReleases,
  checkImages,
  checkMonitoring,
  checkNamespaces,
  checkNetworkFlows,
  checkSecretReferences,
  checkServiceReferences,
  documentedSecrets,
  podTemplate,
  pushedImages,
  shellBlocks,
} from './consistency.js';
import { DATA_FLOW, SELF_HOSTED_API_FLOW, SMOKE_FLOW } from './data-flow.js';

// The consistency check over what is deployed (issue: production as the guide deploys it). No
// Kubernetes API server can run here, so this is what stands in for one: every reference the
// rendered overlays make resolves against the rendered objects, the charts' documented outputs,
// the documented commands and the workflows. Each check is then shown to fail, naming the thing,
// when one name changes (the mutation tests below).
const ROOT = `${K8S}../`;
const read = (path: string) => readFileSync(`${ROOT}${path}`, 'utf8');
const render = (overlay: string): K8sObject[] =>
  parseAllDocuments(build(overlay))
    .map((d) => d.toJSON() as K8sObject)
    .filter(Boolean);

const OVERLAYS = {
  staging: { dir: 'overlays/staging', namespace: 'harita-hive-staging', flow: DATA_FLOW },
  production: { dir: 'overlays/production', namespace: 'harita-hive', flow: DATA_FLOW },
  gpu: { dir: 'overlays/gpu', namespace: 'harita-hive', flow: DATA_FLOW },
  'self-hosted-api': {
    dir: 'overlays/self-hosted-api',
    namespace: 'harita-hive',
    flow: SELF_HOSTED_API_FLOW,
  },
} as const;
const rendered = Object.fromEntries(
  Object.entries(OVERLAYS).map(([name, o]) => [name, render(o.dir)]),
) as Record<keyof typeof OVERLAYS, K8sObject[]>;

const outputs = parse(read('k8s/charts/outputs.yaml')) as { releases: ChartRelease[] };
const charts: Charts = {
  releases: outputs.releases,
  values: Object.fromEntries(
    outputs.releases
      .map((r) => r.values)
      .filter((v) => v !== undefined)
      .map((file) => [file, parse(read(`k8s/charts/${file}`)) as unknown]),
  ),
};
const DOCS = {
  'docs/deployment.md': read('docs/deployment.md'),
  'docs/runbook.md': read('docs/runbook.md'),
};
const secrets = documentedSecrets(DOCS);
const releaseWorkflow = parse(read('.github/workflows/release.yml')) as Parameters<
  typeof checkImages
>[1];
const deployWorkflow = parse(read('.github/workflows/deploy.yml')) as Parameters<
  typeof checkImages
>[2];

const clone = <T>(value: T): T => structuredClone(value);
function mutate(objects: K8sObject[], kind: string, name: string, change: (o: K8sObject) => void) {
  const copy = clone(objects);
  const target = copy.find((o) => o.kind === kind && o.metadata.name === name);
  if (!target) throw new Error(`no ${kind} ${name} to mutate`);
  change(target);
  return copy;
}
const container = (o: K8sObject, name: string) => {
  const found = podTemplate(o)?.spec.containers.find((c) => c.name === name);
  if (!found) throw new Error(`no container ${name}`);
  return found as unknown as {
    env: { name: string; value?: string; valueFrom?: { secretKeyRef?: { key: string } } }[];
    image: string;
  };
};
const env = (o: K8sObject, containerName: string, variable: string) => {
  const found = container(o, containerName).env.find((e) => e.name === variable);
  if (!found) throw new Error(`no env ${variable}`);
  return found;
};

describe.each(Object.entries(OVERLAYS))('the %s overlay resolves', (name, overlay) => {
  const objects = rendered[name as keyof typeof OVERLAYS];

  it("every namespaced object in the overlay's namespace", () => {
    expect(checkNamespaces(objects, overlay.namespace)).toEqual([]);
  });
  it("each env var's and Ingress backend's Service host name and port", () => {
    expect(checkServiceReferences(objects, charts)).toEqual([]);
  });
  it('each secretKeyRef to a key the documented `kubectl create secret` (or a chart) makes', () => {
    expect(checkSecretReferences(objects, secrets, charts)).toEqual([]);
  });
  it('each ServiceMonitor to a Service port by name, each label to what the `monitoring` release selects', () => {
    expect(checkMonitoring(objects, charts)).toEqual([]);
  });
  it('each image to one release.yml pushes and deploy.yml pins', () => {
    expect(checkImages(objects, releaseWorkflow, deployWorkflow)).toEqual([]);
  });
  it("each edge of DESIGN.md's data flow is allowed by a NetworkPolicy, and nothing else is", () => {
    expect(checkNetworkFlows(objects, charts, overlay.namespace, overlay.flow)).toEqual([]);
  });
});

describe('the deploy smoke test (kind, .github/workflows/deploy-smoke.yml) resolves', () => {
  const objects = render('overlays/smoke');
  const smoke = parse(read('.github/workflows/deploy-smoke.yml')) as {
    jobs: Record<string, { steps: { run?: string }[] }>;
  };
  const script = Object.values(smoke.jobs)
    .flatMap((j) => j.steps.map((s) => s.run ?? ''))
    .join('\n')
    .replaceAll('"$NAMESPACE"', 'harita-hive');
  const made = documentedSecrets({ 'deploy-smoke.yml': `\`\`\`sh\n${script}\n\`\`\`\n` });

  /** The docs' Secrets the workflow makes with other keys, or not at all. */
  const drift = (workflowSecrets: typeof made) =>
    ['harita-secrets', 'harita-api', 'harita-model-serving-auth', 'harita-edge-tls'].filter(
      (name) =>
        JSON.stringify(workflowSecrets.find((s) => s.name === name)?.keys.sort()) !==
        JSON.stringify(secrets.find((s) => s.name === name)?.keys.sort()),
    );

  it('makes the Secrets the docs make, with the same keys, and its own', () => {
    expect(drift(made)).toEqual([]);
  });

  it('mutation: a key the docs make and the workflow does not (database-url) is caught', () => {
    const renamed = documentedSecrets({
      'deploy-smoke.yml': `\`\`\`sh\n${script.replace('--from-literal=database-url="postgresql://harita_dispatcher', '--from-literal=db-url="postgresql://harita_dispatcher')}\n\`\`\`\n`,
    });
    expect(drift(renamed)).toEqual(['harita-secrets']);
  });
  it('resolves every reference, and its policies allow the stand-ins exactly', () => {
    expect(checkNamespaces(objects, 'harita-hive')).toEqual([]);
    expect(checkServiceReferences(objects, charts)).toEqual([]);
    expect(checkSecretReferences(objects, made, charts)).toEqual([]);
    expect(checkMonitoring(objects, charts)).toEqual([]);
    expect(checkNetworkFlows(objects, charts, 'harita-hive', SMOKE_FLOW)).toEqual([]);
  });
  it("installs the releases with the docs' names and flags", () => {
    for (const release of [
      /helm install redis bitnami\/redis --namespace harita-hive --set auth.enabled=true/,
      /helm install minio bitnami\/minio --namespace harita-hive --set auth.rootUser=admin/,
      /helm install monitoring prometheus-community\/kube-prometheus-stack --namespace monitoring/,
      /-f k8s\/charts\/redis-values.yaml/,
      /-f k8s\/charts\/minio-values.yaml/,
    ])
      expect(script.replace(/\\\n\s*/g, ' ')).toMatch(release);
  });
});

describe("the deploy workflow's inputs", () => {
  const deploy = parse(read('.github/workflows/deploy.yml')) as {
    on: { workflow_dispatch: { inputs: { environment: { options: string[] } } } };
    jobs: { deploy: { steps: { id?: string; run?: string }[] } };
  };
  const step = deploy.jobs.deploy.steps.find((s) => s.id === 'overlay')?.run ?? '';
  /** The workflow's own step, run as the runner runs it, for one choice of inputs. */
  function choose(environment: string, gpu: boolean, api: boolean, script = step) {
    const dir = mkdtempSync(join(tmpdir(), 'harita-deploy-'));
    const output = join(dir, 'output');
    const result = spawnSync('bash', ['-e', '-c', script], {
      env: {
        ...process.env,
        ENVIRONMENT: environment,
        GPU: String(gpu),
        API: String(api),
        GITHUB_OUTPUT: output,
      },
      encoding: 'utf8',
    });
    const text = result.status === 0 ? readFileSync(output, 'utf8') : '';
    rmSync(dir, { recursive: true, force: true });
    const value = (key: string) => new RegExp(`^${key}=(.*)$`, 'm').exec(text)?.[1] ?? '';
    return {
      ok: result.status === 0,
      dir: value('dir'),
      images: value('images').split(' ').filter(Boolean),
    };
  }

  /** What a choice of inputs gets wrong: an overlay that does not render, pins that miss. */
  function pinProblems(environment: string, gpu: boolean, api: boolean, script = step): string[] {
    const chosen = choose(environment, gpu, api, script);
    const what = `${environment}, gpu ${String(gpu)}, self-hosted-api ${String(api)}`;
    if ((gpu || api) && (environment !== 'production' || (gpu && api)))
      return chosen.ok ? [`${what}: accepted, and no overlay is that`] : [];
    if (!chosen.ok) return [`${what}: refused`];
    const objects = render(chosen.dir.replace(/^k8s\//, ''));
    const running = new Set(
      objects.flatMap((o) => {
        const t = podTemplate(o);
        return t
          ? [...(t.spec.initContainers ?? []), ...t.spec.containers].map(
              (c) => /\/([^/:@]+)[:@]/.exec(c.image)?.[1] ?? c.image,
            )
          : [];
      }),
    );
    return [
      ...chosen.images
        .filter((i) => !running.has(i))
        .map((i) => `${what}: pins ${i}, which no container of ${chosen.dir} runs`),
      ...[...running]
        .filter((i) => !chosen.images.includes(i))
        .map((i) => `${what}: ${chosen.dir} runs ${i}, unpinned`),
    ];
  }

  it.each(
    deploy.on.workflow_dispatch.inputs.environment.options.flatMap((environment) =>
      [false, true].flatMap((gpu) => [false, true].map((api) => ({ environment, gpu, api }))),
    ),
  )(
    '$environment, gpu $gpu, self-hosted API $api: an overlay that renders, its images pinned',
    ({ environment, gpu, api }) => {
      expect(pinProblems(environment, gpu, api)).toEqual([]);
    },
  );

  it('mutation: the gpu choice pinning the CPU image is caught, naming both', () => {
    const script = step.replace(
      'images="harita-hive-worker harita-tensorflow-serving-gpu"',
      'images="harita-hive-worker harita-tensorflow-serving"',
    );
    expect(script).not.toBe(step);
    expect(pinProblems('production', true, false, script)).toEqual([
      'production, gpu true, self-hosted-api false: pins harita-tensorflow-serving, which no container of k8s/overlays/gpu runs',
      'production, gpu true, self-hosted-api false: k8s/overlays/gpu runs harita-tensorflow-serving-gpu, unpinned',
    ]);
  });

  it('mutation: staging with the gpu overlay accepted is caught', () => {
    const script = step.replace('[ "$ENVIRONMENT" != production ] ||', 'false ||');
    expect(script).not.toBe(step);
    expect(pinProblems('staging', true, false, script)).toEqual([
      'staging, gpu true, self-hosted-api false: accepted, and no overlay is that',
    ]);
  });
});

describe('the docs resolve', () => {
  const GUIDE_SECTIONS = [
    '1. Setup Secrets',
    '2. Deploy Infrastructure Dependencies',
    '3. Build and Push Container Images',
    '4. Deploy Harita Hive Components',
    '5. Deploy Supabase Edge Functions',
    'Configuration',
    'Monitoring and Observability',
    'Security Considerations',
    'Scaling',
    'Troubleshooting',
    'Backup and Recovery',
  ];
  const guideSections = (markdown: string) =>
    [...markdown.matchAll(/^## (.+)$/gm)]
      .map((m) => m[1] ?? '')
      .filter((h) => GUIDE_SECTIONS.includes(h));

  it("follow the guide's steps and sections in the guide's order", () => {
    expect(guideSections(DOCS['docs/deployment.md'])).toEqual(GUIDE_SECTIONS);
  });

  it('mutation: step 3 before step 2 is caught', () => {
    const swapped = DOCS['docs/deployment.md']
      .replace('## 2. Deploy Infrastructure Dependencies', '## TWO')
      .replace('## 3. Build and Push Container Images', '## 2. Deploy Infrastructure Dependencies')
      .replace('## TWO', '## 3. Build and Push Container Images');
    expect(guideSections(swapped)).not.toEqual(GUIDE_SECTIONS);
  });

  it('install exactly the releases whose outputs the check resolves against (k8s/charts/outputs.yaml)', () => {
    expect(checkDocsReleases(DOCS, charts)).toEqual([]);
  });

  it('mutation: a release renamed in the docs (redis as harita-redis) is caught', () => {
    const docs = {
      ...DOCS,
      'docs/deployment.md': DOCS['docs/deployment.md'].replace(
        'helm install redis bitnami/redis',
        'helm install harita-redis bitnami/redis',
      ),
    };
    expect(checkDocsReleases(docs, charts)).toEqual([
      'docs/deployment.md: `helm install harita-redis bitnami/redis` is no release of k8s/charts/outputs.yaml',
      'outputs.yaml release redis (bitnami/redis): no docs command installs it',
    ]);
  });

  it('mutation: a values file dropped from an install (minio-values.yaml) is caught', () => {
    const docs = {
      ...DOCS,
      'docs/deployment.md': DOCS['docs/deployment.md'].replace(
        '-f k8s/charts/minio-values.yaml',
        '',
      ),
    };
    expect(checkDocsReleases(docs, charts)).toEqual([
      'docs/deployment.md: release minio is installed without -f k8s/charts/minio-values.yaml',
    ]);
  });

  it('every object named in the shell blocks of docs/deployment.md and docs/runbook.md exists', () => {
    const objects = [...rendered.production, ...rendered.staging];
    expect(checkDocsObjects(DOCS, objects, charts, secrets)).toEqual([]);
  });

  it("make the guide's secret harita-secrets with the guide's keys, plus the dispatcher's database-url", () => {
    const made = secrets.filter((s) => s.name === 'harita-secrets');
    expect(made.length).toBeGreaterThan(0);
    for (const secret of made)
      expect(secret.keys).toEqual(
        expect.arrayContaining([
          'supabase-url',
          'supabase-service-key',
          'redis-password',
          'database-url',
        ]),
      );
  });

  it("install the guide's releases under the guide's names, with its flags", () => {
    const text = shellBlocks(DOCS['docs/deployment.md']).join('\n');
    expect(text).toMatch(
      /helm install redis bitnami\/redis --namespace harita-hive --set auth.enabled=true/,
    );
    expect(text).toMatch(
      /helm install minio bitnami\/minio --namespace harita-hive --set auth.rootUser=admin/,
    );
    expect(text).toMatch(
      /helm install monitoring prometheus-community\/kube-prometheus-stack --namespace monitoring/,
    );
    expect(text).toMatch(/helm install metrics-server /);
  });

  it("build the guide's images, under the names release.yml pushes", () => {
    const text = shellBlocks(DOCS['docs/deployment.md']).join('\n');
    const built = [...text.matchAll(/docker build .*-t [^ ]*\/([a-z0-9-]+):/g)].map((m) => m[1]);
    expect(built).toEqual(['harita-hive-worker', 'harita-tensorflow-serving']);
    for (const name of built) expect(pushedImages(releaseWorkflow)).toContain(name);
  });
});

describe('the dispatcher and the bucket step run what the worker image holds', () => {
  /** The image's own program (its ENTRYPOINT where it has one, else its CMD), and the dispatcher's. */
  function dispatcherProblems(objects: K8sObject[], dockerfile: string): string[] {
    const exec = (instruction: string) => {
      const m = new RegExp(`^${instruction} (\\[.*\\])$`, 'm').exec(dockerfile);
      return m?.[1] ? (JSON.parse(m[1]) as string[]) : undefined;
    };
    const program = exec('ENTRYPOINT') ?? exec('CMD') ?? [];
    const deployment = objects.find(
      (o) => o.kind === 'Deployment' && o.metadata.name === 'harita-dispatcher',
    );
    const c = deployment ? podTemplate(deployment)?.spec.containers[0] : undefined;
    const runs = [...(c?.command ?? program), ...(c?.args ?? [])].join(' ');
    const wanted = [...program, 'dispatch'].join(' ');
    return runs === wanted ? [] : [`harita-dispatcher runs \`${runs}\`, not \`${wanted}\``];
  }

  it("the dispatcher runs the image's program with the mode `dispatch`", () => {
    expect(dispatcherProblems(rendered.production, read('worker/Dockerfile'))).toEqual([]);
  });

  it('mutation: an image whose program moves to an ENTRYPOINT of its own is caught', () => {
    const moved = `${read('worker/Dockerfile')}\nENTRYPOINT ["harita-worker"]\n`;
    expect(dispatcherProblems(rendered.production, moved)).toEqual([
      'harita-dispatcher runs `node worker/dist/main.js dispatch`, not `harita-worker dispatch`',
    ]);
  });

  it('each command of the worker image names a script the worker builds', () => {
    for (const object of rendered.production) {
      const template = podTemplate(object);
      for (const c of [
        ...(template?.spec.initContainers ?? []),
        ...(template?.spec.containers ?? []),
      ]) {
        if (!c.image.includes('harita-hive-worker') || !c.command) continue;
        expect(c.command[0], c.name).toBe('node');
        const script = /^worker\/dist\/(.+)\.js$/.exec(c.command[1] ?? '')?.[1];
        expect(
          script && existsSync(`${ROOT}worker/src/${script}.ts`),
          `${c.name}: ${String(c.command[1])}`,
        ).toBe(true);
      }
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Mutation tests: one name changed, and the check fails naming it.

describe('mutation tests: the check fails, naming what was renamed', () => {
  const production = rendered.production;

  it('a secret key renamed in the worker (supabase-service-role-key)', () => {
    const mutated = mutate(production, 'Deployment', 'harita-job-worker', (o) => {
      const ref = env(o, 'worker', 'SUPABASE_SERVICE_ROLE_KEY').valueFrom?.secretKeyRef;
      if (ref) ref.key = 'supabase-service-role-key';
    });
    const problems = checkSecretReferences(mutated, secrets, charts);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      /harita-job-worker\/worker env SUPABASE_SERVICE_ROLE_KEY: Secret harita-secrets has no key supabase-service-role-key/,
    );
  });

  it('a key dropped from the documented `kubectl create secret` (database-url)', () => {
    const docs = {
      ...DOCS,
      'docs/deployment.md': DOCS['docs/deployment.md'].replaceAll(
        '--from-literal=database-url=',
        '--from-literal=db-url=',
      ),
    };
    const problems = checkSecretReferences(production, documentedSecrets(docs), charts);
    expect(problems.join('\n')).toMatch(
      /harita-dispatcher\/dispatcher env DATABASE_URL: Secret harita-secrets has no key database-url/,
    );
  });

  it("a chart's Secret key renamed (MinIO's root-user)", () => {
    const renamed = clone(charts);
    const minio = renamed.releases.find((r) => r.release === 'minio');
    if (minio?.secrets?.[0]) minio.secrets[0].keys = ['root-username', 'root-password'];
    expect(checkSecretReferences(production, secrets, renamed).join('\n')).toMatch(
      /S3_ACCESS_KEY_ID: Secret minio has no key root-user/,
    );
  });

  it('a Service port name renamed (the worker metrics Service: metrics to metric)', () => {
    const mutated = mutate(production, 'Service', 'harita-job-worker-metrics', (o) => {
      const ports = o.spec?.['ports'] as { name: string }[];
      if (ports[0]) ports[0].name = 'metric';
    });
    expect(checkMonitoring(mutated, charts)).toEqual([
      expect.stringMatching(
        /ServiceMonitor harita-job-worker: endpoint port metrics is no port name of Service harita-job-worker-metrics \(metric\)/,
      ),
    ]);
  });

  it('a Service label changed, so its ServiceMonitor selects nothing (harita-dispatcher)', () => {
    const mutated = mutate(production, 'Service', 'harita-dispatcher', (o) => {
      o.metadata.labels = { ...o.metadata.labels, app: 'dispatcher' };
    });
    expect(checkMonitoring(mutated, charts).join('\n')).toMatch(
      /ServiceMonitor harita-dispatcher: selects no Service/,
    );
  });

  it('a release label changed (release: kube-prometheus-stack on a ServiceMonitor)', () => {
    const mutated = mutate(production, 'ServiceMonitor', 'tensorflow-serving', (o) => {
      o.metadata.labels = { ...o.metadata.labels, release: 'kube-prometheus-stack' };
    });
    expect(checkMonitoring(mutated, charts)).toEqual([
      expect.stringMatching(
        /ServiceMonitor tensorflow-serving: labels .*"release":"kube-prometheus-stack".* are not what release monitoring selects/,
      ),
    ]);
  });

  it("the monitoring release renamed in the charts' outputs, but not in the kit (prometheus)", () => {
    const renamed = clone(charts);
    const monitoring = renamed.releases.find((r) => r.release === 'monitoring');
    if (monitoring?.selects)
      for (const kind of ['ServiceMonitor', 'PrometheusRule'])
        monitoring.selects[kind] = { release: 'prometheus' };
    const problems = checkMonitoring(production, renamed).join('\n');
    expect(problems).toMatch(
      /PrometheusRule harita-hive: labels .* are not what release monitoring selects \(\{"release":"prometheus"\}\)/,
    );
    expect(problems).toMatch(
      /chart redis: redis-values.yaml metrics.serviceMonitor.additionalLabels \{"release":"monitoring"\}/,
    );
  });

  it("a chart's ServiceMonitor label left at the old release (redis-values.yaml)", () => {
    const renamed = clone(charts);
    renamed.values['redis-values.yaml'] = {
      metrics: {
        enabled: true,
        serviceMonitor: { enabled: true, additionalLabels: { release: 'kube-prometheus-stack' } },
      },
    };
    expect(checkMonitoring(production, renamed)).toEqual([
      expect.stringMatching(
        /chart redis: .*additionalLabels \{"release":"kube-prometheus-stack"\} are not what release monitoring selects/,
      ),
    ]);
  });

  it("the Grafana dashboard's sidecar label removed", () => {
    const mutated = mutate(production, 'ConfigMap', 'harita-grafana-dashboard', (o) => {
      o.metadata.labels = { release: 'monitoring' };
    });
    expect(checkMonitoring(mutated, charts).join('\n')).toMatch(
      /ConfigMap harita-grafana-dashboard: labels .* not what release monitoring selects \(\{"grafana_dashboard":"1"\}\)/,
    );
  });

  it('a Service host renamed in an env var (REDIS_HOST=harita-redis-master)', () => {
    const mutated = mutate(production, 'Deployment', 'harita-dispatcher', (o) => {
      env(o, 'dispatcher', 'REDIS_HOST').value = 'harita-redis-master';
    });
    expect(checkServiceReferences(mutated, charts)).toEqual([
      expect.stringMatching(
        /harita-dispatcher\/dispatcher env REDIS_HOST=harita-redis-master: no Service harita-redis-master in namespace harita-hive/,
      ),
    ]);
  });

  it('a port changed in a URL (MODEL_SERVING_URL on 8500)', () => {
    const mutated = mutate(production, 'Deployment', 'harita-job-worker', (o) => {
      env(o, 'worker', 'MODEL_SERVING_URL').value = 'http://tensorflow-serving:8080';
    });
    expect(checkServiceReferences(mutated, charts)).toEqual([
      expect.stringMatching(
        /MODEL_SERVING_URL=http:\/\/tensorflow-serving:8080: Service tensorflow-serving in namespace harita-hive has no port 8080/,
      ),
    ]);
  });

  it('a Redis release installed without the exporter (metrics.enabled off): redis-metrics is gone', () => {
    const renamed = clone(charts);
    renamed.values['redis-values.yaml'] = { metrics: { enabled: false } };
    expect(checkMonitoring(production, renamed).join('\n')).toMatch(
      /chart redis: redis-values.yaml leaves metrics.serviceMonitor.enabled off/,
    );
  });

  it('an image renamed (harita-worker, the name before the guide)', () => {
    const mutated = mutate(production, 'Deployment', 'harita-dispatcher', (o) => {
      container(o, 'dispatcher').image = 'ghcr.io/harita-hive/harita-worker:0.1.0';
    });
    expect(checkImages(mutated, releaseWorkflow, deployWorkflow)).toEqual([
      expect.stringMatching(
        /Deployment harita-dispatcher\/dispatcher: image ghcr.io\/harita-hive\/harita-worker:0.1.0 is none release.yml pushes/,
      ),
    ]);
  });

  it('an image release.yml pushes but deploy.yml does not pin (harita-tensorflow-serving-gpu)', () => {
    const deploy = clone(deployWorkflow);
    for (const job of Object.values(deploy.jobs))
      for (const step of job.steps ?? [])
        if (step.run) step.run = step.run.replace(' harita-tensorflow-serving-gpu', '');
    expect(checkImages(rendered.gpu, releaseWorkflow, deploy).join('\n')).toMatch(
      /image harita-tensorflow-serving-gpu is not pinned by the deploy workflow/,
    );
  });

  it("a flow of the data flow cut (the dispatcher's egress to Redis)", () => {
    const mutated = mutate(production, 'NetworkPolicy', 'harita-dispatcher', (o) => {
      const egress = o.spec?.['egress'] as unknown[];
      egress.splice(0, 1);
    });
    expect(checkNetworkFlows(mutated, charts, 'harita-hive', DATA_FLOW)).toEqual([
      expect.stringMatching(
        /harita-dispatcher -> redis port 6379\/TCP \(the dispatcher enqueues into BullMQ\) is not allowed/,
      ),
    ]);
  });

  it('a flow no edge needs opened (Redis admits every pod of every namespace)', () => {
    const mutated = mutate(production, 'NetworkPolicy', 'redis', (o) => {
      (o.spec?.['ingress'] as { from: unknown[] }[])[0]?.from.push({ namespaceSelector: {} });
    });
    expect(checkNetworkFlows(mutated, charts, 'harita-hive', DATA_FLOW)).toEqual([
      'harita-hive: prometheus -> redis port 6379/TCP is allowed, and no edge of the data flow',
      'harita-hive: ingress-nginx -> redis port 6379/TCP is allowed, and no edge of the data flow',
      'harita-hive: kube-dns -> redis port 6379/TCP is allowed, and no edge of the data flow',
    ]);
  });

  it("a pod's egress opened to its whole namespace is held by the others' ingress (nothing new)", () => {
    const mutated = mutate(production, 'NetworkPolicy', 'harita-job-worker', (o) => {
      (o.spec?.['egress'] as unknown[]).push({ to: [{ podSelector: {} }] });
    });
    expect(checkNetworkFlows(mutated, charts, 'harita-hive', DATA_FLOW)).toEqual([]);
  });

  it('the egress to private addresses opened (the worker reaches any address on 443)', () => {
    const mutated = mutate(production, 'NetworkPolicy', 'harita-job-worker', (o) => {
      const egress = o.spec?.['egress'] as { to: { ipBlock?: { except?: string[] } }[] }[];
      for (const rule of egress)
        for (const peer of rule.to) if (peer.ipBlock) delete peer.ipBlock.except;
    });
    expect(checkNetworkFlows(mutated, charts, 'harita-hive', DATA_FLOW)).toEqual([
      'harita-hive: harita-job-worker -> private-network port 443/TCP is allowed, and no edge of the data flow',
    ]);
  });

  it("kustomize's commonLabels written into a peer's podSelector (DNS, as before this change)", () => {
    const mutated = mutate(production, 'NetworkPolicy', 'allow-dns', (o) => {
      const peer = (
        o.spec?.['egress'] as { to: { podSelector: { matchLabels: Record<string, string> } }[] }[]
      )[0]?.to[0];
      if (peer) peer.podSelector.matchLabels['app.kubernetes.io/part-of'] = 'harita-hive';
    });
    const problems = checkNetworkFlows(mutated, charts, 'harita-hive', DATA_FLOW);
    expect(problems).toContain(
      'harita-hive: harita-dispatcher -> kube-dns port 53/UDP (DNS) is not allowed by the NetworkPolicies',
    );
  });

  it('the ingress controller cut from model serving (the edge for synchronous inference)', () => {
    const mutated = mutate(production, 'NetworkPolicy', 'tensorflow-serving', (o) => {
      const from = (o.spec?.['ingress'] as { from: unknown[] }[])[1]?.from;
      from?.splice(0, 1);
    });
    expect(checkNetworkFlows(mutated, charts, 'harita-hive', DATA_FLOW)).toEqual([
      expect.stringMatching(/ingress-nginx -> tensorflow-serving port 8501\/TCP .* is not allowed/),
    ]);
  });

  it("an overlay's own objects left outside the namespace (the self-hosted API as first written)", () => {
    const mutated = mutate(rendered['self-hosted-api'], 'Deployment', 'harita-api', (o) => {
      delete o.metadata.namespace;
    });
    expect(checkNamespaces(mutated, 'harita-hive')).toEqual([
      "Deployment harita-api: in namespace (none: kubectl's current one), not harita-hive",
    ]);
  });

  it("an Ingress's basic-auth Secret undocumented (harita-model-serving-auth)", () => {
    const docs = {
      ...DOCS,
      'docs/deployment.md': DOCS['docs/deployment.md'].replace(
        /create secret generic harita-model-serving-auth/g,
        'create secret generic model-auth',
      ),
    };
    expect(checkSecretReferences(production, documentedSecrets(docs), charts).join('\n')).toMatch(
      /Ingress harita-model-serving basic auth: no documented command or chart makes Secret harita-model-serving-auth/,
    );
  });

  it('a second port on a URL host that its Service lacks (MODEL_SERVING_GRPC_PORT=9000)', () => {
    const mutated = mutate(production, 'Deployment', 'harita-job-worker', (o) => {
      env(o, 'worker', 'MODEL_SERVING_GRPC_PORT').value = '9000';
    });
    expect(checkServiceReferences(mutated, charts)).toEqual([
      expect.stringMatching(
        /MODEL_SERVING_GRPC_PORT=9000: Service tensorflow-serving in namespace harita-hive has no port 9000/,
      ),
    ]);
  });

  it('a docs command naming what the runbook named before (deploy/harita-redis-master)', () => {
    const docs = {
      ...DOCS,
      'docs/runbook.md': `${DOCS['docs/runbook.md']}\n\`\`\`sh\nkubectl -n harita-hive exec deploy/harita-redis-master -- redis-cli ping\nkubectl -n harita-hive get pods -l app=harita-worker\n\`\`\`\n`,
    };
    const problems = checkDocsObjects(docs, production, charts, secrets);
    expect(problems).toEqual([
      expect.stringMatching(
        /docs\/runbook.md: .* names deploy\/harita-redis-master, which nothing makes in harita-hive/,
      ),
      expect.stringMatching(/selects pods app=harita-worker, which match no pod in harita-hive/),
    ]);
  });

  it('a docs command naming a StatefulSet as a Deployment (deployment/redis-master)', () => {
    const docs = {
      'docs/x.md': '```sh\nkubectl -n harita-hive logs deployment/redis-master\n```\n',
    };
    expect(checkDocsObjects(docs, production, charts, secrets)).toEqual([
      expect.stringMatching(/names deployment\/redis-master, which nothing makes in harita-hive/),
    ]);
  });
});

describe('the evaluator of NetworkPolicies', () => {
  it('finds the namespace open where no policy selects a pod (the default deny removed)', () => {
    const open = production().filter((o) => o.kind !== 'NetworkPolicy');
    expect(checkNetworkFlows(open, charts, 'harita-hive', DATA_FLOW).length).toBeGreaterThan(20);
  });
});

function production(): K8sObject[] {
  return clone(rendered.production);
}
