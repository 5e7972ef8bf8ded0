import { describe, expect, it } from 'vitest';
import { loadDispatcherConfig } from '../src/dispatcher/config.js';

const env = {
  REDIS_HOST: 'redis',
  REDIS_PASSWORD: 'redis-password',
  DATABASE_URL: 'postgres://harita_dispatcher:secret@db:5432/postgres',
};

describe('the dispatcher configuration', () => {
  it('takes Postgres and Redis, with its pace and TLS by default', () => {
    expect(loadDispatcherConfig(env)).toMatchObject({
      ...env,
      DATABASE_TLS: 'prefer',
      DISPATCH_BATCH_SIZE: 200,
      DISPATCH_POLL_MS: 2000,
      RECONCILE_SECONDS: 30,
      HEALTH_PORT: 9400,
    });
  });

  it('names what is missing or malformed', () => {
    expect(() => loadDispatcherConfig({ ...env, DATABASE_URL: '' })).toThrow(
      'DATABASE_URL is not set',
    );
    expect(() => loadDispatcherConfig({ ...env, DATABASE_URL: 'mysql://x' })).toThrow(
      'DATABASE_URL is invalid: a postgres:// URL',
    );
    expect(() => loadDispatcherConfig({ ...env, DATABASE_TLS: 'on' })).toThrow(
      /^DATABASE_TLS is invalid/,
    );
    expect(() => loadDispatcherConfig({ ...env, REDIS_HOST: '' })).toThrow('REDIS_HOST is not set');
  });

  it('takes Redis Cluster seeds in place of one server', () => {
    const cluster = { ...env, REDIS_HOST: '', REDIS_CLUSTER_NODES: '10.0.0.1:6379,10.0.0.2:6379' };
    expect(loadDispatcherConfig(cluster).REDIS_CLUSTER_NODES).toBe('10.0.0.1:6379,10.0.0.2:6379');
  });
});
