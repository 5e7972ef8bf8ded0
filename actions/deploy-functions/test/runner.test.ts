import { createServer, type Server } from 'node:http';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runAction, staleDistFiles } from '../../test-support/runner.js';

// deploy-functions bundled and run as the runner runs it, with a Supabase CLI stand-in (no
// Supabase project is reachable here) and a real health server that is slow to come up.
const ACTION = fileURLToPath(new URL('..', import.meta.url));
const REF = 'abcdefghij0123456789';
let dir: string;
let server: Server;
let healthUrl: string;
let unhealthyAnswers: number;

async function deployWith(inputs: Record<string, string>, extra: Record<string, string> = {}) {
  const log = join(dir, 'log');
  await writeFile(log, '');
  const result = await runAction(
    ACTION,
    dir,
    {
      supabase: join(ACTION, 'test/supabase-stand-in.mjs'),
      workdir: join(dir, 'functions'),
      'health-url': healthUrl,
      'health-timeout': '20s',
      ...inputs,
    },
    { STAND_IN_LOG: log, ...extra },
  );
  const calls = (await readFile(log, 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map(
      (line) =>
        JSON.parse(line) as { args: string[]; cwd: string; token: string; envFile: string | null },
    );
  return { ...result, calls };
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'deploy-functions-'));
  await mkdir(join(dir, 'functions'));
  unhealthyAnswers = 1;
  server = createServer((_, response) => {
    const healthy = unhealthyAnswers-- <= 0;
    response.writeHead(healthy ? 200 : 503, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ status: healthy ? 'ok' : 'degraded' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  healthUrl = `http://127.0.0.1:${String(typeof address === 'object' && address ? address.port : 0)}/functions/v1/health`;
});

afterEach(async () => {
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

describe('deploy-functions, run as the runner runs it', () => {
  it('sets the secrets from a file, deploys, waits for health, with the token and secrets masked', async () => {
    const result = await deployWith({
      'project-ref': REF,
      'access-token': 'sbp_token_value',
      secrets: 'JWT_SECRET=abc def\nREDIS_PASSWORD=p@ss',
    });
    expect(result.code, result.log).toBe(0);
    expect(result.calls.map((c) => c.args.slice(0, 2))).toEqual([
      ['secrets', 'set'],
      ['functions', 'deploy'],
    ]);
    expect(result.calls[1]?.args).toEqual(['functions', 'deploy', '--project-ref', REF]);
    expect(
      result.calls.every((c) => c.token === 'sbp_token_value' && c.cwd === join(dir, 'functions')),
    ).toBe(true);
    expect(result.calls[0]?.envFile).toBe('JWT_SECRET="abc def"\nREDIS_PASSWORD="p@ss"');
    expect(result.log).toContain('::add-mask::sbp_token_value');
    expect(result.log).toContain('::add-mask::abc def');
    expect(result.calls.flatMap((c) => c.args).join(' ')).not.toContain('p@ss');
    expect(result.outputs['health-status']).toBe('200');
    expect(result.summary).toContain('`JWT_SECRET`, `REDIS_PASSWORD`');
    expect(result.summary).toContain('answered 200');
  });

  it('fails when the deploy fails, and when health never answers 200', async () => {
    const failing = await deployWith(
      { 'project-ref': REF, 'access-token': 't' },
      { STAND_IN_FAIL_DEPLOY: '1' },
    );
    expect(failing.code).not.toBe(0);
    expect(failing.log).toMatch(/::error::supabase functions deploy failed/);
    unhealthyAnswers = 1000;
    const unhealthy = await deployWith({
      'project-ref': REF,
      'access-token': 't',
      'health-timeout': '3s',
    });
    expect(unhealthy.code).not.toBe(0);
    expect(unhealthy.log).toMatch(/health did not answer 200 within 3 s: 503/);
  });

  it('refuses a malformed project ref or secret line before running anything', async () => {
    const badRef = await deployWith({ 'project-ref': 'Not-A-Ref', 'access-token': 't' });
    expect(badRef.code).not.toBe(0);
    expect(badRef.log).toMatch(/is not a Supabase project ref/);
    const badSecret = await deployWith({
      'project-ref': REF,
      'access-token': 't',
      secrets: 'SUPABASE_URL=x',
    });
    expect(badSecret.log).toMatch(/Supabase sets SUPABASE_\* itself/);
    expect(badSecret.calls).toEqual([]);
  });
});

describe('dist/', () => {
  it('is what bundling src/ gives now (run `npm run bundle --workspace actions/deploy-functions` when this fails)', async () => {
    expect(await staleDistFiles(ACTION, ['main.js'])).toEqual([]);
  });
});
