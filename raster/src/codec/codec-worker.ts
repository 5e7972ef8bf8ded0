import { parentPort } from 'node:worker_threads';
import { decodeBlock, decodeInto } from './decode.js';
import { encodeTile } from './encode.js';
import { jpegReady } from './jpeg.js';
import { COMPRESSION } from '../tiff/tags.js';
import type { CodecReply, CodecTask } from './tasks.js';

const port = parentPort;
if (port === null) throw new Error('codec-worker runs only as a worker thread');

const EMPTY = new Uint8Array(0);

port.on('message', (message: { id: number; task: CodecTask }) => {
  const { id, task } = message;
  // libjpeg-turbo loads on a thread's first JPEG block, not for every raster.
  const ready =
    task.kind !== 'encodeTile' && task.compression === COMPRESSION.jpeg
      ? jpegReady()
      : Promise.resolve();
  const work = ready.then((): [Uint8Array, number, number] => {
    if (task.kind === 'decode') return [decodeBlock(task), 0, 0];
    if (task.kind === 'encodeTile') {
      const { position, length } = encodeTile(task);
      return [EMPTY, position, length];
    }
    decodeInto(task);
    return [EMPTY, 0, 0];
  });
  work.then(
    ([result, position, length]) => {
      // Only a buffer the result owns whole can be transferred; zlib may hand back a slice. The
      // shared empty reply is never transferred: a transfer would detach it for the next one.
      const owned = result.byteOffset === 0 && result.byteLength === result.buffer.byteLength;
      const data = owned ? result : result.slice();
      const reply: CodecReply = { id, ok: true, data, position, length };
      port.postMessage(reply, data === EMPTY ? [] : [data.buffer as ArrayBuffer]);
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
