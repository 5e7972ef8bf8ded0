import type { Flow } from './consistency.js';

// DESIGN.md's data flow, as connections inside and out of the kit's namespace: what the
// NetworkPolicies must allow, and all they may allow (k8s/test/consistency.test.ts).
// `internet` is Supabase (the API and its database) on public addresses.
export const DATA_FLOW: Flow[] = [
  { from: 'harita-job-worker', to: 'redis', port: 6379, why: 'the worker takes jobs from BullMQ' },
  {
    from: 'harita-job-worker',
    to: 'minio',
    port: 9000,
    why: 'the worker reads rasters, writes COGs',
  },
  {
    from: 'harita-job-worker',
    to: 'tensorflow-serving',
    port: 8500,
    why: 'the worker predicts (gRPC)',
  },
  {
    from: 'harita-job-worker',
    to: 'tensorflow-serving',
    port: 8501,
    why: 'the worker predicts (REST, the fallback)',
  },
  {
    from: 'harita-job-worker',
    to: 'internet',
    port: 443,
    why: 'job events to the API on Supabase',
  },
  {
    from: 'harita-dispatcher',
    to: 'redis',
    port: 6379,
    why: 'the dispatcher enqueues into BullMQ',
  },
  {
    from: 'harita-dispatcher',
    to: 'internet',
    port: 5432,
    why: 'LISTEN and claims on the Supabase database',
  },
  {
    from: 'harita-dispatcher',
    to: 'internet',
    port: 6543,
    why: "the database's other pooler port",
  },
  {
    from: 'ingress-nginx',
    to: 'minio',
    port: 9000,
    why: 'presigned uploads and downloads, through the TLS edge',
  },
  {
    from: 'ingress-nginx',
    to: 'tensorflow-serving',
    port: 8501,
    why: "the API's synchronous inference, through the TLS edge",
  },
  { from: 'prometheus', to: 'harita-job-worker', port: 9400, why: 'metrics' },
  { from: 'prometheus', to: 'harita-dispatcher', port: 9400, why: 'metrics (the queue depth)' },
  { from: 'prometheus', to: 'tensorflow-serving', port: 8501, why: 'metrics' },
  { from: 'prometheus', to: 'redis', port: 9121, why: "metrics (the chart's exporter)" },
  { from: 'prometheus', to: 'minio', port: 9000, why: 'metrics' },
  { from: '*', to: 'kube-dns', port: 53, protocol: 'UDP', why: 'DNS' },
  { from: '*', to: 'kube-dns', port: 53, protocol: 'TCP', why: 'DNS' },
];

/** With the API self-hosted (k8s/overlays/self-hosted-api): these besides. */
export const SELF_HOSTED_API_FLOW: Flow[] = [
  ...DATA_FLOW,
  {
    from: 'ingress-nginx',
    to: 'harita-api',
    port: 8000,
    why: "the API's clients, through the TLS edge",
  },
  { from: 'prometheus', to: 'harita-api', port: 8000, why: "metrics (the API's 5xx alert)" },
  { from: 'harita-api', to: 'minio', port: 9000, why: 'the API checks uploads, signs URLs' },
  { from: 'harita-api', to: 'tensorflow-serving', port: 8501, why: 'synchronous inference' },
  { from: 'harita-api', to: 'internet', port: 5432, why: 'its database' },
  { from: 'harita-api', to: 'internet', port: 6543, why: "its database's other pooler port" },
  { from: 'harita-api', to: 'internet', port: 443, why: "Supabase Auth's keys (JWKS)" },
];

/** The deploy smoke test's stand-ins (k8s/overlays/smoke): a Postgres, the API in the cluster. */
export const SMOKE_FLOW: Flow[] = [
  ...SELF_HOSTED_API_FLOW,
  { from: 'harita-api', to: 'postgres', port: 5432, why: "the API's database, standing in" },
  { from: 'harita-dispatcher', to: 'postgres', port: 5432, why: 'the jobs table, standing in' },
  {
    from: 'harita-job-worker',
    to: 'harita-api',
    port: 8000,
    why: 'job events to the API in the cluster',
  },
];
