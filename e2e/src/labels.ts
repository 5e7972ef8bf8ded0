import { randomUUID } from 'node:crypto';

/**
 * Ryuk cannot run here, so the suites clean up after themselves: every container carries these
 * labels, the global teardown removes this run's, and the next run removes any whose run died.
 */
export const E2E_LABEL = 'dev.harita.e2e';
export const RUN_LABEL = 'dev.harita.e2e.run';
export const OWNER_PID_LABEL = 'dev.harita.e2e.owner-pid';

export const runId = (process.env.HARITA_E2E_RUN ??= randomUUID());
export const ownerPid = (process.env.HARITA_E2E_OWNER_PID ??= String(process.pid));

export const e2eLabels = (): Record<string, string> => ({
  [E2E_LABEL]: 'true',
  [RUN_LABEL]: runId,
  [OWNER_PID_LABEL]: ownerPid,
});
