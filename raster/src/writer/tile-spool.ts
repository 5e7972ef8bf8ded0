import { open, type FileHandle } from 'node:fs/promises';

/** Where a codec thread appends compressed tiles of one level: the file and its shared end. */
export interface SpoolTarget {
  fd: number;
  /** The spool's length in bytes, advanced atomically by each thread that appends. */
  end: BigInt64Array;
}

/** Spool reads are merged up to this size when the file is streamed out. */
const MAX_READ = 8 * 1024 * 1024;

/**
 * Compressed tiles of one level in a temporary file: a COG's header lists every tile's offset, so
 * it can only be written once all are compressed, and memory stays bounded. Codec threads append
 * tiles in whatever order they finish; `stream` gives them back in row-major order.
 */
export class TileSpool {
  static async create(path: string, tiles: number): Promise<TileSpool> {
    return new TileSpool(path, await open(path, 'w+'), tiles);
  }

  /** Per tile, in row-major order: where it lies in the spool and its length (-1: not yet written). */
  readonly positions: number[];
  readonly byteCounts: number[];
  readonly target: SpoolTarget;

  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
    tiles: number,
  ) {
    this.positions = new Array<number>(tiles).fill(-1);
    this.byteCounts = new Array<number>(tiles).fill(0);
    this.target = { fd: handle.fd, end: new BigInt64Array(new SharedArrayBuffer(8)) };
  }

  get size(): number {
    return Number(Atomics.load(this.target.end, 0));
  }

  record(tile: number, position: number, length: number): void {
    this.positions[tile] = position;
    this.byteCounts[tile] = length;
  }

  /** The tiles in row-major order, read back in runs. */
  async *stream(): AsyncGenerator<Uint8Array> {
    let tile = 0;
    while (tile < this.positions.length) {
      const start = this.positions[tile]!;
      if (start < 0) throw new Error(`tile ${String(tile)} of ${this.path} was never written`);
      let end = start + this.byteCounts[tile]!;
      let last = tile + 1;
      while (
        last < this.positions.length &&
        this.positions[last] === end &&
        end - start + this.byteCounts[last]! <= MAX_READ
      ) {
        end += this.byteCounts[last]!;
        last++;
      }
      const bytes = new Uint8Array(end - start);
      let done = 0;
      while (done < bytes.length) {
        const { bytesRead } = await this.handle.read(
          bytes,
          done,
          bytes.length - done,
          start + done,
        );
        if (bytesRead === 0) throw new Error(`${this.path} ends early`);
        done += bytesRead;
      }
      yield bytes;
      tile = last;
    }
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}
