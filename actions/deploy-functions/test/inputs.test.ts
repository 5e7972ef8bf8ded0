import { describe, expect, it, vi } from 'vitest';

// The runner's core module mocked: which values the action masks, and its defaults.
const runner = vi.hoisted((): { values: Record<string, string>; masked: string[] } => ({
  values: {},
  masked: [],
}));
vi.mock('@actions/core', () => ({
  getInput: (name: string, options?: { required?: boolean }) => {
    const value = runner.values[name] ?? '';
    if (options?.required && !value) throw new Error(`Input required and not supplied: ${name}`);
    return value;
  },
  getMultilineInput: (name: string) => (runner.values[name] ?? '').split('\n').filter(Boolean),
  setSecret: (value: string) => runner.masked.push(value),
}));

describe('deploy-functions inputs', () => {
  it('masks the token and every secret value, and defaults to the pinned CLI and the project health URL', async () => {
    runner.values = {
      'project-ref': 'abcdefghij0123456789',
      'access-token': 'tok',
      secrets: 'A=1\nB=two=2',
    };
    const { readInputs, SUPABASE_CLI } = await import('../src/inputs.js');
    const inputs = readInputs();
    expect(runner.masked).toEqual(['tok', '1', 'two=2']);
    expect(inputs.secrets).toEqual({ A: '1', B: 'two=2' });
    expect(inputs.supabase).toBe(SUPABASE_CLI);
    expect(SUPABASE_CLI).toBe('npx --yes supabase@2.117.0');
    expect(inputs.healthUrl).toBe('https://abcdefghij0123456789.supabase.co/functions/v1/health');
    expect(inputs.workdir).toBe('functions');
  });
});
