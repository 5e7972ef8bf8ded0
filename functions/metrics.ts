import process from 'node:process';
import { METRICS } from '@harita/contracts';
import { poolUse } from './supabase/functions/_shared/db.ts';

// harita_http_request_duration_seconds{function, method, status} and the process metrics every
// service exports, in Prometheus' text format: for the local stack's Prometheus (Supabase's
// hosted runtime has its own request logs).
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const NAME = 'harita_http_request_duration_seconds';

interface Series {
  labels: string;
  counts: number[];
  sum: number;
  count: number;
}

const series = new Map<string, Series>();

const escape = (value: string) =>
  value.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n');

export function observe(fn: string, method: string, status: number, seconds: number): void {
  const labels = `function="${escape(fn)}",method="${escape(method)}",status="${String(status)}"`;
  let entry = series.get(labels);
  if (!entry) {
    entry = { labels, counts: BUCKETS.map(() => 0), sum: 0, count: 0 };
    series.set(labels, entry);
  }
  BUCKETS.forEach((bound, i) => {
    if (seconds <= bound) entry.counts[i]!++;
  });
  entry.sum += seconds;
  entry.count++;
}

export function exposition(): string {
  const lines = [
    `# HELP ${NAME} API requests in seconds, by function, method and status.`,
    `# TYPE ${NAME} histogram`,
  ];
  for (const entry of series.values()) {
    BUCKETS.forEach((bound, i) =>
      lines.push(
        `${NAME}_bucket{${entry.labels},le="${String(bound)}"} ${String(entry.counts[i])}`,
      ),
    );
    lines.push(`${NAME}_bucket{${entry.labels},le="+Inf"} ${String(entry.count)}`);
    lines.push(`${NAME}_sum{${entry.labels}} ${String(entry.sum)}`);
    lines.push(`${NAME}_count{${entry.labels}} ${String(entry.count)}`);
  }
  // A pool near its size makes requests queue for a connection: the first sign of a database
  // too slow or too small for the load.
  const pool = poolUse();
  const POOL = METRICS.dbPoolConnections;
  lines.push(
    `# HELP ${POOL} The API's database connections: held by requests now (in_use), and the pool's size (max).`,
    `# TYPE ${POOL} gauge`,
    `${POOL}{state="in_use"} ${String(pool.inUse)}`,
    `${POOL}{state="max"} ${String(pool.max)}`,
  );
  const cpu = process.cpuUsage();
  lines.push(
    '# HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.',
    '# TYPE process_cpu_seconds_total counter',
    `process_cpu_seconds_total ${String((cpu.user + cpu.system) / 1e6)}`,
    '# HELP process_resident_memory_bytes Resident memory size in bytes.',
    '# TYPE process_resident_memory_bytes gauge',
    `process_resident_memory_bytes ${String(Deno.memoryUsage().rss)}`,
  );
  return `${lines.join('\n')}\n`;
}
