import { execFile, spawn } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectContainers } from '../src/compose-project.js';

// A new user's first use, exactly as the README gives it, with no ./kit step: a clean clone,
// `cd compose && cp .env.example .env && docker compose up -d --wait` (`docker-compose up -d`
// where only Debian's 1.29 is), on an engine that holds only the service images. Compose builds
// the kit's own images, mints the service role's key, makes the bucket and applies the
// migrations; every service ends healthy, and a job runs through the API to the worker and back.
// Images and profiles come from the environment as a user sets them in .env (README: images).
const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
const PROJECT = 'harita-hive';
let clone: string;
let upOutput = '';
let upCode: number | null = null;

async function composeCommand(): Promise<string[]> {
  try {
    await run('docker', ['compose', 'version']);
    return ['docker', 'compose'];
  } catch {
    return ['docker-compose'];
  }
}

function compose(args: string[]): Promise<number | null> {
  return composeCommand().then(
    ([command, ...first]) =>
      new Promise((resolve) => {
        const child = spawn(command ?? 'docker-compose', [...first, ...args], {
          cwd: join(clone, 'compose'),
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        child.stdout.on('data', (chunk: Buffer) => (upOutput += chunk.toString()));
        child.stderr.on('data', (chunk: Buffer) => (upOutput += chunk.toString()));
        child.on('exit', resolve);
      }),
  );
}

interface ServiceState {
  service: string;
  state: string;
  health: string;
  exitCode: number;
  oneShot: boolean;
}

async function services(): Promise<ServiceState[]> {
  const ids = await projectContainers(PROJECT);
  if (ids.length === 0) return [];
  const { stdout: inspected } = await run('docker', [
    'inspect',
    '-f',
    '{{ index .Config.Labels "com.docker.compose.service" }} {{ .State.Status }} {{ if .State.Health }}{{ .State.Health.Status }}{{ else }}none{{ end }} {{ .State.ExitCode }} {{ .HostConfig.RestartPolicy.Name }}',
    ...ids,
  ]);
  return inspected
    .trim()
    .split('\n')
    .map((line) => {
      const [service = '', state = '', health = '', code = '', restart = ''] = line.split(' ');
      return { service, state, health, exitCode: Number(code), oneShot: restart === 'no' };
    });
}

/** Every long-running service healthy and every one-shot exited 0, or the deadline passes. */
async function settled(seconds: number): Promise<ServiceState[]> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const states = await services();
    const done = states.every((s) =>
      s.oneShot ? s.state === 'exited' : s.state === 'running' && s.health === 'healthy',
    );
    if ((states.length > 0 && done) || Date.now() > deadline) return states;
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}

/** The demo as a client of the API, stopped after 100 s: its exit code and output. */
function runDemo(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    let output = '';
    const child = spawn(process.execPath, [join(root, 'demo/dist/main.js')], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 100_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

beforeAll(async () => {
  if (!process.env.HARITA_FRESH_ENGINE) return;
  // What a clone holds: the tracked files (and new ones not ignored), nothing built or installed.
  clone = await mkdtemp(join(tmpdir(), 'harita-route-'));
  const { stdout } = await run(
    'git',
    ['ls-files', '-z', '--cached', '--others', '--exclude-standard'],
    {
      cwd: root,
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  for (const file of stdout.split('\0').filter(Boolean)) {
    await mkdir(join(clone, dirname(file)), { recursive: true });
    await cp(join(root, file), join(clone, file)).catch((error: unknown) => {
      // Deleted in the work tree but still in the index.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    });
  }
  // A site whose registry sits behind its own CA puts it here (README: prerequisites).
  if (process.env.NODE_EXTRA_CA_CERTS)
    await cp(process.env.NODE_EXTRA_CA_CERTS, join(clone, '.build-ca.pem'));
  await cp(join(clone, 'compose/.env.example'), join(clone, 'compose/.env'));
  const [command] = await composeCommand();
  upCode = await compose(command === 'docker' ? ['up', '-d', '--wait'] : ['up', '-d']);
}, 900_000);

afterAll(async () => {
  if (!process.env.HARITA_FRESH_ENGINE) return;
  await compose(['down', '--volumes']);
  await rm(clone, { recursive: true, force: true });
}, 300_000);

// Only on an engine started for it: on a developer's engine it would meet their stack (the same
// project and ports) and the kit's images already built.
describe.runIf(process.env.HARITA_FRESH_ENGINE)(
  'plain docker compose up, from a clean clone',
  () => {
    it('brings every service up healthy and every one-shot to a clean exit, monitoring included', async () => {
      expect(upCode, upOutput.slice(-3000)).toBe(0);
      const states = await settled(300);
      expect(states.map((s) => s.service).sort()).toEqual(
        [
          'alertmanager',
          'dispatcher',
          'functions',
          'migrate',
          'model-serving',
          'node-exporter',
          'object-store',
          'object-store-init',
          'postgres',
          'prometheus',
          'redis',
          'service-role-key',
          'worker',
          ...(process.env.COMPOSE_PROFILES?.includes('grafana') ? ['grafana'] : []),
        ].sort(),
      );
      for (const s of states) {
        if (s.oneShot) expect(s, s.service).toMatchObject({ state: 'exited', exitCode: 0 });
        else expect(s, s.service).toMatchObject({ state: 'running', health: 'healthy' });
      }
    });

    it('answers through the API: its health, and jobs the worker runs and reports with the minted key', async () => {
      const env = Object.fromEntries(
        (await readFile(join(clone, 'compose/.env'), 'utf8'))
          .split('\n')
          .filter((line) => /^[A-Z_]+=/.test(line))
          .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
      ) as Record<string, string>;
      const api = `http://127.0.0.1:${env['API_PORT'] ?? ''}`;
      const health = await fetch(`${api}/functions/v1/health`);
      expect(health.status, await health.clone().text()).toBe(200);
      const dir = await mkdtemp(join(tmpdir(), 'harita-route-demo-'));
      try {
        // The demo, as a client of the API: NDVI and inference jobs end succeeded only when the
        // worker's events, signed with the key the stack minted, are accepted.
        const demo = await runDemo({
          API_URL: api,
          JWT_SECRET: env['JWT_SECRET'] ?? '',
          DATABASE_URL: `postgres://${env['POSTGRES_USER'] ?? ''}:${env['POSTGRES_PASSWORD'] ?? ''}@127.0.0.1:${env['POSTGRES_PORT'] ?? ''}/${env['POSTGRES_DB'] ?? ''}`,
          DEMO_OUTPUT_DIR: dir,
        });
        expect(demo.code, demo.output.slice(-3000)).toBe(0);
        expect(demo.output).toMatch(/demo: both jobs succeeded/);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    }, 150_000);
  },
);
