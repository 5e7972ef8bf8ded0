import type { JobView } from './api-client.js';

const WIDTH = 30;

function bar(job: JobView, label: string): string {
  const filled = Math.round((job.progress / 100) * WIDTH);
  return `  ${label.padEnd(10)} [${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${String(job.progress).padStart(3)}%  ${job.status}`;
}

/**
 * Follows jobs to their end, drawing one progress bar each: redrawn in place on a terminal, a
 * line per change otherwise (CI logs).
 */
export async function follow(
  jobs: { label: string; id: string }[],
  read: (id: string) => Promise<JobView>,
  timeoutMs: number,
): Promise<JobView[]> {
  const tty = process.stdout.isTTY;
  const deadline = Date.now() + timeoutMs;
  let drawn = false;
  let last = '';
  for (;;) {
    const views = await Promise.all(jobs.map((j) => read(j.id)));
    const lines = views.map((view, i) => bar(view, jobs[i]?.label ?? view.type));
    const text = lines.join('\n');
    if (tty) {
      if (drawn) process.stdout.write(`\x1b[${String(lines.length)}A`);
      process.stdout.write(`${lines.map((l) => `${l}\x1b[K`).join('\n')}\n`);
      drawn = true;
    } else if (text !== last) {
      process.stdout.write(`${text}\n`);
    }
    last = text;
    if (views.every((v) => ['succeeded', 'failed', 'canceled'].includes(v.status))) return views;
    if (Date.now() > deadline)
      throw new Error(`the demo jobs did not finish within ${String(timeoutMs / 1000)} s`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
