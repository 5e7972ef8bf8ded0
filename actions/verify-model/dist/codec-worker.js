import { createRequire as __bannerCreateRequire } from 'node:module'; const require = __bannerCreateRequire(import.meta.url);

// ../../raster/src/codec/codec-worker.ts
import { parentPort } from "node:worker_threads";

// ../../raster/src/codec/decode.ts
import { createRequire as createRequire2 } from "node:module";
import * as zlib from "node:zlib";

// ../../raster/src/codec/deflate.ts
import { createRequire } from "node:module";
import { constants, deflateSync, inflateSync } from "node:zlib";
function loadNative() {
  if (process.env.HARITA_DEFLATE === "zlib") return null;
  try {
    const require2 = createRequire(import.meta.url);
    return require2("../../native/build/harita_deflate.node");
  } catch {
    return null;
  }
}
var native = loadNative();
function deflateInto(data, level, out) {
  if (native) return native.deflateInto(data, level, out);
  const compressed2 = deflateSync(data, { level });
  if (compressed2.length > out.length)
    throw new RangeError("the compressed block does not fit its output");
  out.set(compressed2);
  return compressed2.length;
}
function deflateBound(size) {
  return size + (size >>> 8) + 1024;
}
function inflate(data, maxLength, into) {
  if (native) {
    const out = into ?? new Uint8Array(maxLength);
    try {
      return out.subarray(0, native.inflateInto(data, out.subarray(0, maxLength)));
    } catch (error) {
      if (error.code !== "Z_DATA_ERROR") throw error;
    }
  }
  return inflateSync(data, {
    maxOutputLength: Math.max(maxLength, 1),
    finishFlush: constants.Z_SYNC_FLUSH
  });
}

// ../../raster/src/tiff/tags.ts
var COMPRESSION = {
  none: 1,
  lzw: 5,
  deflate: 8,
  packbits: 32773,
  deflateOld: 32946,
  zstd: 5e4
};
var PREDICTOR = { none: 1, horizontal: 2, floatingPoint: 3 };

// ../../raster/src/codec/lzw.ts
var CLEAR = 256;
var EOI = 257;
var MAX_CODES = 4096;
function decodeLzw(input, expected) {
  const out = new Uint8Array(expected);
  const suffix = new Uint8Array(MAX_CODES);
  const prefix = new Uint16Array(MAX_CODES);
  const length = new Uint16Array(MAX_CODES);
  for (let i = 0; i < 256; i++) {
    suffix[i] = i;
    length[i] = 1;
  }
  let next = 258;
  let width = 9;
  let previous = -1;
  let bitPos = 0;
  let o = 0;
  const totalBits = input.length * 8;
  while (bitPos + width <= totalBits && o < expected) {
    let code = 0;
    for (let b = 0; b < width; b++, bitPos++)
      code = code << 1 | input[bitPos >> 3] >> 7 - (bitPos & 7) & 1;
    if (code === EOI) break;
    if (code === CLEAR) {
      next = 258;
      width = 9;
      previous = -1;
      continue;
    }
    let first;
    if (code < next && (code < 256 || code > EOI)) {
      first = writeCode(code, out, o, suffix, prefix, length);
      o += length[code];
      if (previous >= 0 && next < MAX_CODES) add(previous, first);
    } else if (code === next && previous >= 0) {
      const start = o;
      writeCode(previous, out, o, suffix, prefix, length);
      first = out[start];
      o += length[previous];
      if (o < expected) out[o] = first;
      o++;
      if (next < MAX_CODES) add(previous, first);
    } else {
      throw new Error(`invalid LZW code ${String(code)}`);
    }
    previous = code;
    if (next + 1 >= 1 << width && width < 12) width++;
  }
  return out.subarray(0, Math.min(o, expected));
  function add(code, byte) {
    suffix[next] = byte;
    prefix[next] = code;
    length[next] = length[code] + 1;
    next++;
  }
}
function writeCode(code, out, at, suffix, prefix, length) {
  let c = code;
  for (let i = length[code] - 1; i >= 0; i--) {
    if (at + i < out.length) out[at + i] = suffix[c];
    if (i > 0) c = prefix[c];
  }
  return suffix[c];
}

