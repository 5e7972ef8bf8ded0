import type { Cluster, Redis } from 'ioredis';
import { bullmqJobKey, queueKey } from './names.ts';

/**
 * Fair sharing between tenants, kept atomic in Redis by Lua (BullMQ's groups are not in its open
 * edition):
 * - each tenant's queued jobs are a set; a job's BullMQ priority comes from its place in that
 *   set when enqueued, so one tenant's thousandth job waits behind every other tenant's first;
 * - a limit on each tenant's running jobs, as leases that expire if a worker dies holding one.
 *
 * The cap on queued jobs is not here: Postgres keeps it (`tenants.max_queued_jobs`), where the
 * job is recorded. Every key is under the queue's hash tag, so both scripts run on a cluster.
 */
const ADMIT = `
if redis.call('EXISTS', KEYS[2]) == 1 then
  return 0
end
redis.call('SADD', KEYS[1], ARGV[1])
return redis.call('SCARD', KEYS[1])`;

const ACQUIRE = `
local now = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZSCORE', KEYS[1], ARGV[1]) == false and redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then
  return 0
end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[4]), ARGV[1])
redis.call('SREM', KEYS[2], ARGV[1])
return 1`;

/** The set of a tenant's jobs that are queued and not yet started. */
export const tenantQueuedKey = (tenant: string): string => queueKey('tenant', tenant, 'queued');
/** A tenant's running jobs, each scored by the time its lease ends (ms since the epoch). */
export const tenantRunningKey = (tenant: string): string => queueKey('tenant', tenant, 'running');

type Connection = Redis | Cluster;

/**
 * Admits a job to its tenant's queue: its place there (1 for the first), or 0 when BullMQ holds
 * the job already (enqueued before, whatever its state), which must then not be added again.
 */
export async function admit(redis: Connection, tenant: string, jobId: string): Promise<number> {
  return (await redis.eval(
    ADMIT,
    2,
    tenantQueuedKey(tenant),
    bullmqJobKey(jobId),
    jobId,
  )) as number;
}

/** Withdraws a job that was admitted but never started (canceled, lost, or its enqueue failed). */
export async function withdraw(redis: Connection, tenant: string, jobId: string): Promise<void> {
  await redis.srem(tenantQueuedKey(tenant), jobId);
}

/**
 * Takes one of the tenant's running slots for the job, for `leaseMs` (renew by calling again),
 * and takes the job out of its tenant's queued set.
 * @returns false when the tenant already runs `limit` jobs
 */
export async function acquireSlot(
  redis: Connection,
  tenant: string,
  jobId: string,
  limit: number,
  leaseMs: number,
): Promise<boolean> {
  const result = (await redis.eval(
    ACQUIRE,
    2,
    tenantRunningKey(tenant),
    tenantQueuedKey(tenant),
    jobId,
    String(Date.now()),
    String(limit),
    String(leaseMs),
  )) as number;
  return result === 1;
}

/** Gives the tenant's running slot back. */
export async function releaseSlot(redis: Connection, tenant: string, jobId: string): Promise<void> {
  await redis.zrem(tenantRunningKey(tenant), jobId);
}
