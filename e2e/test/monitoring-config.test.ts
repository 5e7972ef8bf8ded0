import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { METRICS } from '@harita/contracts';
import { imageFor } from '../src/images.js';
import { metricNames } from '../src/prom-ql.js';

// The monitoring configuration as files: the alert rules checked and unit-tested by promtool, the
// Prometheus and Alertmanager configs by their own checkers (from the images the stack runs), and
// the Grafana dashboards (Grafana has no offline image to load them here) checked panel by panel.
const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));

async function inImage(variable: string, entrypoint: string, args: string[]): Promise<string> {
  const { stdout, stderr } = await run('docker', [
    'run',
    '--rm',
    '--entrypoint',
    entrypoint,
    '-v',
    `${root}monitoring:/monitoring:ro`,
    '-v',
    `${root}compose/prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro`,
    '-v',
    `${root}monitoring/alerts.yml:/etc/prometheus/rules/alerts.yml:ro`,
    '-v',
    `${root}compose/alertmanager:/alertmanager-config:ro`,
    '-w',
    '/monitoring',
    imageFor(variable),
    ...args,
  ]);
  return stdout + stderr;
}

/** What the services export: the contracts' names, model serving's (TF Serving's), the node exporter's. */
function exported(name: string): boolean {
  const base = name.replace(/_(bucket|count|sum)$/, '');
  return (
    (Object.values(METRICS) as string[]).includes(base) ||
    /^:tensorflow:serving:(request_count|request_latency|runtime_latency|request_example_counts)(_bucket|_count|_sum)?$/.test(
      name,
    ) ||
    /^node_(memory_MemAvailable_bytes|memory_MemTotal_bytes|filesystem_avail_bytes|filesystem_size_bytes)$/.test(
      name,
    ) ||
    /^process_(resident_memory_bytes|cpu_seconds_total)$/.test(name) ||
    name === 'up'
  );
}

describe('monitoring configuration', () => {
  it('the alert rules pass promtool check rules and every case of promtool test rules', async () => {
    expect(await inImage('PROMETHEUS_IMAGE', 'promtool', ['check', 'rules', 'alerts.yml'])).toMatch(
      /SUCCESS: 8 rules found/,
    );
    expect(
      await inImage('PROMETHEUS_IMAGE', 'promtool', ['test', 'rules', 'alerts.test.yml']),
    ).toMatch(/SUCCESS/);
  });

  it("the alert rules name only metrics the services export, and cover the seed's alerts", () => {
    const text = readFileSync(`${root}monitoring/alerts.yml`, 'utf8');
    const exprs = [...text.matchAll(/expr: (?:\|\n)?([\s\S]*?)\n\s+(?:for|labels):/g)].map(
      (m) => m[1] ?? '',
    );
    expect(exprs).toHaveLength(8);
    for (const expr of exprs)
      for (const name of metricNames(expr)) expect(exported(name), `${name} in ${expr}`).toBe(true);
    for (const alert of [
      'HaritaServiceDown',
      'HaritaApiErrorRateHigh',
      'HaritaInferenceLatencyHigh',
      'HaritaMemoryHigh',
      'HaritaDiskHigh',
      'HaritaPendingJobsHigh',
    ]) {
      expect(text).toContain(`alert: ${alert}`);
    }
  });

  it("Prometheus' config passes promtool check config and Alertmanager's amtool check-config", async () => {
    expect(
      await inImage('PROMETHEUS_IMAGE', 'promtool', [
        'check',
        'config',
        '/etc/prometheus/prometheus.yml',
      ]),
    ).toMatch(/SUCCESS/);
    expect(
      await inImage('ALERTMANAGER_IMAGE', 'amtool', [
        'check-config',
        '/alertmanager-config/alertmanager.yml',
      ]),
    ).toMatch(/SUCCESS/);
  });

  it('every Grafana panel queries the provisioned Prometheus for metrics the services export', () => {
    const datasource = readFileSync(
      `${root}monitoring/grafana/provisioning/datasources/prometheus.yml`,
      'utf8',
    );
    expect(datasource).toMatch(/uid: prometheus/);
    expect(datasource).toMatch(/url: http:\/\/prometheus:9090/);
    const dashboard = JSON.parse(
      readFileSync(`${root}monitoring/grafana/dashboards/harita-overview.json`, 'utf8'),
    ) as {
      uid: string;
      panels: { title: string; datasource: { uid: string }; targets: { expr: string }[] }[];
    };
    expect(dashboard.uid).toBe('harita-overview');
    const titles = dashboard.panels.map((p) => p.title.toLowerCase()).join(' | ');
    for (const topic of [
      'queue depth',
      'jobs finished',
      'duration',
      'failed',
      'inference request latency',
      'inference throughput',
      'api error rate',
      'api latency',
      'memory',
      'cpu',
    ]) {
      expect(titles).toContain(topic);
    }
    for (const panel of dashboard.panels) {
      expect(panel.datasource.uid, panel.title).toBe('prometheus');
      expect(panel.targets.length, panel.title).toBeGreaterThan(0);
      for (const target of panel.targets) {
        const names = metricNames(target.expr);
        expect(names.length, target.expr).toBeGreaterThan(0);
        for (const name of names) expect(exported(name), `${panel.title}: ${name}`).toBe(true);
      }
    }
  });
});

describe('metricNames', () => {
  it('finds the metrics of an expression, not its functions, labels or keywords', () => {
    expect(
      metricNames(
        'histogram_quantile(0.95, sum by (le, model) (rate(a_bucket{outcome="ok", le="2"}[5m]))) / on(x) b > 2 and c',
      ),
    ).toEqual(['a_bucket', 'b', 'c']);
    expect(
      metricNames('sum by (model_name) (rate(:tensorflow:serving:request_count[5m]))'),
    ).toEqual([':tensorflow:serving:request_count']);
  });
});
