// What every action's tests share: running the bundle as the runner runs it, and checking that
// the committed dist/ is what bundling the sources gives now.
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface ActionRun {
  code: number | null;
  /** stdout and stderr: the runner's log, workflow commands (::error::, ::add-mask::) included. */
  log: string;
  /** GITHUB_OUTPUT, read as the runner reads it. */
  outputs: Record<string, string>;
  summary: string;
}

/** GITHUB_OUTPUT's `name<<delimiter ... delimiter` blocks. */
export function readOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const match = /^([\w-]+)<<(.+)$/.exec(lines[i] ?? '');
    if (!match?.[1] || !match[2]) continue;
    const value: string[] = [];
    for (i++; i < lines.length && lines[i] !== match[2]; i++) value.push(lines[i] ?? '');
    outputs[match[1]] = value.join('\n');
  }
  return outputs;
}

/**
 * Runs `dist/main.js` of an action as the runner does: inputs as INPUT_<NAME>, outputs and the
 * summary written to the files GITHUB_OUTPUT and GITHUB_STEP_SUMMARY name (fresh ones in `dir`).
 */
export async function runAction(
  actionDir: string,
  dir: string,
  inputs: Record<string, string>,
  env: Record<string, string> = {},
): Promise<ActionRun> {
  const output = join(dir, 'output');
  const summary = join(dir, 'summary');
  await Promise.all([
    writeFile(output, ''),
    writeFile(summary, ''),
    writeFile(join(dir, 'state'), ''),
  ]);
  const environment: Record<string, string> = {
    PATH: process.env['PATH'] ?? '',
    // The runner passes the job's environment on: the engine the tests started containers on.
    ...(process.env['DOCKER_HOST'] ? { DOCKER_HOST: process.env['DOCKER_HOST'] } : {}),
    GITHUB_OUTPUT: output,
    GITHUB_STEP_SUMMARY: summary,
    GITHUB_STATE: join(dir, 'state'),
    RUNNER_TEMP: dir,
    ...env,
  };
  for (const [name, value] of Object.entries(inputs))
    environment[`INPUT_${name.toUpperCase()}`] = value;
  const { code, log } = await new Promise<{ code: number | null; log: string }>((resolve) => {
    const child = spawn(process.execPath, [join(actionDir, 'dist/main.js')], {
      cwd: dir,
      env: environment,
    });
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
    child.on('exit', (exitCode) => {
      resolve({ code: exitCode, log: text });
    });
  });
  return {
    code,
    log,
    outputs: readOutputs(await readFile(output, 'utf8')),
    summary: await readFile(summary, 'utf8'),
  };
}

/** The files dist/ holds that differ from bundling the action's sources now (none when fresh). */
export async function staleDistFiles(actionDir: string, files: string[]): Promise<string[]> {
  const out = await mkdtemp(join(tmpdir(), 'action-dist-'));
  try {
    const bundle = JSON.parse(await readFile(join(actionDir, 'package.json'), 'utf8')) as {
      scripts: { bundle: string };
    };
    const command = bundle.scripts.bundle
      .replace('--outdir=dist', `--outdir=${out}`)
      .replace(/^esbuild/, join(actionDir, '../../node_modules/.bin/esbuild'));
    await run('bash', ['-c', command], { cwd: actionDir });
    const stale: string[] = [];
    for (const file of files) {
      if (!(await readFile(join(out, file))).equals(await readFile(join(actionDir, 'dist', file))))
        stale.push(file);
    }
    return stale;
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}
