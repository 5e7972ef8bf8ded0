import { Worker } from 'bullmq';

/** Bare BullMQ: a worker whose processor does nothing, the reference the kit's worker is timed against. */
const [host, port, password, queue] = process.argv.slice(2);
if (!host || !port || !password || !queue)
  throw new Error('usage: bare-worker.js HOST PORT PASSWORD QUEUE');
const worker = new Worker(queue, () => Promise.resolve(), {
  connection: { host, port: Number(port), password, maxRetriesPerRequest: null },
  concurrency: 5,
});
await worker.waitUntilReady();
process.stdout.write('ready\n');
process.on('SIGTERM', () => {
  void worker.close().then(() => process.exit(0));
});
