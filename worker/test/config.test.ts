import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, secretFromFile } from '../src/config.js';

const env = {
  REDIS_HOST: 'redis',
  REDIS_PASSWORD: 'redis-password',
  SUPABASE_URL: 'http://functions:8000',
  SUPABASE_SERVICE_ROLE_KEY: 'a-service-role-key-of-twenty-or-more',
  S3_ENDPOINT: 'http://object-store:9000',
  S3_BUCKET: 'harita',
  S3_ACCESS_KEY_ID: 'access',
  S3_SECRET_ACCESS_KEY: 'secret',
};
const dir = mkdtempSync(join(tmpdir(), 'harita-worker-config-'));

/** The environment without one variable. */
function without(name: keyof typeof env): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter(([key]) => key !== name));
}

describe('the worker configuration', () => {
  it('takes the seed contract with its defaults', () => {
    expect(loadConfig(env)).toMatchObject({ ...env, REDIS_PORT: 6379, WORKER_CONCURRENCY: 5 });
  });

  it('names the variable that is missing or malformed', () => {
    expect(() => loadConfig({ ...env, REDIS_HOST: '' })).toThrow('REDIS_HOST is not set');
    expect(() => loadConfig({ ...env, WORKER_CONCURRENCY: 'many' })).toThrow(
      /^WORKER_CONCURRENCY is invalid: /,
    );
  });

  it('reads a secret from <NAME>_FILE, as Docker and Kubernetes mount them, without its newline', () => {
    const file = join(dir, 'service-role-key');
    writeFileSync(file, 'a-key-minted-into-a-file-by-the-stack\n');
    expect(
      loadConfig({ ...without('SUPABASE_SERVICE_ROLE_KEY'), SUPABASE_SERVICE_ROLE_KEY_FILE: file }),
    ).toMatchObject({
      SUPABASE_SERVICE_ROLE_KEY: 'a-key-minted-into-a-file-by-the-stack',
    });
  });

  it('refuses a secret given twice, or a file it cannot read, naming it', () => {
    const file = join(dir, 'redis-password');
    writeFileSync(file, 'x');
    expect(() => loadConfig({ ...env, REDIS_PASSWORD_FILE: file })).toThrow(
      'set REDIS_PASSWORD or REDIS_PASSWORD_FILE, not both',
    );
    const missing = {
      ...without('S3_SECRET_ACCESS_KEY'),
      S3_SECRET_ACCESS_KEY_FILE: join(dir, 'missing'),
    };
    expect(() => loadConfig(missing)).toThrow(
      `S3_SECRET_ACCESS_KEY_FILE cannot be read: ENOENT (${join(dir, 'missing')})`,
    );
  });
});

describe('a secret read from its file', () => {
  it('follows the file as it changes, and keeps the last key while the file is gone', () => {
    const file = join(dir, 'rotating-key');
    writeFileSync(file, 'first-key-of-twenty-characters\n');
    const key = secretFromFile(file, 'first-key-of-twenty-characters');
    expect(key()).toBe('first-key-of-twenty-characters');
    writeFileSync(file, 'second-key-after-a-new-jwt-secret\n');
    expect(key()).toBe('second-key-after-a-new-jwt-secret');
    rmSync(file);
    expect(key()).toBe('second-key-after-a-new-jwt-secret');
  });
});
