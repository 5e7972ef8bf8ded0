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