// ../../raster/src/codec/predictor.ts
function integerView(buffer, bytes) {
  const { buffer: ab, byteOffset, byteLength } = buffer;
  if (bytes === 1) return buffer;
  if (bytes === 2) return new Uint16Array(ab, byteOffset, byteLength / 2);
  if (bytes === 4) return new Uint32Array(ab, byteOffset, byteLength / 4);
  throw new RangeError(
    `the horizontal predictor does not support ${String(bytes * 8)}-bit samples`
  );
}
function undoHorizontal(data, shape) {
  const values = integerView(data, shape.bytes);
  const rowLength = shape.width * shape.samples;
  const { samples } = shape;
  for (let row = 0; row < shape.rows; row++) {
    const start = row * rowLength;
    const end = start + rowLength;
    for (let i = start + samples; i < end; i++) values[i] = values[i] + values[i - samples];
  }
}
function applyHorizontal(data, shape) {
  const values = integerView(data, shape.bytes);
  const rowLength = shape.width * shape.samples;
  const { samples } = shape;
  for (let row = 0; row < shape.rows; row++) {
    const start = row * rowLength;
    for (let i = start + rowLength - 1; i >= start + samples; i--) {
      values[i] = values[i] - values[i - samples];
    }
  }
}
function undoFloatingPoint(data, out, shape) {
  const { bytes, samples } = shape;
  const count = shape.width * samples;
  const rowBytes = count * bytes;
  const words = bytes === 4 && out.byteOffset % 4 === 0 ? new Uint32Array(out.buffer, out.byteOffset, out.length / 4) : null;
  for (let row = 0; row < shape.rows; row++) {
    const start = row * rowBytes;
    const end = start + rowBytes;
    for (let i = start + samples; i < end; i++) data[i] = data[i] + data[i - samples];
    if (words) {
      const first = row * count;
      const p1 = start + count;
      const p2 = p1 + count;
      const p3 = p2 + count;
      for (let k = 0; k < count; k++) {
        words[first + k] = (data[start + k] << 24 | data[p1 + k] << 16 | data[p2 + k] << 8 | data[p3 + k]) >>> 0;
      }
      continue;
    }
    for (let plane = 0; plane < bytes; plane++) {
      const from = start + plane * count;
      const lane = bytes - 1 - plane;
      for (let k = 0; k < count; k++) out[start + k * bytes + lane] = data[from + k];
    }
  }
}
function applyFloatingPoint(data, out, shape) {
  const { bytes, samples } = shape;
  const count = shape.width * samples;
  const rowBytes = count * bytes;
  const words = bytes === 4 && data.byteOffset % 4 === 0 ? new Uint32Array(data.buffer, data.byteOffset, data.length / 4) : null;
  for (let row = 0; row < shape.rows; row++) {
    const start = row * rowBytes;
    if (words && samples === 1) {
      const first = row * count;
      const p1 = start + count;
      const p2 = p1 + count;
      const p3 = p2 + count;
      let b0 = 0;
      let b1 = 0;
      let b2 = 0;
      let b3 = 0;
      for (let k = 0; k < count; k++) {
        const v = words[first + k];
        const c0 = v >>> 24;
        const c1 = v >>> 16 & 255;
        const c2 = v >>> 8 & 255;
        const c3 = v & 255;
        out[start + k] = c0 - b0;
        out[p1 + k] = c1 - b1;
        out[p2 + k] = c2 - b2;
        out[p3 + k] = c3 - b3;
        b0 = c0;
        b1 = c1;
        b2 = c2;
        b3 = c3;
      }
      const firstWord = words[first];
      out[p1] = (firstWord >>> 16 & 255) - b0;
      out[p2] = (firstWord >>> 8 & 255) - b1;
      out[p3] = (firstWord & 255) - b2;
      continue;
    }
    for (let plane = 0; plane < bytes; plane++) {
      const to = start + plane * count;
      const lane = bytes - 1 - plane;
      for (let k = 0; k < count; k++) out[to + k] = data[start + k * bytes + lane];
    }
    for (let i = start + rowBytes - 1; i >= start + samples; i--)
      out[i] = out[i] - out[i - samples];
  }
}
function swapBytes(data, bytes) {
  if (bytes === 1) return;
  for (let i = 0; i + bytes <= data.length; i += bytes) {
    for (let a = i, b = i + bytes - 1; a < b; a++, b--) {
      const t = data[a];
      data[a] = data[b];
      data[b] = t;
    }
  }
}

