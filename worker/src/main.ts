import { ConfigError, loadConfig } from './config.js';
import { loadDispatcherConfig } from './dispatcher/config.js';
import { dispatch } from './dispatcher/main.js';
import { work } from './work.js';

/**
 * `harita-worker [work|dispatch]`, one image for both:
 * - `work` (the default): takes jobs from BullMQ and runs them (work.ts);
 * - `dispatch`: moves job rows from Postgres into BullMQ and relays cancels (dispatcher/).
 */
const USAGE = 'usage: harita-worker [work|dispatch]';

const mode = process.argv[2] ?? 'work';
// Each error line names what failed to start: the worker or the dispatcher.
const name = mode === 'dispatch' ? 'dispatcher' : 'worker';
try {
  if (mode === 'work') await work(loadConfig());
  else if (mode === 'dispatch') await dispatch(loadDispatcherConfig());
  else throw new ConfigError(`unknown mode "${mode}"; ${USAGE}`);
} catch (error) {
  const message =
    error instanceof ConfigError
      ? `${name}: ${error.message}`
      : `${name}: failed to start: ${error instanceof Error ? error.message : String(error)}`;
  process.stderr.write(`${message}\n`);
  process.exit(1);
}
