import { Reachability } from '@harita/contracts';
import type { Logger } from 'pino';

/** The shared reachability tracker, reporting each change as one line of the worker's log. */
export function loggedReachability(logger: Logger): Reachability {
  return new Reachability(({ msg, ...change }) => {
    if (change.reachable) logger.info(change, msg);
    else logger.warn(change, msg);
  });
}

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
]);

/**
 * Whether an error is a lost or refused connection (which ioredis retries by itself, and
 * `Reachability` reports), rather than a fault worth its own log line.
 */
export function isConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as NodeJS.ErrnoException).code;
  return (
    (code !== undefined && CONNECTION_CODES.has(code)) ||
    /^Connection is closed|^connect ETIMEDOUT|^Stream isn't writeable/.test(error.message)
  );
}
