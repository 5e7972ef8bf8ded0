import { createRequire } from 'node:module';
import * as zlib from 'node:zlib';
import type { JobErrorKind } from '../job-error-kind.js';
import { COMPRESSION, PREDICTOR } from '../tiff/tags.js';
import { inflate } from './deflate.js';
import { decodeJpeg } from './jpeg.js';
import { decodeLerc, LERC_WRAP, lercBlobLimit } from './lerc.js';
import { decodeLzw } from './lzw.js';
import { swapBytes, undoFloatingPoint, undoHorizontal } from './predictor.js';
import type { BlockPlacement, DecodeIntoTask, DecodeTask } from './tasks.js';
import { UnsupportedRasterError } from '../tiff/unsupported-raster.js';
import { halfFloatsToFloat32, unpackSamples } from './widen.js';

/** A block whose compressed data does not decode to its declared size. */
export class CorruptBlockError extends Error {
  override name = 'CorruptBlockError';
  static readonly job: JobErrorKind = { code: 'malformed_raster', permanent: true };
}

/**
 * Decodes one TIFF block to exactly width x rows x samples little-endian samples. Output never
 * grows past that size, so a decompression bomb fails instead of filling memory.
 */
export function decodeBlock(task: DecodeTask, reuse = false): Uint8Array {
  const { width, rows, samples, bits } = task;
  const halfFloat = bits === 16 && task.bytes === 4;
  // Samples of 1 to 31 bits other than 8 and 16 are unpacked, most significant bit first.
  const packed = bits !== task.bytes * 8 && !halfFloat;
  const rowBytes = Math.ceil((width * samples * bits) / 8);
  const expected = rowBytes * rows;
  const raw = decompress(task, expected, reuse ? scratch(0, expected) : undefined);
  if (raw.length < expected) {
    throw new CorruptBlockError(
      `a block decoded to ${String(raw.length)} bytes, ${String(expected)} expected`,
    );
  }
  const data = raw.length === expected ? raw : raw.subarray(0, expected);
  const shape = { width, rows, samples, bytes: packed ? 1 : bits / 8 };
  let decoded = data;
  if (task.predictor === PREDICTOR.floatingPoint) {
    decoded = reuse ? scratch(1, expected) : new Uint8Array(expected);
    undoFloatingPoint(data, decoded, shape);
  } else {
    // Packed samples are a bit stream, most significant bit first; libtiff swaps 24-bit ones as
    // whole samples in big-endian files, as it does 16- and 32-bit ones.
    if (!task.littleEndian && (!packed || bits === 24)) swapBytes(data, packed ? 3 : shape.bytes);
    if (task.predictor === PREDICTOR.horizontal) undoHorizontal(data, shape);
    else if (task.predictor !== PREDICTOR.none)
      throw new CorruptBlockError(`unknown predictor ${String(task.predictor)}`);
  }
  if (bits === task.bytes * 8) return decoded;
  const size = width * rows * samples * task.bytes;
  const out = reuse ? scratch(2, size) : new Uint8Array(size);
  if (packed)
    unpackSamples(decoded, { rowBytes, rows, count: width * samples, bits }, out, task.bytes);
  else halfFloatsToFloat32(decoded, out);
  return out;
}

const zstdNative = (zlib as { zstdDecompressSync?: (data: Uint8Array, options: object) => Buffer })
  .zstdDecompressSync;

type ZstdDecompress = (data: Uint8Array, out: Uint8Array) => Uint8Array;
let zstdFallback: ZstdDecompress | undefined;

/** fzstd, for Node versions whose zlib lacks Zstandard; loaded on first use. */
function zstdDecompress(data: Uint8Array, out: Uint8Array): Uint8Array {
  zstdFallback ??= (createRequire(import.meta.url)('fzstd') as { decompress: ZstdDecompress })
    .decompress;
  return zstdFallback(data, out);
}

interface ZstdStream {
  push(chunk: Uint8Array, final?: boolean): void;
}

/**
 * Zstandard whose decoded size is not known beforehand, to its exact length, stopped past `limit`
 * bytes (fzstd's stream where node:zlib lacks Zstandard).
 */
function zstdBounded(data: Uint8Array, limit: number): Uint8Array {
  if (zstdNative) return zstdNative(data, { maxOutputLength: limit });
  const { Decompress } = createRequire(import.meta.url)('fzstd') as {
    Decompress: new (ondata: (chunk: Uint8Array) => void) => ZstdStream;
  };
  const chunks: Uint8Array[] = [];
  let total = 0;
  new Decompress((chunk) => {
    total += chunk.length;
    if (total > limit) throw new Error(`the data decodes past ${String(limit)} bytes`);
    chunks.push(chunk.slice());
  }).push(data, true);
  return Buffer.concat(chunks);
}

const scratchBuffers: Uint8Array[] = [];

/** Per-thread buffers for blocks that are copied out at once: no allocation per block. */
function scratch(slot: number, size: number): Uint8Array {
  let buffer = scratchBuffers[slot];
  if (!buffer || buffer.length < size) {
    buffer = new Uint8Array(size);
    scratchBuffers[slot] = buffer;
  }
  return buffer.subarray(0, size);
}

