import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { K8S, build } from '../scripts/render.mjs';

// Monitoring that counts right with N replicas: KEDA's query is the one promtool proves in
// monitoring/alerts.test.yml, and promtool's tests fail when the count is taken per exporter
// again (sum instead of max) or the service-down alert loses a Kubernetes job name.
const MONITORING = `${K8S}../monitoring/`;
const alertsTest = parse(readFileSync(`${MONITORING}alerts.test.yml`, 'utf8')) as {
  tests: { name: string; promql_expr_test?: { expr: string }[] }[];
};
const alerts = readFileSync(`${MONITORING}alerts.yml`, 'utf8');

describe("KEDA's trigger", () => {
  const scaled = parseAllDocuments(build('optional/keda'))
    .map((d) => d.toJSON() as { kind: string; spec: Record<string, unknown> })
    .find((o) => o.kind === 'ScaledObject');
  const trigger = (scaled?.spec['triggers'] as { metadata: Record<string, string> }[])[0];

  it('queries what promtool proves with several exporters, verbatim', () => {
    const proven = alertsTest.tests.flatMap((t) => (t.promql_expr_test ?? []).map((e) => e.expr));
    expect(proven).toContain(trigger?.metadata['query']);
    expect(trigger?.metadata['query']).toMatch(/^sum\(max by \(state\) \(harita_queue_jobs\{/);
  });

  it('mutation: a query promtool does not prove (the exporters added up) is caught', () => {
    const proven = alertsTest.tests.flatMap((t) => (t.promql_expr_test ?? []).map((e) => e.expr));
    const mutated = trigger?.metadata['query']?.replace('max by (state)', 'sum by (state)');
    expect(mutated).not.toBe(trigger?.metadata['query']);
    expect(proven).not.toContain(mutated);
  });

  it("counts as the pending alert does (the max over exporters), against the `monitoring` release's Prometheus", () => {
    expect(alerts).toMatch(
      /sum by \(namespace\) \(max by \(namespace, state\) \(harita_queue_jobs\{state=~"waiting\|prioritized\|delayed"\}\)\) > 100/,
    );
    expect(trigger?.metadata['query']).toContain('state=~"waiting|prioritized|delayed"');
    expect(trigger?.metadata['serverAddress']).toBe(
      'http://monitoring-kube-prometheus-prometheus.monitoring:9090',
    );
    expect(scaled?.spec['maxReplicaCount']).toBe(12);
  });
});

interface Rule {
  alert: string;
  expr: string;
}
/** The alerts whose aggregations drop `namespace`, which AlertmanagerConfig routes match on. */
function droppingNamespace(text: string): string[] {
  const { groups } = parse(text) as { groups: { name: string; rules: Rule[] }[] };
  return groups
    .filter((g) => g.name !== 'harita-resources') // node-level: the nodes' namespace is no app's
    .flatMap((g) => g.rules)
    .filter((r) =>
      [...r.expr.matchAll(/\b(?:by|without)\s*\(([^)]*)\)/g)].some(
        (m) =>
          !(m[1] ?? '')
            .split(',')
            .map((l) => l.trim())
            .includes('namespace'),
      ),
    )
    .map((r) => r.alert);
}

describe("the alerts keep `namespace`, which the AlertmanagerConfig's routes need", () => {
  it('in every aggregation of every Harita alert', () => {
    expect(droppingNamespace(alerts)).toEqual([]);
  });
  it('mutation: an aggregation by type alone is caught (HaritaJobFailureRateHigh)', () => {
    expect(
      droppingNamespace(alerts.replaceAll('sum by (namespace, type)', 'sum by (type)')),
    ).toEqual(['HaritaJobFailureRateHigh']);
  });
});

/** promtool: on the PATH, or in the Prometheus image compose runs (docker). */
function promtool():
  ((dir: string, args: string[]) => { ok: boolean; output: string }) | undefined {
  if (spawnSync('promtool', ['--version']).status === 0)
    return (dir, args) => {
      const r = spawnSync('promtool', args, { cwd: dir, encoding: 'utf8' });
      return { ok: r.status === 0, output: r.stdout + r.stderr };
    };
  if (spawnSync('docker', ['version']).status !== 0) return undefined;
  const table = readFileSync(`${K8S}../compose/images.tsv`, 'utf8');
  const row = table.split('\n').find((line) => line.startsWith('PROMETHEUS_IMAGE'));
  const [, publicImage = '', offlineImage = ''] = row?.split(/\s+/) ?? [];
  const present = (image: string) => spawnSync('docker', ['image', 'inspect', image]).status === 0;
  const chosen = process.env['PROMETHEUS_IMAGE']?.trim();
  const image = chosen ?? (present(offlineImage) ? offlineImage : publicImage);
  return (dir, args) => {
    const r = spawnSync(
      'docker',
      ['run', '--rm', '--entrypoint', 'promtool', '-v', `${dir}:/m:ro`, '-w', '/m', image, ...args],
      { encoding: 'utf8' },
    );
    return { ok: r.status === 0, output: r.stdout + r.stderr };
  };
}

const run = promtool();
const scratch = mkdtempSync(join(tmpdir(), 'harita-promtool-'));
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

/** A copy of monitoring/ with one file changed, for promtool. */
function mutated(file: 'alerts.yml' | 'alerts.test.yml', from: string, to: string): string {
  const dir = mkdtempSync(join(scratch, 'm-'));
  cpSync(MONITORING, dir, { recursive: true });
  const text = readFileSync(join(dir, file), 'utf8');
  expect(text, `${file} holds ${from}`).toContain(from);
  writeFileSync(join(dir, file), text.replaceAll(from, to));
  // The docker daemon's user reads the copy.
  execFileSync('chmod', ['-R', 'a+rX', dir]);
  return dir;
}

describe.skipIf(!run)('promtool (no promtool and no docker here: skipped)', () => {
  const test = (dir: string) =>
    run?.(dir, ['test', 'rules', 'alerts.test.yml']) ?? { ok: false, output: '' };

  it('passes every case of monitoring/alerts.test.yml, 3, 12 and 2 exporters among them', () => {
    const result = test(MONITORING);
    expect(result.output).toContain('SUCCESS');
    expect(result.ok).toBe(true);
  });

  it('fails when the pending alert adds the exporters up (sum instead of max)', () => {
    const result = test(
      mutated('alerts.yml', 'max by (namespace, state)', 'sum by (namespace, state)'),
    );
    expect(result.ok).toBe(false);
    expect(result.output).toMatch(/alertname: HaritaPendingJobsHigh/);
  });

  it("fails when KEDA's query adds the exporters up", () => {
    const result = test(
      mutated('alerts.test.yml', "expr: 'sum(max by (state)", "expr: 'sum(sum by (state)"),
    );
    expect(result.ok).toBe(false);
    expect(result.output).toMatch(/expr: "sum\(sum by \(state\)/);
  });

  it('fails when the service-down alert loses a Kubernetes job name (tensorflow-serving)', () => {
    const result = test(mutated('alerts.yml', '|tensorflow-serving|', '|'));
    expect(result.ok).toBe(false);
    expect(result.output).toMatch(/alertname: HaritaServiceDown/);
    expect(result.output).toContain('tensorflow-serving');
  });
});
