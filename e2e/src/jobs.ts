import { randomUUID } from 'node:crypto';
import type { QueuedJob } from '@harita/queue';

/** A small buffer job: quick to run, for suites and benchmarks that need many jobs. */
export function smallBufferJob(
  tenantId: string,
  coordinates: [number, number] = [10, 50],
): QueuedJob {
  return {
    type: 'buffer',
    params: { geojson: { type: 'Point', coordinates }, distance_m: 100, segments_per_quarter: 2 },
    job_id: randomUUID(),
    tenant_id: tenantId,
  };
}
