import { isIP } from 'node:net';

// One consistency check over what is deployed: the rendered overlays, the charts' documented
// outputs (k8s/charts/outputs.yaml) with the values files, the docs' shell blocks and the
// workflows. Each check is a pure function returning the problems it found, each naming what
// does not resolve, so the mutation tests can rename one thing and see it named.

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
}
interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string } };
}
interface Container {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  env?: EnvVar[];
  ports?: { name?: string; containerPort: number; protocol?: string }[];
}
interface PodTemplate {
  metadata?: { labels?: Record<string, string> };
  spec: { containers: Container[]; initContainers?: Container[] };
}
interface Port {
  name?: string;
  port: number;
  protocol?: string;
}

export interface ChartRelease {
  release: string;
  chart?: string;
  namespace: string;
  values?: string;
  ingressClass?: string;
  services?: { name: string; when?: string; labels?: Record<string, string>; ports: Port[] }[];
  secrets?: { name: string; keys: string[] }[];
  pods?: { labels: Record<string, string>; ports: Port[] }[];
  workloads?: string[];
  serviceMonitors?: { name: string; when?: string; labels: string }[];
  selects?: Record<string, Record<string, string>>;
}
export interface Charts {
  releases: ChartRelease[];
  /** Each values file, parsed, by its name in k8s/charts/. */
  values: Record<string, unknown>;
}

/** The namespace the charts of the guide's step 2 go to: the kit's namespace of each overlay. */
const APP_NAMESPACE = 'harita-hive';

export const podTemplate = (o: K8sObject): PodTemplate | undefined =>
  o.spec?.['template'] as PodTemplate | undefined;
const allContainers = (t: PodTemplate): Container[] => [
  ...(t.spec.initContainers ?? []),
  ...t.spec.containers,
];
const where = (o: K8sObject, c?: Container) =>
  `${o.metadata.namespace ?? '-'} ${o.kind} ${o.metadata.name}${c ? `/${c.name}` : ''}`;
const matches = (selector: Record<string, string> | undefined, labels: Record<string, string>) =>
  Object.entries(selector ?? {}).every(([k, v]) => labels[k] === v);

/** A dotted path into parsed YAML (metrics.serviceMonitor.enabled). */
export function valueAt(tree: unknown, path: string): unknown {
  let node = tree;
  for (const part of path.split('.')) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

/** What a chart makes in a namespace: its release's Services, Secrets and pods, `when` honoured. */
function chartObjects(charts: Charts, namespace: string) {
  const releases = charts.releases.filter(
    (r) =>
      (r.namespace === APP_NAMESPACE ? namespace.startsWith(APP_NAMESPACE) : false) ||
      r.namespace === namespace,
  );
  const holds = (r: ChartRelease, when?: string) =>
    when === undefined || valueAt(r.values ? charts.values[r.values] : undefined, when) === true;
  return {
    services: releases.flatMap((r) =>
      (r.services ?? []).filter((s) => holds(r, s.when)).map((s) => ({ ...s, release: r.release })),
    ),
    secrets: releases.flatMap((r) => r.secrets ?? []),
    workloads: releases.flatMap((r) => r.workloads ?? []),
  };
}

// ---------------------------------------------------------------------------------------------
// 0. Every namespaced object is in the overlay's namespace: one without a namespace would land in
// whichever namespace kubectl's context names (the guide's `kubectl apply -f` names none).

const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'ClusterIssuer']);

export function checkNamespaces(objects: K8sObject[], namespace: string): string[] {
  return objects
    .filter((o) => !CLUSTER_SCOPED.has(o.kind) && o.metadata.namespace !== namespace)
    .map(
      (o) =>
        `${o.kind} ${o.metadata.name}: in namespace ${o.metadata.namespace ?? "(none: kubectl's current one)"}, not ${namespace}`,
    );
}

// ---------------------------------------------------------------------------------------------
// 1. Each env var's Service host name and port exists (and each Ingress backend).

