import { open, type FileHandle } from 'node:fs/promises';
import { checkRange, type ByteSource } from './byte-source.js';

export class FileSource implements ByteSource {
  /** A local read costs a system call, not a round trip: each block is read into its own buffer. */
  readonly mergeGap = 0;

  static async open(path: string): Promise<FileSource> {
    const handle = await open(path, 'r');
    const { size } = await handle.stat();
    return new FileSource(path, handle, size);
  }

  private constructor(
    readonly name: string,
    private readonly handle: FileHandle,
    readonly size: number,
  ) {}

  async read(
    offset: number,
    length: number,
    signal?: AbortSignal,
    into?: Uint8Array,
  ): Promise<Uint8Array> {
    checkRange(this, offset, length);
    signal?.throwIfAborted();
    const buffer = into ? into.subarray(0, length) : new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const { bytesRead } = await this.handle.read(buffer, done, length - done, offset + done);
      if (bytesRead === 0) throw new Error(`${this.name}: unexpected end of file`);
      done += bytesRead;
    }
    return buffer;
  }

  close(): Promise<void> {
    return this.handle.close();
  }
}
