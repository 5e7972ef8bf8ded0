import { Reachability } from '@harita/contracts';
import type { Logger } from 'pino';

/** The shared reachability tracker, reporting each change as one line of the worker's log. */
export function loggedReachability(logger: Logger): Reachability {
  return new Reachability(({ msg, ...change }) => {
    if (change.reachable) logger.info(change, msg);
    else logger.warn(change, msg);
  });
}
