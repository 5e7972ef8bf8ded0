import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectContainers } from '../src/compose-project.js';
import { metricNames } from '../src/prom-ql.js';

// The README's first command on the whole compose stack, from the images this run built or
// chose (the offline set here): up and healthy, the demo flow through the API, Prometheus
// scraping every service and the job metrics moved, then torn down with nothing left behind.
// Its own project name and ports, so a developer's running stack is left alone.
const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
const PROJECT = 'harita-smoke';
const PORTS: Record<string, number> = {
  REDIS_PORT: 26379,
  POSTGRES_PORT: 25432,
  OBJECT_STORE_PORT: 29000,
  PROMETHEUS_PORT: 29090,
  ALERTMANAGER_PORT: 29093,
  API_PORT: 28000,
  WORKER_METRICS_PORT: 29400,
  DISPATCHER_METRICS_PORT: 29401,
  MODEL_SERVING_PORT: 28501,
  MODEL_SERVING_GRPC_PORT: 28500,
  GRAFANA_PORT: 23000,
};
const prometheus = `http://127.0.0.1:${String(PORTS['PROMETHEUS_PORT'])}`;
let dir: string;
let output = '';
let code: number | null = null;

function stack(...args: string[]): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn('bash', [join(root, 'scripts/stack.sh'), ...args], {
      env: {
        ...process.env,
        HARITA_ENV_FILE: join(dir, '.env'),
        COMPOSE_PROJECT_NAME: PROJECT,
        DEMO_OUTPUT_DIR: join(dir, 'demo'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', resolve);
  });
}

async function query(
  promql: string,
): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  const response = await fetch(`${prometheus}/api/v1/query?query=${encodeURIComponent(promql)}`);
  const body = (await response.json()) as {
    data: { result: { metric: Record<string, string>; value: [number, string] }[] };
  };
  return body.data.result;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'harita-smoke-'));
  let env = await readFile(join(root, 'compose/.env.example'), 'utf8');
  for (const [key, port] of Object.entries(PORTS))
    env = env.replace(new RegExp(`^${key}=.*$`, 'm'), `${key}=${String(port)}`);
  await writeFile(join(dir, '.env'), env);
  code = await stack('up');
}, 900_000);

afterAll(async () => {
  await stack('down', '--volumes');
  await rm(dir, { recursive: true, force: true });
}, 300_000);

describe('the local stack (./kit up)', () => {
  it('comes up healthy and runs the demo: an NDVI and an inference job through the API, with previews', async () => {
    expect(code, output.slice(-3000)).toBe(0);
    expect(output).toMatch(/healthy \d+s after starting/);
    expect(output).toMatch(/demo: both jobs succeeded/);
    expect(output).toMatch(/ndvi job .*\n\s+object key\s+tenants\/.+\/ndvi\.tif/);
    expect(output).toMatch(/inference job .*\n\s+object key\s+tenants\/.+\/classes\.tif/);
    expect(output).toMatch(
      /download\s+http:\/\/127\.0\.0\.1:29000\/harita\/tenants\/.+X-Amz-Signature=/,
    );
    const png = await readFile(join(dir, 'demo', 'inference-classes.png'));
    expect([...png.subarray(1, 4)].map((c) => String.fromCharCode(c)).join('')).toBe('PNG');
    expect(output).toContain(
      `API docs       http://127.0.0.1:${String(PORTS['API_PORT'])}/openapi.json`,
    );
  });

  it('has Prometheus scraping every service up, and the job, API and model metrics moved', async () => {
    const deadline = Date.now() + 60_000;
    let targets: { labels: { job: string }; health: string }[] = [];
    do {
      const response = await fetch(`${prometheus}/api/v1/targets`);
      targets = ((await response.json()) as { data: { activeTargets: typeof targets } }).data
        .activeTargets;
      if (targets.length > 0 && targets.every((t) => t.health === 'up')) break;
      await new Promise((resolve) => setTimeout(resolve, 2000));
    } while (Date.now() < deadline);
    expect(targets.map((t) => `${t.labels.job}:${t.health}`).sort()).toEqual(
      [
        'alertmanager',
        'harita-dispatcher',
        'harita-functions',
        'harita-worker',
        'model-serving',
        'node',
        'prometheus',
      ].map((job) => `${job}:up`),
    );
    // The demo can end within one scrape interval (15 s) of its last request: what it moved is
    // read once Prometheus has scraped it, within a few intervals.
    const moved = async () => {
      const succeeded = await query('sum by (type) (harita_jobs_total{outcome="succeeded"})');
      const total = async (expr: string) => Number((await query(expr))[0]?.value[1] ?? 0);
      return {
        succeeded: Object.fromEntries(
          succeeded.map((r) => [String(r.metric['type']), Number(r.value[1])]),
        ) as Record<string, number>,
        apiJobs: await total('sum(harita_http_request_duration_seconds_count{function="jobs"})'),
        workerPredicts: await total(
          'sum(harita_inference_request_duration_seconds_count{outcome="ok"})',
        ),
        servedPredicts: await total('sum(:tensorflow:serving:request_count)'),
      };
    };
    const scraped = Date.now() + 60_000;
    let seen = await moved();
    while (
      Date.now() < scraped &&
      !(seen.succeeded['inference'] && seen.apiJobs && seen.workerPredicts && seen.servedPredicts)
    ) {
      await new Promise((resolve) => setTimeout(resolve, 2000));
      seen = await moved();
    }
    expect(seen.succeeded).toMatchObject({ ndvi: 1, inference: 1 });
    expect(seen.apiJobs).toBeGreaterThan(0);
    expect(seen.workerPredicts).toBeGreaterThan(0);
    expect(seen.servedPredicts).toBeGreaterThan(0);
  });

  it('serves every metric the dashboard and the alert rules name, with the rules loaded and none firing', async () => {
    const names = new Set(
      (
        (await (await fetch(`${prometheus}/api/v1/label/__name__/values`)).json()) as {
          data: string[];
        }
      ).data,
    );
    const dashboard = JSON.parse(
      await readFile(join(root, 'monitoring/grafana/dashboards/harita-overview.json'), 'utf8'),
    ) as { panels: { targets: { expr: string }[] }[] };
    const wanted = dashboard.panels.flatMap((p) => p.targets.flatMap((t) => metricNames(t.expr)));
    expect(wanted.filter((name) => !names.has(name))).toEqual([]);
    const rules = (await (await fetch(`${prometheus}/api/v1/rules`)).json()) as {
      data: { groups: { rules: { name: string; state: string }[] }[] };
    };
    const all = rules.data.groups.flatMap((g) => g.rules);
    expect(all).toHaveLength(8);
    expect(all.filter((r) => r.state === 'firing').map((r) => r.name)).toEqual([]);
  });

  it('is torn down by `down --volumes` with no container and no volume left', async () => {
    expect(await stack('down', '--volumes')).toBe(0);
    expect(await projectContainers(PROJECT)).toEqual([]);
    const { stdout } = await run('docker', [
      'volume',
      'ls',
      '-q',
      '--filter',
      `label=com.docker.compose.project=${PROJECT}`,
    ]);
    expect(stdout.trim()).toBe('');
  });
});