/** host[:port] of a URL or a bare host; undefined for what is no in-cluster name. */
function hostPort(value: string): { host: string; port?: number } | undefined {
  const url = /^[a-z][a-z0-9+.-]*:\/\/([^/:?#]+)(?::(\d+))?/i.exec(value);
  if (url?.[1]) return url[2] ? { host: url[1], port: Number(url[2]) } : { host: url[1] };
  if (/^[a-z0-9-]+(\.[a-z0-9-]+)*$/.test(value) && !/^\d+$/.test(value)) return { host: value };
  return undefined;
}
const DEFAULT_PORTS: Record<string, number> = { http: 80, https: 443 };

export function checkServiceReferences(objects: K8sObject[], charts: Charts): string[] {
  const problems: string[] = [];
  const resolve = (namespace: string, host: string, port: number | undefined, what: string) => {
    const [name, hostNamespace] = host.split('.');
    // Only names inside the cluster: a bare name, name.namespace, or name.namespace.svc...
    if (
      !name ||
      (hostNamespace !== undefined && !host.includes('.svc') && host.split('.').length > 2)
    )
      return;
    const ns = hostNamespace ?? namespace;
    const rendered = objects
      .filter(
        (o) =>
          o.kind === 'Service' &&
          o.metadata.name === name &&
          (o.metadata.namespace ?? namespace) === ns,
      )
      .map((o) => (o.spec?.['ports'] as Port[] | undefined) ?? []);
    const fromCharts = chartObjects(charts, ns)
      .services.filter((s) => s.name === name)
      .map((s) => s.ports);
    const candidates = [...rendered, ...fromCharts];
    if (candidates.length === 0) {
      problems.push(`${what}: no Service ${name} in namespace ${ns} (rendered or made by a chart)`);
    } else if (
      port !== undefined &&
      !candidates.some((ports) => ports.some((p) => p.port === port))
    ) {
      problems.push(`${what}: Service ${name} in namespace ${ns} has no port ${port}`);
    }
  };
  for (const object of objects) {
    const namespace = object.metadata.namespace ?? APP_NAMESPACE;
    const template = podTemplate(object);
    if (template) {
      for (const container of allContainers(template)) {
        const env = new Map((container.env ?? []).map((e) => [e.name, e.value]));
        for (const variable of container.env ?? []) {
          if (variable.value === undefined) continue;
          const what = `${where(object, container)} env ${variable.name}=${variable.value}`;
          const urlOfPort = /^(.+?)_(?:GRPC_)?PORT$/.exec(variable.name)?.[1];
          const url = urlOfPort === undefined ? undefined : env.get(`${urlOfPort}_URL`);
          if (/_HOST$/.test(variable.name)) {
            const portVar = env.get(variable.name.replace(/_HOST$/, '_PORT'));
            resolve(
              namespace,
              variable.value,
              portVar === undefined ? undefined : Number(portVar),
              what,
            );
          } else if (url !== undefined) {
            // A second port on a URL's host (MODEL_SERVING_GRPC_PORT beside MODEL_SERVING_URL).
            const target = hostPort(url);
            if (target) resolve(namespace, target.host, Number(variable.value), what);
          } else if (/_(URL|ENDPOINT)$/.test(variable.name)) {
            const target = hostPort(variable.value);
            const scheme = /^([a-z]+):/.exec(variable.value)?.[1] ?? '';
            if (target) resolve(namespace, target.host, target.port ?? DEFAULT_PORTS[scheme], what);
          }
        }
      }
    }
    if (object.kind === 'Ingress') {
      const rules = (object.spec?.['rules'] ?? []) as {
        http?: { paths: { backend: { service: { name: string; port: { number?: number } } } }[] };
      }[];
      for (const rule of rules)
        for (const path of rule.http?.paths ?? []) {
          const { name, port } = path.backend.service;
          resolve(
            namespace,
            name,
            port.number,
            `${where(object)} backend ${name}:${String(port.number)}`,
          );
        }
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// 2. Each secretKeyRef (and each Secret an Ingress names) is one the documented commands make.

export interface DocumentedSecret {
  name: string;
  namespace: string;
  keys: string[];
  /** Where it comes from: a docs file, or a chart's release. */
  source: string;
}

/** The shell blocks of a Markdown file, joined line continuations and all. */
export function shellBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/```(?:sh|bash|shell|console)\n([\s\S]*?)```/g)].map((m) =>
    (m[1] ?? '').replace(/\\\n\s*/g, ' '),
  );
}

/** The Secrets `kubectl create secret` lines in the docs make, with their keys. */
export function documentedSecrets(files: Record<string, string>): DocumentedSecret[] {
  const secrets: DocumentedSecret[] = [];
  for (const [file, text] of Object.entries(files)) {
    for (const block of shellBlocks(text)) {
      for (const line of block.split('\n')) {
        const command = /kubectl\b.*\bcreate secret (generic|tls) ([a-z0-9-]+)(.*)/.exec(line);
        if (!command) continue;
        const [, type, name = '', rest = ''] = command;
        const namespace = /(?:-n|--namespace)[ =]([a-z0-9-]+)/.exec(line)?.[1] ?? 'default';
        const keys =
          type === 'tls'
            ? ['tls.crt', 'tls.key']
            : [...rest.matchAll(/--from-(?:literal|file)=([A-Za-z0-9._-]+)(=?)/g)].map((m) =>
                // --from-file=path takes the file's name as its key; key=path names the key.
                m[2] ? (m[1] ?? '') : ((m[1] ?? '').split('/').pop() ?? ''),
              );
        secrets.push({ name, namespace, keys, source: file });
      }
    }
  }
  return secrets;
}

export function checkSecretReferences(
  objects: K8sObject[],
  documented: DocumentedSecret[],
  charts: Charts,
): string[] {
  const problems: string[] = [];
  const check = (namespace: string, name: string, key: string, what: string) => {
    // A Secret made in the guide's namespace is made in each of the kit's namespaces alike.
    const made = [
      ...documented.filter(
        (s) => s.name === name && (s.namespace === namespace || namespace.startsWith(s.namespace)),
      ),
      ...chartObjects(charts, namespace).secrets.filter((s) => s.name === name),
    ];
    if (made.length === 0)
      problems.push(`${what}: no documented command or chart makes Secret ${name}`);
    else if (!made.some((s) => s.keys.includes(key)))
      problems.push(
        `${what}: Secret ${name} has no key ${key} (made with ${[...new Set(made.flatMap((s) => s.keys))].join(', ')})`,
      );
  };
  for (const object of objects) {
    const namespace = object.metadata.namespace ?? APP_NAMESPACE;
    const template = podTemplate(object);
    for (const container of template ? allContainers(template) : [])
      for (const variable of container.env ?? []) {
        const ref = variable.valueFrom?.secretKeyRef;
        if (ref)
          check(namespace, ref.name, ref.key, `${where(object, container)} env ${variable.name}`);
      }
    if (object.kind === 'Ingress') {
      const auth = object.metadata.annotations?.['nginx.ingress.kubernetes.io/auth-secret'];
      if (auth) check(namespace, auth, 'auth', `${where(object)} basic auth`);
      const certificates = objects.filter((o) => o.kind === 'Certificate');
      for (const tls of (object.spec?.['tls'] ?? []) as { secretName: string }[]) {
        const byCertManager = certificates.some((c) => c.spec?.['secretName'] === tls.secretName);
        if (!byCertManager) check(namespace, tls.secretName, 'tls.crt', `${where(object)} tls`);
      }
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// 3. Each ServiceMonitor (and rule, dashboard) is picked up, and selects a Service port by name.

export function checkMonitoring(objects: K8sObject[], charts: Charts): string[] {
  const problems: string[] = [];
  const selects = Object.fromEntries(
    charts.releases.flatMap((r) =>
      Object.entries(r.selects ?? {}).map(([kind, labels]) => [kind, { labels, by: r.release }]),
    ),
  ) as Record<string, { labels: Record<string, string>; by: string } | undefined>;
  for (const object of objects) {
    const selector = selects[object.kind];
    const isDashboard = object.kind === 'ConfigMap' && object.metadata.name.includes('dashboard');
    if (selector && (object.kind !== 'ConfigMap' || isDashboard)) {
      if (!matches(selector.labels, object.metadata.labels ?? {}))
        problems.push(
          `${where(object)}: labels ${JSON.stringify(object.metadata.labels ?? {})} are not what release ${selector.by} selects (${JSON.stringify(selector.labels)})`,
        );
    }
    if (object.kind !== 'ServiceMonitor') continue;
    const spec = object.spec as {
      selector: { matchLabels?: Record<string, string> };
      endpoints: { port?: string }[];
    };
    const services = objects.filter(
      (o) =>
        o.kind === 'Service' &&
        o.metadata.namespace === object.metadata.namespace &&
        matches(spec.selector.matchLabels, o.metadata.labels ?? {}),
    );
    if (services.length === 0)
      problems.push(
        `${where(object)}: selects no Service (${JSON.stringify(spec.selector.matchLabels)})`,
      );
    for (const endpoint of spec.endpoints)
      for (const service of services) {
        const ports = (service.spec?.['ports'] as Port[] | undefined) ?? [];
        if (!ports.some((p) => p.name === endpoint.port))
          problems.push(
            `${where(object)}: endpoint port ${String(endpoint.port)} is no port name of Service ${service.metadata.name} (${ports.map((p) => p.name).join(', ')})`,
          );
      }
  }
  // The charts' own ServiceMonitors, labelled through their values files.
  const wanted = selects['ServiceMonitor'];
  for (const release of charts.releases)
    for (const monitor of release.serviceMonitors ?? []) {
      const values = release.values ? charts.values[release.values] : undefined;
      if (monitor.when && valueAt(values, monitor.when) !== true) {
        problems.push(
          `chart ${release.release}: ${String(release.values)} leaves ${monitor.when} off: its metrics are scraped by nothing`,
        );
        continue;
      }
      const labels = (valueAt(values, monitor.labels) ?? {}) as Record<string, string>;
      if (wanted && !matches(wanted.labels, labels))
        problems.push(
          `chart ${release.release}: ${String(release.values)} ${monitor.labels} ${JSON.stringify(labels)} are not what release ${wanted.by} selects (${JSON.stringify(wanted.labels)})`,
        );
    }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// 4. Each image is one release.yml pushes (and one the deploy workflow pins).

interface Workflow {
  jobs: Record<
    string,
    {
      strategy?: { matrix?: Record<string, unknown> };
      steps?: { run?: string; with?: Record<string, string>; uses?: string }[];
    }
  >;
}

/** The image names release.yml pushes (the last part of each ghcr.io/<owner>/<name>). */
export function pushedImages(release: Workflow): string[] {
  const names: string[] = [];
  for (const job of Object.values(release.jobs)) {
    const matrix = JSON.stringify(job.strategy?.matrix ?? {});
    const pushes = (job.steps ?? []).some((s) => s.uses?.endsWith('actions/build-push'));
    if (!pushes) continue;
    for (const m of matrix.matchAll(/"(?:name|image)":"([a-z0-9-]+)"/g)) if (m[1]) names.push(m[1]);
  }
  return names;
}

export function checkImages(objects: K8sObject[], release: Workflow, deploy: Workflow): string[] {
  const problems: string[] = [];
  const pushed = pushedImages(release);
  const deployScript = Object.values(deploy.jobs)
    .flatMap((j) => j.steps ?? [])
    .map((s) => s.run ?? '')
    .join('\n');
  const pinned = /for name in ([a-z0-9 -]+); do/.exec(deployScript)?.[1]?.trim().split(/\s+/) ?? [];
  for (const object of objects) {
    const template = podTemplate(object);
    for (const container of template ? allContainers(template) : []) {
      const name = /^[^/]+\/[^/]+\/([^:@]+)/.exec(container.image)?.[1];
      if (!name || !pushed.includes(name))
        problems.push(
          `${where(object, container)}: image ${container.image} is none release.yml pushes (${pushed.join(', ')})`,
        );
      else if (!pinned.includes(name))
        problems.push(
          `${where(object, container)}: image ${name} is not pinned by the deploy workflow (${pinned.join(', ')})`,
        );
    }
  }
  for (const name of pinned)
    if (!pushed.includes(name))
      problems.push(`deploy.yml pins ${name}, which release.yml does not push`);
  return problems;
}

// ---------------------------------------------------------------------------------------------
// 5. Each edge of DESIGN.md's data flow is allowed by a NetworkPolicy, and nothing else is.

export interface Endpoint {
  /** What the flows call it: a Deployment's app label, a chart's pods, or `internet`. */
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  ports: Port[];
  /** For what is outside the cluster. */
  ip?: string;
}
export interface Flow {
  from: string;
  to: string;
  port: number;
  protocol?: string;
  why: string;
}
interface PolicyPeer {
  podSelector?: { matchLabels?: Record<string, string> };
  namespaceSelector?: { matchLabels?: Record<string, string> };
  ipBlock?: { cidr: string; except?: string[] };
}
interface PolicyRule {
  from?: PolicyPeer[];
  to?: PolicyPeer[];
  ports?: { port?: number | string; protocol?: string }[];
}
interface PolicySpec {
  podSelector: { matchLabels?: Record<string, string> };
  policyTypes?: string[];
  ingress?: PolicyRule[];
  egress?: PolicyRule[];
}

function inCidr(ip: string, cidr: string): boolean {
  const [base = '', bitsText = '0'] = cidr.split('/');
  const bits = Number(bitsText);
  const family = isIP(ip);
  if (family !== isIP(base)) return false;
  const toBig = (address: string): bigint => {
    if (family === 4) return address.split('.').reduce((n, part) => (n << 8n) + BigInt(part), 0n);
    const [head = '', tail = ''] = address.split('::');
    const left = head ? head.split(':') : [];
    const right = tail ? tail.split(':') : [];
    const groups = [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
    return groups.reduce((n, g) => (n << 16n) + BigInt(parseInt(g || '0', 16)), 0n);
  };
  const width = family === 4 ? 32 : 128;
  const shift = BigInt(width - bits);
  return toBig(ip) >> shift === toBig(base) >> shift;
}

/** The endpoints: the overlay's pods, the charts' pods, and addresses outside the cluster. */
export function endpoints(objects: K8sObject[], charts: Charts, namespace: string): Endpoint[] {
  const list: Endpoint[] = [];
  for (const object of objects) {
    const template = podTemplate(object);
    if (!template || object.kind === 'Job') continue;
    const labels = template.metadata?.labels ?? {};
    list.push({
      name: labels['app'] ?? object.metadata.name,
      namespace: object.metadata.namespace ?? namespace,
      labels,
      ports: template.spec.containers.flatMap((c) =>
        (c.ports ?? []).map((p) => ({
          ...(p.name ? { name: p.name } : {}),
          port: p.containerPort,
          protocol: p.protocol ?? 'TCP',
        })),
      ),
    });
  }
  for (const release of charts.releases)
    for (const pod of release.pods ?? [])
      list.push({
        name: pod.labels['app.kubernetes.io/name'] ?? pod.labels['k8s-app'] ?? release.release,
        namespace: release.namespace === APP_NAMESPACE ? namespace : release.namespace,
        labels: pod.labels,
        ports: pod.ports,
      });
  // Supabase (the API and its database) answers on public addresses, IPv4 and IPv6; another
  // node or a cloud's metadata service on private ones.
  const outside = [443, 5432, 6543, 80, 22, 6379, 9000];
  list.push({ name: 'internet', ip: '203.0.113.10', ports: outside.map((port) => ({ port })) });
  list.push({ name: 'internet', ip: '2001:db8::10', ports: outside.map((port) => ({ port })) });
  list.push({ name: 'private-network', ip: '10.20.0.5', ports: outside.map((port) => ({ port })) });
  list.push({ name: 'private-network', ip: '169.254.169.254', ports: [{ port: 80 }] });
  return list;
}

const namespaceLabels = (namespace: string) => ({ 'kubernetes.io/metadata.name': namespace });

function peerMatches(peer: PolicyPeer, policyNamespace: string, endpoint: Endpoint): boolean {
  if (peer.ipBlock) {
    if (!endpoint.ip) return false;
    return (
      inCidr(endpoint.ip, peer.ipBlock.cidr) &&
      !(peer.ipBlock.except ?? []).some((cidr) => inCidr(endpoint.ip ?? '', cidr))
    );
  }
  if (!endpoint.namespace) return false;
  const namespaceOk = peer.namespaceSelector
    ? matches(peer.namespaceSelector.matchLabels, namespaceLabels(endpoint.namespace))
    : endpoint.namespace === policyNamespace;
  const podOk = peer.podSelector
    ? matches(peer.podSelector.matchLabels, endpoint.labels ?? {})
    : true;
  return namespaceOk && podOk;
}

function portMatches(rule: PolicyRule, target: Endpoint, port: Port): boolean {
  if (!rule.ports || rule.ports.length === 0) return true;
  return rule.ports.some(
    (p) =>
      (p.protocol ?? 'TCP') === (port.protocol ?? 'TCP') &&
      (p.port === undefined ||
        p.port === port.port ||
        (typeof p.port === 'string' &&
          target.ports.some((q) => q.name === p.port && q.port === port.port))),
  );
}

function allowedBy(
  policies: K8sObject[],
  direction: 'Ingress' | 'Egress',
  self: Endpoint,
  peer: Endpoint,
  target: Endpoint,
  port: Port,
): boolean {
  if (!self.namespace) return true; // outside the cluster: no policy of ours applies
  const selecting = policies.filter((p) => {
    const spec = p.spec as unknown as PolicySpec;
    return (
      p.metadata.namespace === self.namespace &&
      (spec.policyTypes ?? ['Ingress']).includes(direction) &&
      matches(spec.podSelector.matchLabels, self.labels ?? {})
    );
  });
  if (selecting.length === 0) return true; // not isolated
  return selecting.some((p) => {
    const spec = p.spec as unknown as PolicySpec;
    const rules = (direction === 'Ingress' ? spec.ingress : spec.egress) ?? [];
    return rules.some((rule) => {
      const peers = direction === 'Ingress' ? rule.from : rule.to;
      const peerOk =
        !peers ||
        peers.length === 0 ||
        peers.some((q) => peerMatches(q, p.metadata.namespace ?? '', peer));
      return peerOk && portMatches(rule, target, port);
    });
  });
}

const flowKey = (f: { from: string; to: string; port: number; protocol?: string }) =>
  `${f.from} -> ${f.to} port ${f.port}/${f.protocol ?? 'TCP'}`;

/** Every connection the policies allow that starts or ends in the kit's namespace. */
export function allowedFlows(objects: K8sObject[], charts: Charts, namespace: string): Set<string> {
  const policies = objects.filter((o) => o.kind === 'NetworkPolicy');
  const all = endpoints(objects, charts, namespace);
  const allowed = new Set<string>();
  for (const source of all)
    for (const target of all) {
      if (source === target && source.ip) continue;
      if (source.namespace !== namespace && target.namespace !== namespace) continue;
      if (source.name === target.name && source.namespace === target.namespace) continue;
      for (const port of target.ports)
        if (
          allowedBy(policies, 'Egress', source, target, target, port) &&
          allowedBy(policies, 'Ingress', target, source, target, port)
        )
          allowed.add(
            flowKey({
              from: source.name,
              to: target.name,
              port: port.port,
              ...(port.protocol ? { protocol: port.protocol } : {}),
            }),
          );
    }
  return allowed;
}

export function checkNetworkFlows(
  objects: K8sObject[],
  charts: Charts,
  namespace: string,
  flows: Flow[],
): string[] {
  // The evaluator reads matchLabels only: a matchExpressions would be read as "every pod".
  const unread = objects
    .filter(
      (o) => o.kind === 'NetworkPolicy' && JSON.stringify(o.spec).includes('matchExpressions'),
    )
    .map((o) => `${where(o)}: uses matchExpressions, which this check does not evaluate`);
  if (unread.length > 0) return unread;
  const allowed = allowedFlows(objects, charts, namespace);
  const names = new Set(
    endpoints(objects, charts, namespace)
      .filter((e) => e.namespace === namespace)
      .map((e) => e.name),
  );
  const expected = new Set(
    flows.flatMap((f) =>
      (f.from === '*' ? [...names] : [f.from]).map((from) => flowKey({ ...f, from })),
    ),
  );
  const problems: string[] = [];
  for (const flow of flows)
    for (const from of flow.from === '*' ? [...names] : [flow.from]) {
      const key = flowKey({ ...flow, from });
      if (!allowed.has(key))
        problems.push(`${namespace}: ${key} (${flow.why}) is not allowed by the NetworkPolicies`);
    }
  for (const key of allowed)
    if (!expected.has(key))
      problems.push(`${namespace}: ${key} is allowed, and no edge of the data flow`);
  return problems;
}

// ---------------------------------------------------------------------------------------------
// 6. Every object the docs' shell blocks name exists, rendered or made by a chart.

const KINDS: Record<string, string> = {
  deployment: 'Deployment',
  deploy: 'Deployment',
  statefulset: 'StatefulSet',
  sts: 'StatefulSet',
  svc: 'Service',
  service: 'Service',
  hpa: 'HorizontalPodAutoscaler',
  secret: 'Secret',
  configmap: 'ConfigMap',
  ingress: 'Ingress',
  networkpolicy: 'NetworkPolicy',
  pdb: 'PodDisruptionBudget',
};

export function checkDocsObjects(
  files: Record<string, string>,
  objects: K8sObject[],
  charts: Charts,
  documented: DocumentedSecret[],
): string[] {
  const problems: string[] = [];
  const exists = (kind: string, name: string, namespace: string) => {
    if (
      objects.some(
        (o) =>
          o.kind === kind &&
          o.metadata.name === name &&
          (o.metadata.namespace ?? namespace) === namespace,
      )
    )
      return true;
    const made = charts.releases.filter((r) => r.namespace === namespace);
    if (kind === 'Service')
      return made.some((r) => (r.services ?? []).some((s) => s.name === name));
    if (kind === 'Secret')
      return (
        made.some((r) => (r.secrets ?? []).some((s) => s.name === name)) ||
        documented.some((s) => s.name === name && s.namespace === namespace)
      );
    return made.some((r) =>
      (r.workloads ?? []).some((w) => w.toLowerCase() === `${kind.toLowerCase()}/${name}`),
    );
  };
  const podsMatch = (selector: string, namespace: string) => {
    const wanted: Record<string, string> = Object.fromEntries(
      selector.split(',').map((pair) => pair.split('=') as [string, string]),
    );
    const templates = objects
      .filter((o) => (o.metadata.namespace ?? namespace) === namespace)
      .map((o) => podTemplate(o)?.metadata?.labels)
      .filter((l) => l !== undefined);
    const chartPods = charts.releases
      .filter((r) => r.namespace === namespace)
      .flatMap((r) => (r.pods ?? []).map((p) => p.labels));
    return [...templates, ...chartPods].some((labels) => matches(wanted, labels));
  };
  for (const [file, text] of Object.entries(files))
    for (const block of shellBlocks(text))
      for (const line of block.split('\n')) {
        if (!/^\s*kubectl\b/.test(line)) continue;
        if (/\bcreate (secret|namespace)\b|\bapply\b|\bkustomize\b/.test(line)) continue;
        const namespace = /(?:-n|--namespace)[ =]([a-z0-9-]+)/.exec(line)?.[1] ?? APP_NAMESPACE;
        for (const m of line.matchAll(/\b([a-z]+)\/([a-z0-9][a-z0-9.-]*[a-z0-9])\b/g)) {
          const kind = KINDS[m[1] ?? ''];
          if (kind && !exists(kind, m[2] ?? '', namespace))
            problems.push(
              `${file}: \`${line.trim()}\` names ${m[1] ?? ''}/${m[2] ?? ''}, which nothing makes in ${namespace}`,
            );
        }
        const get =
          /\b(?:get|describe|top)\s+(hpa|secret|secrets|svc|service|deployment|statefulset|pdb|ingress|networkpolicy|configmap)\s+([a-z0-9][a-z0-9-]*)\b/.exec(
            line,
          );
        if (get) {
          const kind = KINDS[(get[1] ?? '').replace(/s$/, '')];
          if (kind && !exists(kind, get[2] ?? '', namespace))
            problems.push(
              `${file}: \`${line.trim()}\` names ${kind} ${get[2] ?? ''}, which nothing makes in ${namespace}`,
            );
        }
        for (const m of line.matchAll(
          /(?:-l|--selector)[ =]([a-z0-9./-]+=[a-z0-9.-]+(?:,[a-z0-9./-]+=[a-z0-9.-]+)*)/g,
        ))
          if (!podsMatch(m[1] ?? '', namespace))
            problems.push(
              `${file}: \`${line.trim()}\` selects pods ${m[1] ?? ''}, which match no pod in ${namespace}`,
            );
      }
  return problems;
}

/** Each `helm install` of the docs is a release of k8s/charts/outputs.yaml (name, chart,
 * namespace, values file), and each release there is installed by the docs. */
export function checkDocsReleases(files: Record<string, string>, charts: Charts): string[] {
  const problems: string[] = [];
  const installed: { name: string; chart: string; namespace: string; values: string[] }[] = [];
  for (const [file, text] of Object.entries(files))
    for (const block of shellBlocks(text))
      for (const line of block.split('\n')) {
        const m = /^\s*helm install ([a-z0-9-]+) ([a-z0-9-]+\/[a-z0-9-]+)(.*)$/.exec(line);
        if (!m) continue;
        const [, name = '', chart = '', rest = ''] = m;
        const namespace =
          /--namespace[ =]("?)([a-z0-9-]+|\$NAMESPACE)\1/.exec(rest)?.[2] ?? 'default';
        const values = [...rest.matchAll(/-f k8s\/charts\/([a-z0-9.-]+)/g)].map((v) => v[1] ?? '');
        installed.push({ name, chart, namespace, values });
        const release = charts.releases.find((r) => r.release === name);
        if (!release) {
          problems.push(
            `${file}: \`helm install ${name} ${chart}\` is no release of k8s/charts/outputs.yaml`,
          );
          continue;
        }
        if (release.chart !== chart || release.namespace !== namespace)
          problems.push(
            `${file}: release ${name} is ${chart} in ${namespace}; outputs.yaml has ${String(release.chart)} in ${release.namespace}`,
          );
        if (release.values && !values.includes(release.values))
          problems.push(
            `${file}: release ${name} is installed without -f k8s/charts/${release.values}`,
          );
      }
  for (const release of charts.releases)
    if (release.chart && !installed.some((i) => i.name === release.release))
      problems.push(
        `outputs.yaml release ${release.release} (${release.chart}): no docs command installs it`,
      );
  return problems;
}
