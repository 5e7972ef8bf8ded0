import { describe, expect, it } from 'vitest';
import {
  bullmqJobKey,
  bullmqPriority,
  cancelKey,
  CANCEL_CHANNEL,
  QueuedJob,
  RedisEnvironment,
  requireRedisLocation,
  tenantQueuedKey,
  tenantRunningKey,
} from '../src/index.js';

const input = { dataset_id: '5d1c2b3a-4e5f-4a6b-8c7d-9e0f1a2b3c4d', file: 'scene.tif' };
const ids = {
  job_id: '0b8f8c1e-9a1b-4c2d-8e3f-405162738495',
  tenant_id: '1c9a7d2e-3b4c-4d5e-9f60-718293a4b5c6',
};

/** The slot Redis Cluster hashes a key to is decided by its hash tag alone, when it has one. */
const hashTag = (key: string): string => /\{([^}]+)\}/.exec(key)?.[1] ?? key;

describe('the queue protocol', () => {
  it('names the tenant and job on every queued job', () => {
    const queued = { ...ids, type: 'ndvi', params: { input } };
    expect(QueuedJob.parse(queued)).toMatchObject({ job_id: ids.job_id, params: { red_band: 3 } });
    expect(QueuedJob.safeParse({ ...queued, tenant_id: 'acme' }).success).toBe(false);
  });

  it("keeps every key in one cluster slot, BullMQ's and the kit's alike", () => {
    const keys = [
      bullmqJobKey(ids.job_id),
      tenantQueuedKey(ids.tenant_id),
      tenantRunningKey(ids.tenant_id),
      cancelKey(ids.job_id),
      CANCEL_CHANNEL,
    ];
    expect(new Set(keys.map(hashTag))).toEqual(new Set(['harita']));
  });

  it("orders by the place in the tenant's queue first, then by the request's priority", () => {
    expect(bullmqPriority(1, 'high')).toBe(1);
    expect(bullmqPriority(1, 'low')).toBeLessThan(bullmqPriority(2, 'high'));
    expect(bullmqPriority(2, 'high')).toBeLessThan(bullmqPriority(2, 'normal'));
    expect(bullmqPriority(10_000_000, 'low')).toBe(2_097_151);
  });

  it('takes one server or cluster seeds, and names what is missing', () => {
    const Environment = RedisEnvironment.superRefine(requireRedisLocation);
    expect(Environment.parse({ REDIS_HOST: 'redis', REDIS_PASSWORD: 'p' })).toMatchObject({
      REDIS_PORT: 6379,
    });
    const cluster = { REDIS_CLUSTER_NODES: 'a:7000,b:7001', REDIS_PASSWORD: 'p' };
    expect(Environment.safeParse(cluster).success).toBe(true);
    const neither = Environment.safeParse({ REDIS_PASSWORD: 'p' });
    expect(neither.error?.issues[0]?.path).toEqual(['REDIS_HOST']);
    const spaced = Environment.safeParse({ ...cluster, REDIS_CLUSTER_NODES: 'a:7000, b:7001' });
    expect(spaced.error?.issues[0]?.path).toEqual(['REDIS_CLUSTER_NODES']);
  });
});
