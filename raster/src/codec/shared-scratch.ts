/** A growable buffer over shared memory that codec threads read from or write to in place. */
export class SharedScratch {
  private buffer = new SharedArrayBuffer(0);

  /** A view of at least `size` bytes; earlier views are invalid once it grows. */
  view(size: number): Uint8Array {
    if (this.buffer.byteLength < size) this.buffer = new SharedArrayBuffer(Math.ceil(size * 1.25));
    return new Uint8Array(this.buffer, 0, size);
  }
}