// ../../raster/src/codec/decode.ts
var CorruptBlockError = class extends Error {
  name = "CorruptBlockError";
};
function decodeBlock(task, reuse = false) {
  const expected = task.width * task.rows * task.samples * task.bytes;
  const raw = decompress(task, expected, reuse ? scratch(0, expected) : void 0);
  if (raw.length < expected) {
    throw new CorruptBlockError(
      `a block decoded to ${String(raw.length)} bytes, ${String(expected)} expected`
    );
  }
  const data = raw.length === expected ? raw : raw.subarray(0, expected);
  const shape = { width: task.width, rows: task.rows, samples: task.samples, bytes: task.bytes };
  let samples = data;
  if (task.predictor === PREDICTOR.floatingPoint) {
    samples = reuse ? scratch(1, expected) : new Uint8Array(expected);
    undoFloatingPoint(data, samples, shape);
  } else {
    if (!task.littleEndian) swapBytes(data, task.bytes);
    if (task.predictor === PREDICTOR.horizontal) undoHorizontal(data, shape);
    else if (task.predictor !== PREDICTOR.none)
      throw new CorruptBlockError(`unknown predictor ${String(task.predictor)}`);
  }
  return samples;
}
var zstdNative = zlib.zstdDecompressSync;
var zstdFallback;
function zstdDecompress(data, out) {
  zstdFallback ??= createRequire2(import.meta.url)("fzstd").decompress;
  return zstdFallback(data, out);
}
var scratchBuffers = [];
function scratch(slot, size) {
  let buffer = scratchBuffers[slot];
  if (!buffer || buffer.length < size) {
    buffer = new Uint8Array(size);
    scratchBuffers[slot] = buffer;
  }
  return buffer.subarray(0, size);
}
function decompress(task, expected, into) {
  const { data } = task;
  try {
    switch (task.compression) {
      case COMPRESSION.none:
        return data.length >= expected ? data.slice(0, expected) : data;
      case COMPRESSION.deflate:
      case COMPRESSION.deflateOld:
        return inflate(data, expected, into);
      case COMPRESSION.zstd:
        return zstdNative ? zstdNative(data, { maxOutputLength: Math.max(expected, 1) }) : zstdDecompress(data, new Uint8Array(expected));
      case COMPRESSION.packbits:
        return unpackBits(data, expected);
      case COMPRESSION.lzw:
        return decodeLzw(data, expected);
      default:
        throw new CorruptBlockError(`unsupported compression ${String(task.compression)}`);
    }
  } catch (error) {
    if (error instanceof CorruptBlockError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new CorruptBlockError(`a block could not be decompressed: ${reason}`);
  }
}
function unpackBits(data, expected) {
  const out = new Uint8Array(expected);
  let i = 0;
  let o = 0;
  while (i < data.length && o < expected) {
    const n = data[i++] << 24 >> 24;
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
function sampleView(bytes, buffer, byteOffset, length) {
  if (bytes === 1) return new Uint8Array(buffer, byteOffset, length);
  if (bytes === 2) return new Uint16Array(buffer, byteOffset, length);
  if (bytes === 4) return new Uint32Array(buffer, byteOffset, length);
  return new Float64Array(buffer, byteOffset, length);
}
function decodeInto(task) {
  if (task.predictor === PREDICTOR.horizontal && task.samples > 1 && task.bytes <= 4) {
    const raw = decodeBlock({ ...task, kind: "decode", predictor: PREDICTOR.none }, true);
    placeSummingRows(raw, task, task.placement);
    return;
  }
  place(decodeBlock({ ...task, kind: "decode" }, true), task, task.placement);
}
function place(decoded, task, placement) {
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
      for (let x = 0; x < span; x++) dest[to + x] = src[(from + x) * samples + s];
    }
  }
}
function placeSummingRows(raw, task, placement) {
  const { bytes, samples, width } = task;
  const src = sampleView(bytes, raw.buffer, raw.byteOffset, raw.byteLength / bytes);
  const { firstRow, count, destRow, x0, span, destWidth, destLength } = placement;
  const mask = bytes === 1 ? 255 : 65535;
  for (const target of placement.targets) {
    const dest = sampleView(bytes, target.buffer, target.byteOffset, destLength);
    for (let r = 0; r < count; r++) {
      let at = (firstRow + r) * width * samples + target.sample;
      const to = (destRow + r) * destWidth + x0;
      let sum = 0;
      if (bytes === 4) {
        for (let x = 0; x < span; x++, at += samples) dest[to + x] = sum = sum + src[at] >>> 0;
      } else {
        for (let x = 0; x < span; x++, at += samples) dest[to + x] = sum = sum + src[at] & mask;
      }
    }
  }
}

// ../../raster/src/codec/encode.ts
import { writeSync } from "node:fs";

// ../../raster/src/tiff/data-type.ts
var SAMPLE_FORMAT = { uint: 1, int: 2, float: 3 };
var INFO = {
  Byte: info(1, SAMPLE_FORMAT.uint, Uint8Array),
  Int8: info(1, SAMPLE_FORMAT.int, Int8Array),
  UInt16: info(2, SAMPLE_FORMAT.uint, Uint16Array),
  Int16: info(2, SAMPLE_FORMAT.int, Int16Array),
  UInt32: info(4, SAMPLE_FORMAT.uint, Uint32Array),
  Int32: info(4, SAMPLE_FORMAT.int, Int32Array),
  Float32: info(4, SAMPLE_FORMAT.float, Float32Array),
  Float64: info(8, SAMPLE_FORMAT.float, Float64Array)
};
function info(bytes, sampleFormat, ctor) {
  return {
    bytes,
    sampleFormat,
    float: sampleFormat === SAMPLE_FORMAT.float,
    create: (length) => new ctor(length),
    view: (buffer, byteOffset, length) => new ctor(buffer, byteOffset, length)
  };
}
function bytesPerSample(type) {
  return INFO[type].bytes;
}
function viewArray(type, buffer, byteOffset = 0, length) {
  return INFO[type].view(buffer, byteOffset, length);
}

// ../../raster/src/codec/encode.ts
var predicted = new Uint8Array(0);
var tileScratch = new Uint8Array(0);
var compressed = new Uint8Array(0);
function encodeTile(task) {
  const { blockSize, samples, dataType, x0, strip } = task;
  const bytes = bytesPerSample(dataType);
  const tileBytes = blockSize * blockSize * samples * bytes;
  if (tileScratch.length < tileBytes) tileScratch = new Uint8Array(tileBytes);
  const tile = viewArray(dataType, tileScratch.buffer, 0, blockSize * blockSize * samples);
  const source = viewArray(
    dataType,
    strip.buffer,
    strip.byteOffset,
    strip.width * strip.rows * samples
  );
  const span = Math.min(blockSize, strip.width - x0) * samples;
  const tileRow = blockSize * samples;
  if (span < tileRow || strip.rows < blockSize) tile.fill(task.padValue);
  for (let r = 0; r < strip.rows; r++) {
    const from = (r * strip.width + x0) * samples;
    tile.set(source.subarray(from, from + span), r * tileRow);
  }
  let data = tileScratch.subarray(0, tileBytes);
  const shape = { width: blockSize, rows: blockSize, samples, bytes };
  if (task.predictor === PREDICTOR.floatingPoint) {
    if (predicted.length < tileBytes) predicted = new Uint8Array(tileBytes);
    const out = predicted.subarray(0, tileBytes);
    applyFloatingPoint(data, out, shape);
    data = out;
  } else if (task.predictor === PREDICTOR.horizontal) {
    applyHorizontal(data, shape);
  }
  const bound = deflateBound(tileBytes);
  if (compressed.length < bound) compressed = new Uint8Array(bound);
  const length = deflateInto(data, task.level, compressed);
  const position = Number(Atomics.add(task.spool.end, 0, BigInt(length)));
  let written = 0;
  while (written < length)
    written += writeSync(task.spool.fd, compressed, written, length - written, position + written);
  return { position, length };
}

// ../../raster/src/codec/codec-worker.ts
var port = parentPort;
if (port === null) throw new Error("codec-worker runs only as a worker thread");
var EMPTY = new Uint8Array(0);
port.on("message", (message) => {
  const { id, task } = message;
  const work = Promise.resolve().then(() => {
    if (task.kind === "decode") return [decodeBlock(task), 0, 0];
    if (task.kind === "encodeTile") {
      const { position, length } = encodeTile(task);
      return [EMPTY, position, length];
    }
    decodeInto(task);
    return [EMPTY, 0, 0];
  });
  work.then(
    ([result, position, length]) => {
      const owned = result.byteOffset === 0 && result.byteLength === result.buffer.byteLength;
      const data = owned ? result : result.slice();
      const reply = { id, ok: true, data, position, length };
      port.postMessage(reply, data === EMPTY ? [] : [data.buffer]);
    },
    (error) => {
      const reply = {
        id,
        ok: false,
        name: error instanceof Error ? error.name : "Error",
        message: error instanceof Error ? error.message : String(error)
      };
      port.postMessage(reply);
    }
  );
});
