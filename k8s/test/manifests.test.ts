import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import {
  K8S,
  build,
  prometheusRule,
  grafanaDashboard,
  DASHBOARD_FILE,
  stackManifest,
  RULE_FILE,
  STACK_FILE,
} from '../scripts/render.mjs';
import { modelFor } from './schemas.js';

// k8s/ as a cluster would receive it: every overlay built by kubectl's kustomize, every object
// checked against the schema of its kind, and the policies the platform promises, checked in code.
interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec?: Record<string, unknown>;
}
interface Container {
  name: string;
  image: string;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  livenessProbe?: unknown;
  readinessProbe?: unknown;
  securityContext?: {
    readOnlyRootFilesystem?: boolean;
    allowPrivilegeEscalation?: boolean;
    runAsNonRoot?: boolean;
    capabilities?: { drop?: string[] };
  };
  env?: { name: string; value?: string }[];
}
interface PodSpec {
  containers: Container[];
  securityContext?: { runAsNonRoot?: boolean; seccompProfile?: { type: string } };
  terminationGracePeriodSeconds?: number;
}

const OVERLAYS = [
  'overlays/staging',
  'overlays/production',
  'overlays/gpu',
  'overlays/self-hosted-api',
  'overlays/smoke',
  'optional/keda',
];
const objects = (directory: string): K8sObject[] =>
  parseAllDocuments(build(directory))
    .map((d) => d.toJSON() as K8sObject)
    .filter(Boolean);
