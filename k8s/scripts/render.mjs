// Renders what k8s/ generates: the PrometheusRule from monitoring/alerts.yml (the one alert
// source compose uses too), the Grafana dashboard's ConfigMap from monitoring/grafana (the one
// compose provisions), and the seed's single-file manifest from the production overlay.
//   node k8s/scripts/render.mjs   (npm run render --workspace k8s)
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';

export const K8S = fileURLToPath(new URL('..', import.meta.url));
const ALERTS = fileURLToPath(new URL('../../monitoring/alerts.yml', import.meta.url));
const DASHBOARD = fileURLToPath(
  new URL('../../monitoring/grafana/dashboards/harita-overview.json', import.meta.url),
);
export const RULE_FILE = `${K8S}base/monitoring/prometheus-rule.yaml`;
export const DASHBOARD_FILE = `${K8S}base/monitoring/grafana-dashboard.yaml`;
export const STACK_FILE = `${K8S}manifests/harita-hive-stack.yaml`;

/** monitoring/alerts.yml as a PrometheusRule, its groups unchanged. */
export function prometheusRule() {
  const { groups } = parse(readFileSync(ALERTS, 'utf8'));
  const rule = {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: { name: 'harita-hive' },
    spec: { groups },
  };
  return `# Generated from monitoring/alerts.yml by k8s/scripts/render.mjs: edit that file, then render.\n${stringify(rule, { lineWidth: 0 })}`;
}

/** The compose stack's Grafana dashboard as a ConfigMap for kube-prometheus-stack's dashboard sidecar. */
export function grafanaDashboard() {
  const configMap = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'harita-grafana-dashboard', labels: { grafana_dashboard: '1' } },
    data: { 'harita-overview.json': readFileSync(DASHBOARD, 'utf8') },
  };
  return `# Generated from monitoring/grafana/dashboards by k8s/scripts/render.mjs: edit that file, then render.\n${stringify(configMap, { lineWidth: 0 })}`;
}

/** An overlay (or any kustomization directory under k8s/) built by kubectl's kustomize. */
export function build(directory) {
  // Newer kustomize warns on stderr about the v2 fields; they are kept so kubectl 1.20 builds too.
  return execFileSync('kubectl', ['kustomize', `${K8S}${directory}`], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

export function stackManifest() {
  return `# Harita Hive's production stack: generated from k8s/overlays/production by
# k8s/scripts/render.mjs (npm run render --workspace k8s); a test fails when it is stale.
# Apply as the guide does: kubectl apply -f k8s/manifests/harita-hive-stack.yaml (docs/deployment.md, step 4)
${build('overlays/production')}`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(RULE_FILE, prometheusRule());
  writeFileSync(DASHBOARD_FILE, grafanaDashboard());
  writeFileSync(STACK_FILE, stackManifest());
  console.log(`wrote ${RULE_FILE}, ${DASHBOARD_FILE} and ${STACK_FILE}`);
}
