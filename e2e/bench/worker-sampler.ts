/** What the worker's /metrics showed over one run. */
export interface WorkerSample {
  /** The 95th percentile of harita_inference_request_duration_seconds, interpolated in its buckets. */
  p95Seconds: number;
  /** process_cpu_seconds_total from start() to stop(). */
  cpuSeconds: number;
  /** The largest process_resident_memory_bytes sampled. */
  peakRssBytes: number;
}

const value = (text: string, name: string): number => {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line ? Number(line.split(' ').at(-1)) : Number.NaN;
};

/** The q-quantile of a Prometheus histogram's cumulative buckets, linear within a bucket. */
export function histogramQuantile(text: string, name: string, q: number): number {
  const buckets = new Map<number, number>();
  for (const line of text.split('\n')) {
    const match = new RegExp(`^${name}_bucket\\{[^}]*le="([^"]+)"[^}]*\\} (\\S+)$`).exec(line);
    if (!match) continue;
    const le = match[1] === '+Inf' ? Infinity : Number(match[1]);
    buckets.set(le, (buckets.get(le) ?? 0) + Number(match[2]));
  }
  const sorted = [...buckets.entries()].sort((a, b) => a[0] - b[0]);
  const total = sorted.at(-1)?.[1] ?? 0;
  if (total === 0) return Number.NaN;
  let previousLe = 0;
  let previousCount = 0;
  for (const [le, count] of sorted) {
    if (count >= q * total) {
      if (le === Infinity) return previousLe;
      return (
        previousLe + ((q * total - previousCount) / (count - previousCount)) * (le - previousLe)
      );
    }
    previousLe = le;
    previousCount = count;
  }
  return previousLe;
}

/**
 * Samples a worker's /metrics every 200 ms while a run lasts: its resident memory (for the peak),
 * then its CPU seconds and request latency at the end.
 */
export class WorkerSampler {
  private peak = 0;
  private cpuAtStart = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly url: string) {}

  private async read(): Promise<string> {
    const text = await (await fetch(this.url)).text();
    this.peak = Math.max(this.peak, value(text, 'process_resident_memory_bytes'));
    return text;
  }

  async start(): Promise<void> {
    this.cpuAtStart = value(await this.read(), 'process_cpu_seconds_total');
    this.timer = setInterval(() => void this.read().catch(() => undefined), 200);
  }

  async stop(): Promise<WorkerSample> {
    clearInterval(this.timer);
    const text = await this.read();
    return {
      p95Seconds: histogramQuantile(text, 'harita_inference_request_duration_seconds', 0.95),
      cpuSeconds: value(text, 'process_cpu_seconds_total') - this.cpuAtStart,
      peakRssBytes: this.peak,
    };
  }
}
