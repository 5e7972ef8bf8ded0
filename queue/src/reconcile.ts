import type { Queue } from 'bullmq';
import type { Cluster, Redis } from 'ioredis';
import { withdraw } from './fairness.ts';
import { JobOwner } from './job-data.ts';
import { bullmqJobKey } from './names.ts';

/**
 * Of the given job ids, those BullMQ does not hold in any state: jobs Redis lost (a restart
 * without its last writes, a failover, a flush), which must be enqueued again.
 * @throws Redis' errors when it does not answer
 */
export async function lostJobs(redis: Redis | Cluster, ids: readonly string[]): Promise<string[]> {
  const held = await Promise.all(ids.map((id) => redis.exists(bullmqJobKey(id))));
  return ids.filter((_, i) => held[i] === 0);
}

/** The states of a job no worker holds yet, from which it can still be removed. */
const UNSTARTED = ['wait', 'prioritized', 'delayed'] as const;

/**
 * Removes BullMQ jobs that have not started and whose row is gone (a tenant deleted, a row
 * removed by hand): `known` says which of a batch of ids still have a row. Scans at most `limit`
 * jobs a call, oldest first.
 * @returns the ids removed
 * @throws Redis' errors when it does not answer, and `known`'s
 */
export async function removeOrphans(
  queue: Queue,
  redis: Redis | Cluster,
  known: (ids: string[]) => Promise<Set<string>>,
  limit: number,
): Promise<string[]> {
  const jobs = await queue.getJobs([...UNSTARTED], 0, limit - 1, true);
  const owned = jobs.flatMap((job) => {
    const owner = JobOwner.safeParse(job.data);
    return owner.success ? [owner.data] : [];
  });
  if (owned.length === 0) return [];
  const rows = await known(owned.map((owner) => owner.job_id));
  const removed: string[] = [];
  for (const owner of owned) {
    if (rows.has(owner.job_id)) continue;
    // A job a worker took since the scan stays: removing it fails while it is locked.
    if ((await queue.remove(owner.job_id)) === 1) {
      await withdraw(redis, owner.tenant_id, owner.job_id);
      removed.push(owner.job_id);
    }
  }
  return removed;
}