function podSpec(object: K8sObject): PodSpec {
  const spec = (object.spec?.['template'] as { spec?: PodSpec } | undefined)?.spec;
  if (!spec) throw new Error(`${object.kind} ${object.metadata.name} has no pod template`);
  return spec;
}
const workloads = (list: K8sObject[]) => list.filter((o) => o.kind === 'Deployment');
function named(list: K8sObject[], kind: string, name: string): K8sObject {
  const found = list.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name}`);
  return found;
}
function firstContainer(pod: PodSpec): Container {
  const [container] = pod.containers;
  if (!container) throw new Error('a pod without containers');
  return container;
}

describe.each(OVERLAYS)('%s', (overlay) => {
  const list = objects(overlay);

  it('builds, and every object validates against the schema of its kind', () => {
    expect(list.length).toBeGreaterThan(0);
    for (const object of list) {
      const Model = modelFor(object.apiVersion, object.kind);
      if (!Model) throw new Error(`${object.apiVersion} ${object.kind}: no schema covers it`);
      expect(() => {
        new Model(object).validate();
      }, `${object.kind} ${object.metadata.name}`).not.toThrow();
    }
  });

  it('gives every container requests, limits, probes, a non-root user, a read-only root and a pinned image', () => {
    for (const workload of workloads(list)) {
      const pod = podSpec(workload);
      expect(pod.securityContext?.runAsNonRoot, workload.metadata.name).toBe(true);
      expect(pod.securityContext?.seccompProfile?.type).toBe('RuntimeDefault');
      for (const container of pod.containers) {
        const where = `${workload.metadata.name}/${container.name}`;
        for (const side of ['requests', 'limits'] as const) {
          expect(container.resources?.[side]?.['cpu'], `${where} ${side}.cpu`).toBeDefined();
          expect(container.resources?.[side]?.['memory'], `${where} ${side}.memory`).toBeDefined();
        }
        expect(container.livenessProbe, `${where} liveness`).toBeDefined();
        expect(container.readinessProbe, `${where} readiness`).toBeDefined();
        expect(container.securityContext?.readOnlyRootFilesystem, where).toBe(true);
        expect(container.securityContext?.allowPrivilegeEscalation, where).toBe(false);
        expect(container.securityContext?.capabilities?.drop, where).toEqual(['ALL']);
        expect(container.image, `${where}: a registry image with a tag`).toMatch(
          /^[a-z0-9.-]+\/[^:]+:[\w.-]+$/,
        );
        expect(container.image, where).not.toMatch(/:latest$/);
      }
    }
  });

  it('denies all traffic by default in each namespace, and restricts its pods', () => {
    const namespaces = new Set(list.map((o) => o.metadata.namespace).filter(Boolean));
    for (const namespace of namespaces) {
      const deny = list.find(
        (o) =>
          o.kind === 'NetworkPolicy' &&
          o.metadata.namespace === namespace &&
          JSON.stringify(o.spec?.['podSelector']) === '{}' &&
          JSON.stringify(o.spec?.['policyTypes']) === '["Ingress","Egress"]' &&
          !o.spec?.['ingress'] &&
          !o.spec?.['egress'],
      );
      expect(deny, `default deny in ${String(namespace)}`).toBeDefined();
      const object = named(list, 'Namespace', String(namespace));
      expect(
        object.metadata.labels?.['pod-security.kubernetes.io/enforce'],
        String(namespace),
      ).toBe('restricted');
    }
  });
});

describe('production', () => {
  const list = objects('overlays/production');

  it("runs the seed's worker: harita-job-worker, 1 CPU and 1 GiB, the guide's secret keys, a grace period past its drain", () => {
    const worker = named(list, 'Deployment', 'harita-job-worker');
    const pod = podSpec(worker);
    expect(worker.metadata.labels?.['app']).toBe('harita-job-worker');
    const container = firstContainer(pod);
    expect(container.resources).toEqual({
      requests: { cpu: '1', memory: '1Gi' },
      limits: { cpu: '1', memory: '1Gi' },
    });
    const secretKeys = (container.env ?? [])
      .map(
        (e) =>
          (e as { valueFrom?: { secretKeyRef?: { name: string; key: string } } }).valueFrom
            ?.secretKeyRef,
      )
      .filter((ref) => ref !== undefined)
      .map((ref) => `${ref.name}/${ref.key}`);
    // The guide's harita-secrets keys, and the S3 root user from the Secret the MinIO chart makes.
    expect(secretKeys.sort()).toEqual([
      'harita-secrets/redis-password',
      'harita-secrets/supabase-service-key',
      'harita-secrets/supabase-url',
      'minio/root-password',
      'minio/root-user',
    ]);
    const drain = Number(container.env?.find((e) => e.name === 'SHUTDOWN_GRACE_SECONDS')?.value);
    // SIGTERM waits the drain, then up to SHUTDOWN_CLOSE_SECONDS for Redis to confirm the close.
    const close = /SHUTDOWN_CLOSE_SECONDS = (\d+)/.exec(
      readFileSync(new URL('../../worker/src/shutdown.ts', import.meta.url), 'utf8'),
    )?.[1];
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(drain + Number(close));
    expect(container.env?.find((e) => e.name === 'WORKER_CONCURRENCY')?.value).toBe('5');
  });

  it('runs the dispatcher: the worker image in its dispatch mode, 2 replicas, a PDB, only the database and Redis', () => {
    const dispatcher = named(list, 'Deployment', 'harita-dispatcher');
    const worker = firstContainer(podSpec(named(list, 'Deployment', 'harita-job-worker')));
    const container = firstContainer(podSpec(dispatcher)) as Container & {
      args?: string[];
      ports?: { name: string; containerPort: number }[];
    };
    expect(container.image).toBe(worker.image);
    expect(container.args).toEqual(['dispatch']);
    expect(container.ports).toEqual([{ name: 'metrics', containerPort: 9400 }]);
    expect(dispatcher.spec?.['replicas']).toBe(2);
    expect(named(list, 'PodDisruptionBudget', 'harita-dispatcher').spec?.['minAvailable']).toBe(1);
    expect((container.env ?? []).map((e) => e.name).sort()).toEqual([
      'DATABASE_URL',
      'HEALTH_PORT',
      'REDIS_HOST',
      'REDIS_PASSWORD',
      'REDIS_PORT',
    ]);
  });

  it('autoscales the worker from 3 replicas on CPU and memory, and TF Serving from 2, with disruption budgets', () => {
    const hpa = named(list, 'HorizontalPodAutoscaler', 'harita-job-worker').spec as {
      minReplicas: number;
      metrics: { resource: { name: string } }[];
    };
    expect(hpa.minReplicas).toBeGreaterThanOrEqual(3);
    expect(hpa.metrics.map((m) => m.resource.name).sort()).toEqual(['cpu', 'memory']);
    expect(
      (
        named(list, 'HorizontalPodAutoscaler', 'tensorflow-serving').spec as {
          minReplicas: number;
        }
      ).minReplicas,
    ).toBeGreaterThanOrEqual(2);
    expect(named(list, 'PodDisruptionBudget', 'harita-job-worker')).toBeDefined();
    const serving = firstContainer(podSpec(named(list, 'Deployment', 'tensorflow-serving')));
    expect(serving.resources?.limits).toEqual({ cpu: '2', memory: '2Gi' });
    expect(JSON.stringify(serving.readinessProbe)).toContain('/v1/models/landcover');
  });

  it('has the alert rules of the compose stack, the very ones of monitoring/alerts.yml', () => {
    const rule = named(list, 'PrometheusRule', 'harita-hive');
    const source = parse(readFileSync(`${K8S}../monitoring/alerts.yml`, 'utf8')) as {
      groups: unknown;
    };
    expect(rule.spec?.['groups']).toEqual(source.groups);
    expect(readFileSync(RULE_FILE, 'utf8')).toBe(prometheusRule());
  });

  it("ships the compose stack's Grafana dashboard, the very one of monitoring/grafana, for the sidecar", () => {
    const configMap = named(list, 'ConfigMap', 'harita-grafana-dashboard') as K8sObject & {
      data: Record<string, string>;
    };
    const source = readFileSync(
      `${K8S}../monitoring/grafana/dashboards/harita-overview.json`,
      'utf8',
    );
    expect(configMap.metadata.labels?.['grafana_dashboard']).toBe('1');
    expect(configMap.data['harita-overview.json']).toBe(source);
    // A stale render (the dashboard edited, not rendered again) is caught:
    expect(readFileSync(DASHBOARD_FILE, 'utf8')).toBe(grafanaDashboard());
    expect(grafanaDashboard().replace('harita_queue_jobs', 'harita_queue')).not.toBe(
      readFileSync(DASHBOARD_FILE, 'utf8'),
    );
  });

  it('is what k8s/manifests/harita-hive-stack.yaml holds (render it again when this fails)', () => {
    expect(readFileSync(STACK_FILE, 'utf8')).toBe(stackManifest());
  });
});

describe('the GPU overlay', () => {
  it('runs the GPU image on one GPU per replica, tolerating GPU nodes', () => {
    const serving = named(objects('overlays/gpu'), 'Deployment', 'tensorflow-serving');
    const pod = podSpec(serving) as PodSpec & { tolerations?: { key: string }[] };
    expect(firstContainer(pod).image).toMatch(/harita-tensorflow-serving-gpu:/);
    expect(firstContainer(pod).resources?.limits?.['nvidia.com/gpu']).toBe('1');
    expect(pod.tolerations?.map((t) => t.key)).toContain('nvidia.com/gpu');
  });
});

describe('the Bitnami chart values', () => {
  it("keep the guide's flags and add one master, append-only, metrics, and no chart NetworkPolicy", () => {
    const redis = parse(readFileSync(`${K8S}charts/redis-values.yaml`, 'utf8')) as Record<
      string,
      Record<string, unknown>
    >;
    // The guide's --set flags (auth, password, the 10 Gi volume) are left to the command.
    expect(redis['auth']).toBeUndefined();
    expect(redis['architecture']).toBe('standalone');
    expect(redis['metrics']?.['enabled']).toBe(true);
    expect(redis['commonConfiguration']).toContain('appendonly yes');
    expect(redis['networkPolicy']).toEqual({ enabled: false });
    const minio = parse(readFileSync(`${K8S}charts/minio-values.yaml`, 'utf8')) as Record<
      string,
      Record<string, unknown>
    >;
    expect(minio['auth']).toBeUndefined();
    expect(minio['metrics']?.['serviceMonitor']).toMatchObject({ enabled: true });
    expect(minio['networkPolicy']).toEqual({ enabled: false });
  });
});
