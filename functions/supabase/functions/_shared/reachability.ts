import { Reachability } from '@harita/contracts';

/**
 * The API's view of the dependencies it reaches over the network (the object store): each
 * outage is one JSON line on stderr when it starts and one when it ends, in the worker's words.
 */
export const reachability = new Reachability(({ msg, ...change }) => {
  console.error(
    JSON.stringify({
      level: change.reachable ? 'info' : 'warn',
      service: 'functions',
      msg,
      ...change,
    }),
  );
});
