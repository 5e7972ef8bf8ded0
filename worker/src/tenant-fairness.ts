import type { Redis } from 'ioredis';

/**
 * Fair sharing between tenants, kept atomic in Redis by Lua (BullMQ's groups are not in its open
 * edition):
 * - each tenant's queued jobs are a set; a job's BullMQ priority is its position in that set when
 *   enqueued, so one tenant's thousandth job waits behind every other tenant's first;
 * - a cap on each tenant's queued jobs, checked as the job joins the set;
 * - a limit on each tenant's running jobs, as leases that expire if a worker dies holding one.
 */
const ENQUEUE = `
local added = redis.call('SADD', KEYS[1], ARGV[1])
local queued = redis.call('SCARD', KEYS[1])
if added == 1 and queued > tonumber(ARGV[2]) then
  redis.call('SREM', KEYS[1], ARGV[1])
  return -1
end
return queued`;

const ACQUIRE = `
local now = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZSCORE', KEYS[1], ARGV[1]) == false and redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then
  return 0
end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[4]), ARGV[1])
redis.call('SREM', KEYS[2], ARGV[1])
return 1`;

const queuedKey = (tenant: string): string => `harita-jobs:tenant:${tenant}:queued`;
const runningKey = (tenant: string): string => `harita-jobs:tenant:${tenant}:running`;

export class TenantQueueFullError extends Error {
  override name = 'TenantQueueFullError';
}

/**
 * Admits a job to its tenant's queue: its place there (1 for the first), or TenantQueueFullError
 * past the cap.
 * Admitting the same job twice is harmless.
 */
export async function admit(
  redis: Redis,
  tenant: string,
  jobId: string,
  maxQueued: number,
): Promise<number> {
  const position = (await redis.eval(
    ENQUEUE,
    1,
    queuedKey(tenant),
    jobId,
    String(maxQueued),
  )) as number;
  if (position < 0)
    throw new TenantQueueFullError(`tenant ${tenant} already has ${String(maxQueued)} jobs queued`);
  return position;
}

/** Withdraws a job that was admitted but never started (canceled, or its enqueue failed). */
export async function withdraw(redis: Redis, tenant: string, jobId: string): Promise<void> {
  await redis.srem(queuedKey(tenant), jobId);
}

/**
 * Takes one of the tenant's running slots for the job, for `leaseMs` (renew by calling again).
 * False when the tenant already runs `limit` jobs.
 */
export async function acquireSlot(
  redis: Redis,
  tenant: string,
  jobId: string,
  limit: number,
  leaseMs: number,
): Promise<boolean> {
  const result = (await redis.eval(
    ACQUIRE,
    2,
    runningKey(tenant),
    queuedKey(tenant),
    jobId,
    String(Date.now()),
    String(limit),
    String(leaseMs),
  )) as number;
  return result === 1;
}

export async function releaseSlot(redis: Redis, tenant: string, jobId: string): Promise<void> {
  await redis.zrem(runningKey(tenant), jobId);
}
