import { createRequire } from 'node:module';
import { constants, deflateSync, inflateSync } from 'node:zlib';

interface NativeDeflate {
  deflateInto(data: Uint8Array, level: number, out: Uint8Array): number;
  inflateInto(data: Uint8Array, out: Uint8Array): number;
}

function loadNative(): NativeDeflate | null {
  if (process.env.HARITA_DEFLATE === 'zlib') return null;
  try {
    const require = createRequire(import.meta.url);
    return require('../../native/build/harita_deflate.node') as NativeDeflate;
  } catch {
    return null;
  }
}

const native = loadNative();

/** Which implementation compresses: libdeflate (the native binding) or node:zlib. */
export const deflateBackend: 'libdeflate' | 'zlib' = native ? 'libdeflate' : 'zlib';

/** Compresses into `out` as a zlib-wrapped Deflate stream (TIFF's Deflate), returning the length. */
export function deflateInto(data: Uint8Array, level: number, out: Uint8Array): number {
  if (native) return native.deflateInto(data, level, out);
  const compressed = deflateSync(data, { level });
  if (compressed.length > out.length)
    throw new RangeError('the compressed block does not fit its output');
  out.set(compressed);
  return compressed.length;
}

/** Room enough for any block of `size` bytes once compressed (zlib's and libdeflate's bounds). */
export function deflateBound(size: number): number {
  return size + (size >>> 8) + 1024;
}

/**
 * Inflates to at most `maxLength` bytes, into `into` when given; a stream that would grow past
 * `maxLength` is an error.
 */
export function inflate(data: Uint8Array, maxLength: number, into?: Uint8Array): Uint8Array {
  if (native) {
    const out = into ?? new Uint8Array(maxLength);
    try {
      return out.subarray(0, native.inflateInto(data, out.subarray(0, maxLength)));
    } catch (error) {
      // libdeflate wants whole streams; zlib also reads ones cut short, as libtiff does.
      if ((error as { code?: string }).code !== 'Z_DATA_ERROR') throw error;
    }
  }
  return inflateSync(data, {
    maxOutputLength: Math.max(maxLength, 1),
    finishFlush: constants.Z_SYNC_FLUSH,
  });
}