function decompress(task: DecodeTask, expected: number, into?: Uint8Array): Uint8Array {
  const { data } = task;
  try {
    switch (task.compression) {
      case COMPRESSION.none:
        return data.length >= expected ? data.slice(0, expected) : data;
      case COMPRESSION.deflate:
      case COMPRESSION.deflateOld:
        return inflate(data, expected, into);
      case COMPRESSION.zstd:
        return zstdNative
          ? zstdNative(data, { maxOutputLength: Math.max(expected, 1) })
          : zstdDecompress(data, new Uint8Array(expected));
      case COMPRESSION.packbits:
        return unpackBits(data, expected);
      case COMPRESSION.lzw:
        return decodeLzw(data, expected);
      case COMPRESSION.jpeg:
        return decodeJpeg(data, task.jpegTables, expected);
      case COMPRESSION.lerc:
        return decodeLerc(unwrapLerc(data, task.lercWrap, expected), expected, task.float);
      default:
        throw new UnsupportedRasterError(
          `compression ${String(task.compression)} is not supported`,
        );
    }
  } catch (error) {
    if (error instanceof CorruptBlockError || error instanceof UnsupportedRasterError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new CorruptBlockError(`a block could not be decompressed: ${reason}`);
  }
}

/** A LERC blob out of the Deflate or Zstandard wrapping LercParameters names, bounded in size. */
function unwrapLerc(data: Uint8Array, wrap: number, expected: number): Uint8Array {
  const limit = lercBlobLimit(expected);
  if (wrap === LERC_WRAP.deflate) return zlib.inflateSync(data, { maxOutputLength: limit });
  if (wrap === LERC_WRAP.zstd) return zstdBounded(data, limit);
  return data;
}

function unpackBits(data: Uint8Array, expected: number): Uint8Array {
  const out = new Uint8Array(expected);
  let i = 0;
  let o = 0;
  while (i < data.length && o < expected) {
    const n = (data[i++]! << 24) >> 24;
    if (n >= 0) {
      const count = Math.min(n + 1, expected - o, data.length - i);
      out.set(data.subarray(i, i + count), o);
      i += n + 1;
      o += count;
    } else if (n !== -128) {
      const count = Math.min(1 - n, expected - o);
      out.fill(data[i++] ?? 0, o, o + count);
      o += count;
    }
  }
  return out.subarray(0, o);
}

type SampleView = Uint8Array | Uint16Array | Uint32Array | Float64Array;

function sampleView(
  bytes: number,
  buffer: ArrayBufferLike,
  byteOffset: number,
  length: number,
): SampleView {
  if (bytes === 1) return new Uint8Array(buffer, byteOffset, length);
  if (bytes === 2) return new Uint16Array(buffer, byteOffset, length);
  if (bytes === 4) return new Uint32Array(buffer, byteOffset, length);
  return new Float64Array(buffer, byteOffset, length);
}

/** Decodes a block and copies its rows straight into the reader's shared window arrays. */
export function decodeInto(task: DecodeIntoTask): void {
  // Pixel-interleaved integers with the horizontal predictor: undo it while picking each band's
  // samples out, one pass over the block instead of two.
  if (
    task.predictor === PREDICTOR.horizontal &&
    task.samples > 1 &&
    task.bytes <= 4 &&
    task.bits === task.bytes * 8
  ) {
    const raw = decodeBlock({ ...task, kind: 'decode', predictor: PREDICTOR.none }, true);
    placeSummingRows(raw, task, task.placement);
    return;
  }
  place(decodeBlock({ ...task, kind: 'decode' }, true), task, task.placement);
}

function place(decoded: Uint8Array, task: DecodeIntoTask, placement: BlockPlacement): void {
  const { bytes, samples, width } = task;
  const src = sampleView(bytes, decoded.buffer, decoded.byteOffset, decoded.byteLength / bytes);
  const { firstRow, count, destRow, x0, span, destWidth, destLength } = placement;
  for (const target of placement.targets) {
    const dest = sampleView(bytes, target.buffer, target.byteOffset, destLength);
    for (let r = 0; r < count; r++) {
      const from = (firstRow + r) * width;
      const to = (destRow + r) * destWidth + x0;
      if (samples === 1) {
        dest.set(src.subarray(from, from + span), to);
        continue;
      }
      const s = target.sample;
      for (let x = 0; x < span; x++) dest[to + x] = src[(from + x) * samples + s]!;
    }
  }
}

/** Places samples still horizontally differenced, summing each row as it goes. */
function placeSummingRows(raw: Uint8Array, task: DecodeIntoTask, placement: BlockPlacement): void {
  const { bytes, samples, width } = task;
  const src = sampleView(bytes, raw.buffer, raw.byteOffset, raw.byteLength / bytes);
  const { firstRow, count, destRow, x0, span, destWidth, destLength } = placement;
  const mask = bytes === 1 ? 0xff : 0xffff;
  for (const target of placement.targets) {
    const dest = sampleView(bytes, target.buffer, target.byteOffset, destLength);
    for (let r = 0; r < count; r++) {
      let at = (firstRow + r) * width * samples + target.sample;
      const to = (destRow + r) * destWidth + x0;
      let sum = 0;
      if (bytes === 4) {
        for (let x = 0; x < span; x++, at += samples) dest[to + x] = sum = (sum + src[at]!) >>> 0;
      } else {
        for (let x = 0; x < span; x++, at += samples) dest[to + x] = sum = (sum + src[at]!) & mask;
      }
    }
  }
}
