// deploy-functions: set the secrets, deploy every function, wait until health answers.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as core from '@actions/core';
import * as exec from '@actions/exec';
import { waitHealthy } from './health.js';
import { readInputs } from './inputs.js';

export async function run(): Promise<void> {
  const inputs = readInputs();
  const env = { ...process.env, SUPABASE_ACCESS_TOKEN: inputs.accessToken } as Record<
    string,
    string
  >;
  const supabase = async (args: string[], what: string) => {
    const code = await exec.exec(inputs.supabase, args, {
      cwd: inputs.workdir,
      env,
      ignoreReturnCode: true,
    });
    if (code !== 0) throw new Error(`${what} failed (exit ${String(code)})`);
  };
  const names = Object.keys(inputs.secrets);
  if (names.length > 0) {
    // On a file, not the command line: values never appear in a process listing.
    const dir = await mkdtemp(join(process.env['RUNNER_TEMP'] ?? tmpdir(), 'deploy-functions-'));
    try {
      const file = join(dir, 'secrets.env');
      await writeFile(
        file,
        names.map((name) => `${name}=${JSON.stringify(inputs.secrets[name])}`).join('\n'),
        { mode: 0o600 },
      );
      await supabase(
        ['secrets', 'set', '--project-ref', inputs.projectRef, '--env-file', file],
        'supabase secrets set',
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  await supabase(
    ['functions', 'deploy', '--project-ref', inputs.projectRef],
    'supabase functions deploy',
  );
  const health = await waitHealthy(inputs.healthUrl, inputs.healthTimeoutSeconds);
  core.setOutput('health-status', String(health.status));
  await core.summary
    .addRaw(
      [
        `### deploy-functions: project \`${inputs.projectRef}\``,
        '',
        `Secrets set: ${names.length > 0 ? names.map((n) => `\`${n}\``).join(', ') : 'none'}`,
        '',
        `Health (${inputs.healthUrl}): ${health.ok ? 'answered 200' : `**not healthy** (${String(health.status)})`}`,
        '',
        '```',
        health.body,
        '```',
        '',
      ].join('\n'),
    )
    .write();
  if (!health.ok)
    throw new Error(
      `the functions were deployed but health did not answer 200 within ${String(inputs.healthTimeoutSeconds)} s: ${String(health.status)} ${health.body.slice(0, 200)}`,
    );
}

run().catch((error: unknown) => {
  core.setFailed(error instanceof Error ? error.message : String(error));
});
