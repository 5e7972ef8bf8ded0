import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { UnsupportedRasterError } from '../tiff/unsupported-raster.js';
import { CorruptBlockError } from './decode.js';
import type { CodecReply, CodecTask, DecodeIntoTask, EncodeTileTask } from './tasks.js';

interface Pending {
  slot: Slot;
  resolve: (reply: Result) => void;
  reject: (error: Error) => void;
}

interface Result {
  position: number;
  length: number;
}

interface Slot {
  worker: Worker;
  busy: number;
}

/**
 * Worker threads that decode and encode TIFF blocks, one per core. Blocks travel in shared memory
 * or are transferred, never copied. Threads hold the process open only while they have work.
 */
export class CodecPool {
  private static instance: CodecPool | undefined;

  /** The process's one pool, sized to its cores (HARITA_CODEC_THREADS overrides). */
  static shared(): CodecPool {
    CodecPool.instance ??= new CodecPool(threadCount());
    return CodecPool.instance;
  }

  private readonly slots: Slot[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private closed = false;

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1)
      throw new RangeError(`a codec pool needs at least one thread, not ${String(size)}`);
  }

  /** Decodes a block into shared window arrays; resolves once its rows are in place. */
  async decodeInto(task: Omit<DecodeIntoTask, 'kind'>): Promise<void> {
    await this.run({ kind: 'decodeInto', ...task });
  }

  /** Encodes a tile of a shared strip into its spool; resolves with where it was written. */
  async encodeTile(
    task: Omit<EncodeTileTask, 'kind'>,
  ): Promise<{ position: number; length: number }> {
    const { position, length } = await this.run({ kind: 'encodeTile', ...task });
    return { position, length };
  }

  /** Starts every thread now, so their start-up overlaps the caller's own (reading headers, say). */
  warm(): void {
    while (!this.closed && this.slots.length < this.size) this.spawn();
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((slot) => slot.worker.terminate()));
    this.slots.length = 0;
    if (CodecPool.instance === this) CodecPool.instance = undefined;
  }

  private run(task: CodecTask): Promise<Result> {
    if (this.closed) return Promise.reject(new Error('the codec pool is closed'));
    const slot = this.pick();
    const id = this.nextId++;
    slot.busy++;
    if (slot.busy === 1) slot.worker.ref();
    return new Promise<Result>((resolve, reject) => {
      this.pending.set(id, { slot, resolve, reject });
      // Shared memory is seen by both threads as is; other buffers are moved, not copied.
      if (task.kind === 'encodeTile' || task.data.buffer instanceof SharedArrayBuffer) {
        slot.worker.postMessage({ id, task });
        return;
      }
      const owned =
        task.data.byteOffset === 0 && task.data.byteLength === task.data.buffer.byteLength;
      const data = owned ? task.data : task.data.slice();
      slot.worker.postMessage({ id, task: { ...task, data } }, [data.buffer as ArrayBuffer]);
    }).finally(() => {
      slot.busy--;
      if (slot.busy === 0) slot.worker.unref();
    });
  }

  private pick(): Slot {
    if (this.slots.length < this.size) {
      const idle = this.slots.find((slot) => slot.busy === 0);
      if (idle) return idle;
      return this.spawn();
    }
    let best = this.slots[0]!;
    for (const slot of this.slots) if (slot.busy < best.busy) best = slot;
    return best;
  }

  private spawn(): Slot {
    const worker = new Worker(new URL('./codec-worker.js', import.meta.url));
    worker.unref();
    const slot: Slot = { worker, busy: 0 };
    // Node does not always keep an unref() made before the thread is online: a thread started
    // ahead of work (warm) that never got any would keep the process alive after it is done.
    worker.once('online', () => {
      if (slot.busy === 0) worker.unref();
    });
    worker.on('message', (reply: CodecReply) => {
      const waiting = this.pending.get(reply.id);
      if (!waiting) return;
      this.pending.delete(reply.id);
      if (reply.ok) waiting.resolve({ position: reply.position, length: reply.length });
      else waiting.reject(threadError(reply.name, reply.message));
    });
    worker.on('error', (error) => {
      // A crashed thread fails everything it held; the pool replaces it on the next task.
      for (const [id, waiting] of this.pending) {
        if (waiting.slot !== slot) continue;
        this.pending.delete(id);
        waiting.reject(error);
      }
      const index = this.slots.indexOf(slot);
      if (index >= 0) this.slots.splice(index, 1);
    });
    this.slots.push(slot);
    return slot;
  }
}

/** An error from a codec thread as the class it was thrown as, so callers can tell them apart. */
function threadError(name: string, message: string): Error {
  if (name === 'CorruptBlockError') return new CorruptBlockError(message);
  if (name === 'UnsupportedRasterError') return new UnsupportedRasterError(message);
  return new Error(message);
}

function threadCount(): number {
  const configured = Number(process.env.HARITA_CODEC_THREADS);
  return Number.isInteger(configured) && configured > 0 ? configured : availableParallelism();
}
