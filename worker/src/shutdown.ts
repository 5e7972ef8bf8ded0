/**
 * Calls `stop` once, on the first SIGTERM or SIGINT (Kubernetes' and a terminal's stop); later
 * signals are ignored while it runs.
 */
export function onStopSignal(stop: (signal: NodeJS.Signals) => void): void {
  let stopping = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const)
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      stop(signal);
    });
}

/**
 * How long a stop waits, past its own grace period, for Redis to confirm the close (BullMQ's
 * `close()` hands jobs back and quits its connections). A Redis that is down, or a cluster node
 * that died, never confirms: the process stops anyway, and what it held is found stalled.
 */
export const SHUTDOWN_CLOSE_SECONDS = 5;

/**
 * Whether `closing` settles within `ms` milliseconds; a rejection counts as settled.
 * The timer does not keep the process alive.
 */
export async function settlesWithin(closing: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<false>((resolve) => {
    timer = setTimeout(resolve, ms, false);
    timer.unref();
  });
  try {
    return await Promise.race([
      closing.then(
        () => true,
        () => true,
      ),
      expired,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
