import { parentPort } from 'node:worker_threads';
import { decodeInto } from './decode.js';
import { encodeTile } from './encode.js';
import { jpegReady } from './jpeg.js';
import { COMPRESSION } from '../tiff/tags.js';
import type { CodecReply, CodecTask } from './tasks.js';

const port = parentPort;
if (port === null) throw new Error('codec-worker runs only as a worker thread');

port.on('message', (message: { id: number; task: CodecTask }) => {
  const { id, task } = message;
  // libjpeg-turbo loads on a thread's first JPEG block, not for every raster.
  const ready =
    task.kind !== 'encodeTile' && task.compression === COMPRESSION.jpeg
      ? jpegReady()
      : Promise.resolve();
  const work = ready.then(() => {
    if (task.kind === 'encodeTile') return encodeTile(task);
    decodeInto(task);
    return { position: 0, length: 0 };
  });
  work.then(
    ({ position, length }) => {
      const reply: CodecReply = { id, ok: true, position, length };
      port.postMessage(reply);
    },
    (error: unknown) => {
      const reply: CodecReply = {
        id,
        ok: false,
        name: error instanceof Error ? error.name : 'Error',
        message: error instanceof Error ? error.message : String(error),
      };
      port.postMessage(reply);
    },
  );
});
