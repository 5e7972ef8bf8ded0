import * as core from '@actions/core';

/** Every input, parsed and checked in one place; secrets are masked as soon as they are read. */
export interface Inputs {
  projectRef: string;
  accessToken: string;
  secrets: Record<string, string>;
  workdir: string;
  healthUrl: string;
  healthTimeoutSeconds: number;
  supabase: string;
}

/** The Supabase CLI this action is tested with; newer releases change their npm packaging. */
export const SUPABASE_CLI = 'npx --yes supabase@2.117.0';

export function readInputs(): Inputs {
  const projectRef = core.getInput('project-ref', { required: true });
  if (!/^[a-z0-9]{20}$/.test(projectRef))
    throw new Error(
      `project-ref: "${projectRef}" is not a Supabase project ref (20 lowercase letters and digits)`,
    );
  const accessToken = core.getInput('access-token', { required: true });
  core.setSecret(accessToken);
  const secrets: Record<string, string> = {};
  for (const line of core.getMultilineInput('secrets')) {
    const at = line.indexOf('=');
    const name = line.slice(0, at);
    if (at < 1 || !/^[A-Z_][A-Z0-9_]*$/.test(name))
      throw new Error(`secrets: a line is not NAME=VALUE with an upper-case NAME`);
    if (name.startsWith('SUPABASE_'))
      throw new Error(`secrets: ${name}: Supabase sets SUPABASE_* itself`);
    const value = line.slice(at + 1);
    core.setSecret(value);
    secrets[name] = value;
  }
  const timeout = core.getInput('health-timeout') || '120s';
  const seconds = Number(/^(\d+)s?$/.exec(timeout)?.[1] ?? NaN);
  if (!(seconds > 0)) throw new Error(`health-timeout: "${timeout}" is not a number of seconds`);
  return {
    projectRef,
    accessToken,
    secrets,
    workdir: core.getInput('workdir') || 'functions',
    healthUrl:
      core.getInput('health-url') || `https://${projectRef}.supabase.co/functions/v1/health`,
    healthTimeoutSeconds: seconds,
    supabase: core.getInput('supabase') || SUPABASE_CLI,
  };
}
