import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';

/** A stream of `size` random bytes and, once it has been read, their sha256. */
export function randomStream(
  size: number,
  chunk = 1 << 20,
): { stream: Readable; sha256: () => string } {
  const hash = createHash('sha256');
  let left = size;
  let digest: string | undefined;
  const stream = new Readable({
    read() {
      if (left === 0) {
        this.push(null);
        return;
      }
      const piece = randomBytes(Math.min(chunk, left));
      left -= piece.length;
      hash.update(piece);
      this.push(piece);
    },
  });
  return {
    stream,
    sha256: () => {
      if (left !== 0) throw new Error('the stream has not been read to its end');
      return (digest ??= hash.digest('hex'));
    },
  };
}

export async function sha256Of(
  stream: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const piece of stream) {
    hash.update(piece);
    bytes += piece.length;
  }
  return { sha256: hash.digest('hex'), bytes };
}

export async function readAll(stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const pieces: Buffer[] = [];
  for await (const piece of stream) pieces.push(Buffer.from(piece));
  return Buffer.concat(pieces);
}
