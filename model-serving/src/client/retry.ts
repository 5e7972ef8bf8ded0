import { ModelServingError } from './errors.ts';

/** A try that may succeed if made again: the server was unreachable, slow or overloaded. */
export class TransientFailure extends Error {
  override name = 'TransientFailure';
}

/** How a call is retried. */
export interface RetryPolicy {
  /** Further tries after the first. */
  retries: number;
  /** First pause between tries in ms, doubled each time. */
  backoffMs: number;
}

/** Waits `ms`, or rejects with the signal's reason once it aborts. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', abort);
      resolve();
    }, ms);
    const abort = () => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    };
    signal.addEventListener('abort', abort, { once: true });
  });
}

/**
 * Runs `attempt` until it succeeds, throws anything but a TransientFailure, or has failed
 * 1 + `retries` times, pausing between tries with exponential back-off.
 * @throws ModelServingError `unavailable` naming `what` and the last problem, once tries run out
 */
export async function withRetries<T>(
  what: string,
  policy: RetryPolicy,
  signal: AbortSignal,
  attempt: () => Promise<T>,
): Promise<T> {
  let wait = policy.backoffMs;
  let last = '';
  for (let tries = 0; tries <= policy.retries; tries++) {
    signal.throwIfAborted();
    try {
      return await attempt();
    } catch (error) {
      if (signal.aborted || !(error instanceof TransientFailure)) throw error;
      last = error.message;
    }
    if (tries < policy.retries) {
      await pause(wait, signal);
      wait *= 2;
    }
  }
  throw new ModelServingError(
    'unavailable',
    `model serving did not answer ${what} after ${String(policy.retries + 1)} tries: ${last}`,
  );
}
