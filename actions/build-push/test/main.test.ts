import { beforeEach, describe, expect, it, vi } from 'vitest';

// The runner's modules mocked: what the action asks of them, checked without a runner.
interface RunnerState {
  inputs: Record<string, string>;
  outputs: Record<string, string>;
  state: Record<string, string>;
  secrets: string[];
  failed: string;
  summary: string;
}
const core = vi.hoisted((): RunnerState => ({
  inputs: {},
  outputs: {},
  state: {},
  secrets: [],
  failed: '',
  summary: '',
}));
const execCalls = vi.hoisted((): { command: string; args: string[]; input?: string }[] => []);

vi.mock('@actions/core', () => ({
  getInput: (name: string, options?: { required?: boolean }) => {
    const value = core.inputs[name] ?? '';
    if (options?.required && !value) throw new Error(`Input required and not supplied: ${name}`);
    return value;
  },
  getMultilineInput: (name: string) => (core.inputs[name] ?? '').split('\n').filter(Boolean),
  getBooleanInput: (name: string) =>
    (core.inputs[name] ?? (name === 'push' ? 'true' : 'false')) === 'true',
  setSecret: (value: string) => core.secrets.push(value),
  setOutput: (name: string, value: string) => (core.outputs[name] = value),
  saveState: (name: string, value: string) => (core.state[name] = value),
  getState: (name: string) => core.state[name] ?? '',
  setFailed: (message: string) => (core.failed = message),
  warning: () => undefined,
  summary: {
    addRaw: (text: string) => ({ write: () => ((core.summary += text), Promise.resolve()) }),
  },
}));
vi.mock('@actions/exec', () => ({
  getExecOutput: (command: string, args: string[], options?: { input?: Buffer }) => {
    execCalls.push({
      command,
      args,
      ...(options?.input ? { input: options.input.toString() } : {}),
    });
    if (args[0] === 'buildx')
      return Promise.resolve({ exitCode: 1, stdout: '', stderr: 'no buildx' });
    if (args[0] === 'push')
      return Promise.resolve({
        exitCode: 0,
        stdout: `main: digest: sha256:${'ab'.repeat(32)} size: 1`,
        stderr: '',
      });
    return Promise.resolve({ exitCode: 0, stdout: '', stderr: '' });
  },
}));

beforeEach(() => {
  Object.assign(core, { inputs: {}, outputs: {}, state: {}, secrets: [], failed: '', summary: '' });
  execCalls.length = 0;
  vi.resetModules();
  process.env['GITHUB_SHA'] = '0123456789abcdef0123456789abcdef01234567';
  process.env['GITHUB_REF'] = 'refs/heads/main';
  process.env['GITHUB_REPOSITORY'] = 'harita/hive';
});

async function runMain(): Promise<void> {
  await import('../src/main.js');
  await new Promise((resolve) => setTimeout(resolve, 10));
}

describe('build-push main', () => {
  it('logs in with the password masked and on stdin, builds, pushes every tag, and reports the digest', async () => {
    core.inputs = {
      image: 'ghcr.io/o/harita-worker',
      username: 'bot',
      password: 's3cret',
      push: 'true',
    };
    await runMain();
    expect(core.failed).toBe('');
    expect(core.secrets).toEqual(['s3cret']);
    const login = execCalls.find((c) => c.args[0] === 'login');
    expect(login).toEqual({
      command: 'docker',
      args: ['login', 'ghcr.io', '--username', 'bot', '--password-stdin'],
      input: 's3cret',
    });
    expect(execCalls.flatMap((c) => c.args).join(' ')).not.toContain('--password s3cret');
    expect(execCalls.filter((c) => c.args[0] === 'push').map((c) => c.args[1])).toEqual([
      'ghcr.io/o/harita-worker:sha-0123456',
      'ghcr.io/o/harita-worker:main',
      'ghcr.io/o/harita-worker:latest',
    ]);
    const digest = `sha256:${'ab'.repeat(32)}`;
    expect(core.outputs).toEqual({
      digest,
      image: `ghcr.io/o/harita-worker@${digest}`,
      tags: 'ghcr.io/o/harita-worker:sha-0123456\nghcr.io/o/harita-worker:main\nghcr.io/o/harita-worker:latest',
    });
    expect(core.state).toEqual({ registry: 'ghcr.io' });
    expect(core.summary).toContain(`ghcr.io/o/harita-worker@${digest}`);
  });

  it('fails with the reason, and logs nothing in, on a bad image name', async () => {
    core.inputs = { image: 'Not A Name', password: 'x' };
    await runMain();
    expect(core.failed).toMatch(/is not an image name/);
    expect(execCalls).toEqual([]);
  });

  it('post step: logs out of the registry the main step logged in to, and of nothing otherwise', async () => {
    core.state = { registry: 'ghcr.io' };
    await import('../src/post.js');
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(execCalls).toEqual([{ command: 'docker', args: ['logout', 'ghcr.io'] }]);
    execCalls.length = 0;
    core.state = {};
    vi.resetModules();
    await import('../src/post.js');
    expect(execCalls).toEqual([]);
  });
});
