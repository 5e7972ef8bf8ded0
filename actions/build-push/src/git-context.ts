/** What the runner tells a step about the commit it runs for (GITHUB_* variables). */
export interface GitContext {
  sha: string;
  /** refs/heads/main, refs/tags/v1.2.3, refs/pull/7/merge */
  ref: string;
  repository: string;
  serverUrl: string;
  defaultBranch: string;
}

export function gitContext(env: NodeJS.ProcessEnv, defaultBranch: string): GitContext {
  const need = (name: string): string => {
    const value = env[name];
    if (!value) throw new Error(`${name} is not set: this action runs in a GitHub Actions job`);
    return value;
  };
  return {
    sha: need('GITHUB_SHA'),
    ref: need('GITHUB_REF'),
    repository: need('GITHUB_REPOSITORY'),
    serverUrl: env['GITHUB_SERVER_URL'] ?? 'https://github.com',
    defaultBranch,
  };
}
