import { createRequire as __bannerCreateRequire } from 'node:module'; const require = __bannerCreateRequire(import.meta.url);

// ../../raster/src/codec/codec-worker.ts
import { parentPort } from "node:worker_threads";

// ../../raster/src/codec/decode.ts
import { createRequire as createRequire4 } from "node:module";
import * as zlib from "node:zlib";

// ../../raster/src/tiff/tags.ts
var COMPRESSION = {
  none: 1,
  lzw: 5,
  deflate: 8,
  jpeg: 7,
  packbits: 32773,
  deflateOld: 32946,
  zstd: 5e4,
  lerc: 34887
};
var PREDICTOR = { none: 1, horizontal: 2, floatingPoint: 3 };

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

// ../../raster/src/codec/jpeg.ts
import { createRequire as createRequire2 } from "node:module";

// ../../raster/src/tiff/unsupported-raster.ts
var UnsupportedRasterError = class extends Error {
  name = "UnsupportedRasterError";
  static job = { code: "malformed_raster", permanent: true };
};

// ../../raster/src/codec/jpeg.ts
var decoder;
var loading;
var LIBRARY = "@cornerstonejs/codec-libjpeg-turbo-8bit";
function jpegReady() {
  loading ??= (async () => {
    let init;
    try {
      init = createRequire2(import.meta.url)(`${LIBRARY}/decodewasmjs`);
    } catch {
      throw new UnsupportedRasterError(
        `JPEG compression is not supported here: ${LIBRARY}, which decodes it, is not installed`
      );
    }
    const module = await init();
    decoder = new module.JPEGDecoder();
  })();
  return loading;
}
var SOI = 216;
var EOI = 217;
function decodeJpeg(data, tables, expected) {
  if (!decoder) throw new Error("libjpeg-turbo is not loaded on this thread (await jpegReady())");
  const shared = tables && tables.length > 4 && tables[1] === SOI && tables.at(-1) === EOI ? tables.subarray(2, tables.length - 2) : new Uint8Array(0);
  const input = decoder.getEncodedBuffer(data.length + shared.length);
  input.set(data.subarray(0, 2), 0);
  input.set(shared, 2);
  input.set(data.subarray(2), 2 + shared.length);
  decoder.decode();
  const { width, height, componentCount } = decoder.getFrameInfo();
  const decoded = decoder.getDecodedBuffer();
  if (decoded.length < expected) {
    throw new Error(
      `the JPEG stream holds ${String(width)} x ${String(height)} x ${String(componentCount)} samples, fewer than the block's ${String(expected)}`
    );
  }
  return decoded.slice(0, expected);
}

// ../../raster/src/codec/lerc.ts
import { createRequire as createRequire3 } from "node:module";
var lerc;
var LERC_WRAP = { none: 0, deflate: 1, zstd: 2 };
var lercBlobLimit = (expected) => expected * 2 + 65536;
function decodeLerc(blob, expected, float) {
  lerc ??= createRequire3(import.meta.url)("lerc").decode;
  const image = lerc(new Uint8Array(blob).buffer, { returnPixelInterleavedDims: true });
  const pixels = image.pixels[0];
  if (image.pixels.length !== 1 || !pixels || pixels.byteLength < expected) {
    throw new Error(`the LERC blob does not hold the block's ${String(expected)} bytes`);
  }
  if (float && image.mask) {
    const values2 = pixels;
    const depth = values2.length / image.mask.length;
    image.mask.forEach((valid, i) => {
      if (valid === 0) values2.fill(Number.NaN, i * depth, (i + 1) * depth);
    });
  }
  return new Uint8Array(pixels.buffer, pixels.byteOffset, expected);
}

// ../../raster/src/codec/lzw.ts
var CLEAR = 256;
var EOI2 = 257;
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
  let next3 = 258;
  let width = 9;
  let previous = -1;
  let bitPos = 0;
  let o = 0;
  const totalBits = input.length * 8;
  while (bitPos + width <= totalBits && o < expected) {
    let code = 0;
    for (let b = 0; b < width; b++, bitPos++)
      code = code << 1 | input[bitPos >> 3] >> 7 - (bitPos & 7) & 1;
    if (code === EOI2) break;
    if (code === CLEAR) {
      next3 = 258;
      width = 9;
      previous = -1;
      continue;
    }
    let first;
    if (code < next3 && (code < 256 || code > EOI2)) {
      first = writeCode(code, out, o, suffix, prefix, length);
      o += length[code];
      if (previous >= 0 && next3 < MAX_CODES) add(previous, first);
    } else if (code === next3 && previous >= 0) {
      const start = o;
      writeCode(previous, out, o, suffix, prefix, length);
      first = out[start];
      o += length[previous];
      if (o < expected) out[o] = first;
      o++;
      if (next3 < MAX_CODES) add(previous, first);
    } else {
      throw new Error(`invalid LZW code ${String(code)}`);
    }
    previous = code;
    if (next3 + 1 >= 1 << width && width < 12) width++;
  }
  return out.subarray(0, Math.min(o, expected));
  function add(code, byte) {
    suffix[next3] = byte;
    prefix[next3] = code;
    length[next3] = length[code] + 1;
    next3++;
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
function integerView(buffer2, bytes) {
  const { buffer: ab, byteOffset, byteLength } = buffer2;
  if (bytes === 1) return buffer2;
  if (bytes === 2) return new Uint16Array(ab, byteOffset, byteLength / 2);
  if (bytes === 4) return new Uint32Array(ab, byteOffset, byteLength / 4);
  throw new RangeError(
    `the horizontal predictor does not support ${String(bytes * 8)}-bit samples`
  );
}
function undoHorizontal(data, shape) {
  const values2 = integerView(data, shape.bytes);
  const rowLength = shape.width * shape.samples;
  const { samples } = shape;
  for (let row = 0; row < shape.rows; row++) {
    const start = row * rowLength;
    const end = start + rowLength;
    for (let i = start + samples; i < end; i++) values2[i] = values2[i] + values2[i - samples];
  }
}
function applyHorizontal(data, shape) {
  const values2 = integerView(data, shape.bytes);
  const rowLength = shape.width * shape.samples;
  const { samples } = shape;
  for (let row = 0; row < shape.rows; row++) {
    const start = row * rowLength;
    for (let i = start + rowLength - 1; i >= start + samples; i--) {
      values2[i] = values2[i] - values2[i - samples];
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

// ../../node_modules/@petamoriken/float16/src/_util/messages.mjs
var CANNOT_CONVERT_UNDEFINED_OR_NULL_TO_OBJECT = "Cannot convert undefined or null to object";

// ../../node_modules/@petamoriken/float16/src/_util/primordials.mjs
function uncurryThis(target) {
  return (thisArg, ...args) => {
    return ReflectApply(target, thisArg, args);
  };
}
function uncurryThisGetter(target, key) {
  return uncurryThis(
    ReflectGetOwnPropertyDescriptor(
      target,
      key
    ).get
  );
}
var {
  apply: ReflectApply,
  construct: ReflectConstruct,
  defineProperty: ReflectDefineProperty,
  get: ReflectGet,
  getOwnPropertyDescriptor: ReflectGetOwnPropertyDescriptor,
  getPrototypeOf: ReflectGetPrototypeOf,
  has: ReflectHas,
  ownKeys: ReflectOwnKeys,
  set: ReflectSet,
  setPrototypeOf: ReflectSetPrototypeOf
} = Reflect;
var {
  EPSILON,
  MAX_SAFE_INTEGER,
  isFinite: NumberIsFinite,
  isNaN: NumberIsNaN
} = Number;
var {
  iterator: SymbolIterator,
  species: SymbolSpecies,
  toStringTag: SymbolToStringTag,
  for: SymbolFor
} = Symbol;
var NativeObject = Object;
var {
  create: ObjectCreate,
  defineProperty: ObjectDefineProperty,
  freeze: ObjectFreeze,
  is: ObjectIs
} = NativeObject;
var ObjectPrototype = NativeObject.prototype;
var ObjectPrototype__lookupGetter__ = (
  /** @type {any} */
  ObjectPrototype.__lookupGetter__ ? uncurryThis(
    /** @type {any} */
    ObjectPrototype.__lookupGetter__
  ) : (object, key) => {
    if (object == null) {
      throw NativeTypeError(
        CANNOT_CONVERT_UNDEFINED_OR_NULL_TO_OBJECT
      );
    }
    let target = NativeObject(object);
    do {
      const descriptor = ReflectGetOwnPropertyDescriptor(target, key);
      if (descriptor !== void 0) {
        if (ObjectHasOwn(descriptor, "get")) {
          return descriptor.get;
        }
        return;
      }
    } while ((target = ReflectGetPrototypeOf(target)) !== null);
  }
);
var ObjectHasOwn = (
  /** @type {any} */
  NativeObject.hasOwn || uncurryThis(ObjectPrototype.hasOwnProperty)
);
var NativeArray = Array;
var ArrayIsArray = NativeArray.isArray;
var ArrayPrototype = NativeArray.prototype;
var ArrayPrototypeJoin = uncurryThis(ArrayPrototype.join);
var ArrayPrototypePush = uncurryThis(ArrayPrototype.push);
var ArrayPrototypeToLocaleString = uncurryThis(
  ArrayPrototype.toLocaleString
);
var NativeArrayPrototypeSymbolIterator = ArrayPrototype[SymbolIterator];
var ArrayPrototypeSymbolIterator = uncurryThis(NativeArrayPrototypeSymbolIterator);
var {
  abs: MathAbs,
  trunc: MathTrunc
} = Math;
var NativeArrayBuffer = ArrayBuffer;
var ArrayBufferIsView = NativeArrayBuffer.isView;
var ArrayBufferPrototype = NativeArrayBuffer.prototype;
var ArrayBufferPrototypeSlice = uncurryThis(ArrayBufferPrototype.slice);
var ArrayBufferPrototypeGetByteLength = uncurryThisGetter(ArrayBufferPrototype, "byteLength");
var NativeSharedArrayBuffer = typeof SharedArrayBuffer !== "undefined" ? SharedArrayBuffer : null;
var SharedArrayBufferPrototypeGetByteLength = NativeSharedArrayBuffer && uncurryThisGetter(NativeSharedArrayBuffer.prototype, "byteLength");
var TypedArray = ReflectGetPrototypeOf(Uint8Array);
var TypedArrayFrom = TypedArray.from;
var TypedArrayPrototype = TypedArray.prototype;
var NativeTypedArrayPrototypeSymbolIterator = TypedArrayPrototype[SymbolIterator];
var TypedArrayPrototypeKeys = uncurryThis(TypedArrayPrototype.keys);
var TypedArrayPrototypeValues = uncurryThis(
  TypedArrayPrototype.values
);
var TypedArrayPrototypeEntries = uncurryThis(
  TypedArrayPrototype.entries
);
var TypedArrayPrototypeSet = uncurryThis(TypedArrayPrototype.set);
var TypedArrayPrototypeReverse = uncurryThis(
  TypedArrayPrototype.reverse
);
var TypedArrayPrototypeFill = uncurryThis(TypedArrayPrototype.fill);
var TypedArrayPrototypeCopyWithin = uncurryThis(
  TypedArrayPrototype.copyWithin
);
var TypedArrayPrototypeSort = uncurryThis(TypedArrayPrototype.sort);
var TypedArrayPrototypeSlice = uncurryThis(TypedArrayPrototype.slice);
var TypedArrayPrototypeSubarray = uncurryThis(
  TypedArrayPrototype.subarray
);
var TypedArrayPrototypeGetBuffer = uncurryThisGetter(
  TypedArrayPrototype,
  "buffer"
);
var TypedArrayPrototypeGetByteOffset = uncurryThisGetter(
  TypedArrayPrototype,
  "byteOffset"
);
var TypedArrayPrototypeGetLength = uncurryThisGetter(
  TypedArrayPrototype,
  "length"
);
var TypedArrayPrototypeGetSymbolToStringTag = uncurryThisGetter(
  TypedArrayPrototype,
  SymbolToStringTag
);
var NativeUint8Array = Uint8Array;
var NativeUint16Array = Uint16Array;
var NativeUint32Array = Uint32Array;
var NativeFloat32Array = Float32Array;
var ArrayIteratorPrototype = ReflectGetPrototypeOf([][SymbolIterator]());
var ArrayIteratorPrototypeNext = uncurryThis(ArrayIteratorPrototype.next);
var GeneratorPrototypeNext = uncurryThis((function* () {
})().next);
var IteratorPrototype = ReflectGetPrototypeOf(ArrayIteratorPrototype);
var DataViewPrototype = DataView.prototype;
var DataViewPrototypeGetUint16 = uncurryThis(
  DataViewPrototype.getUint16
);
var DataViewPrototypeSetUint16 = uncurryThis(
  DataViewPrototype.setUint16
);
var NativeTypeError = TypeError;
var NativeWeakSet = WeakSet;
var WeakSetPrototype = NativeWeakSet.prototype;
var WeakSetPrototypeAdd = uncurryThis(WeakSetPrototype.add);
var WeakSetPrototypeHas = uncurryThis(WeakSetPrototype.has);
var NativeWeakMap = WeakMap;
var WeakMapPrototype = NativeWeakMap.prototype;
var WeakMapPrototypeGet = uncurryThis(WeakMapPrototype.get);
var WeakMapPrototypeHas = uncurryThis(WeakMapPrototype.has);
var WeakMapPrototypeSet = uncurryThis(WeakMapPrototype.set);

// ../../node_modules/@petamoriken/float16/src/_util/arrayIterator.mjs
var arrayIterators = new NativeWeakMap();
var SafeIteratorPrototype = ObjectCreate(null, {
  next: {
    value: function next() {
      const arrayIterator = WeakMapPrototypeGet(arrayIterators, this);
      return ArrayIteratorPrototypeNext(arrayIterator);
    }
  },
  [SymbolIterator]: {
    value: function values() {
      return this;
    }
  }
});
function safeIfNeeded(array) {
  if (array[SymbolIterator] === NativeArrayPrototypeSymbolIterator && ArrayIteratorPrototype.next === ArrayIteratorPrototypeNext) {
    return array;
  }
  const safe = ObjectCreate(SafeIteratorPrototype);
  WeakMapPrototypeSet(arrayIterators, safe, ArrayPrototypeSymbolIterator(array));
  return safe;
}
var generators = new NativeWeakMap();
var DummyArrayIteratorPrototype = ObjectCreate(IteratorPrototype, {
  next: {
    value: function next2() {
      const generator = WeakMapPrototypeGet(generators, this);
      return GeneratorPrototypeNext(generator);
    },
    writable: true,
    configurable: true
  }
});
for (const key of ReflectOwnKeys(ArrayIteratorPrototype)) {
  if (key === "next") {
    continue;
  }
  ObjectDefineProperty(DummyArrayIteratorPrototype, key, ReflectGetOwnPropertyDescriptor(ArrayIteratorPrototype, key));
}

// ../../node_modules/@petamoriken/float16/src/_util/converter.mjs
var INVERSE_OF_EPSILON = 1 / EPSILON;
var FLOAT16_MIN_VALUE = 6103515625e-14;
var FLOAT16_EPSILON = 9765625e-10;
var FLOAT16_EPSILON_MULTIPLIED_BY_FLOAT16_MIN_VALUE = FLOAT16_EPSILON * FLOAT16_MIN_VALUE;
var FLOAT16_EPSILON_DEVIDED_BY_EPSILON = FLOAT16_EPSILON * INVERSE_OF_EPSILON;
var buffer = new NativeArrayBuffer(4);
var floatView = new NativeFloat32Array(buffer);
var uint32View = new NativeUint32Array(buffer);
var baseTable = new NativeUint16Array(512);
var shiftTable = new NativeUint8Array(512);
for (let i = 0; i < 256; ++i) {
  const e = i - 127;
  if (e < -24) {
    baseTable[i] = 0;
    baseTable[i | 256] = 32768;
    shiftTable[i] = 24;
    shiftTable[i | 256] = 24;
  } else if (e < -14) {
    baseTable[i] = 1024 >> -e - 14;
    baseTable[i | 256] = 1024 >> -e - 14 | 32768;
    shiftTable[i] = -e - 1;
    shiftTable[i | 256] = -e - 1;
  } else if (e <= 15) {
    baseTable[i] = e + 15 << 10;
    baseTable[i | 256] = e + 15 << 10 | 32768;
    shiftTable[i] = 13;
    shiftTable[i | 256] = 13;
  } else if (e < 128) {
    baseTable[i] = 31744;
    baseTable[i | 256] = 64512;
    shiftTable[i] = 24;
    shiftTable[i | 256] = 24;
  } else {
    baseTable[i] = 31744;
    baseTable[i | 256] = 64512;
    shiftTable[i] = 13;
    shiftTable[i | 256] = 13;
  }
}
var mantissaTable = new NativeUint32Array(2048);
for (let i = 1; i < 1024; ++i) {
  let m = i << 13;
  let e = 0;
  while ((m & 8388608) === 0) {
    m <<= 1;
    e -= 8388608;
  }
  m &= ~8388608;
  e += 947912704;
  mantissaTable[i] = m | e;
}
for (let i = 1024; i < 2048; ++i) {
  mantissaTable[i] = 939524096 + (i - 1024 << 13);
}
var exponentTable = new NativeUint32Array(64);
for (let i = 1; i < 31; ++i) {
  exponentTable[i] = i << 23;
}
exponentTable[31] = 1199570944;
exponentTable[32] = 2147483648;
for (let i = 33; i < 63; ++i) {
  exponentTable[i] = 2147483648 + (i - 32 << 23);
}
exponentTable[63] = 3347054592;
var offsetTable = new NativeUint16Array(64);
for (let i = 1; i < 64; ++i) {
  if (i !== 32) {
    offsetTable[i] = 1024;
  }
}
function convertToNumber(float16bits) {
  const i = float16bits >> 10;
  uint32View[0] = mantissaTable[offsetTable[i] + (float16bits & 1023)] + exponentTable[i];
  return floatView[0];
}

// ../../node_modules/@petamoriken/float16/src/DataView.mjs
function getFloat16(dataView, byteOffset, ...opts) {
  return convertToNumber(
    DataViewPrototypeGetUint16(dataView, byteOffset, ...safeIfNeeded(opts))
  );
}

// ../../raster/src/codec/widen.ts
function unpackSamples(data, shape, out, bytes) {
  const { rowBytes, rows, count, bits } = shape;
  const values2 = bytes === 1 ? out : bytes === 2 ? new Uint16Array(out.buffer, out.byteOffset, rows * count) : new Uint32Array(out.buffer, out.byteOffset, rows * count);
  for (let row = 0; row < rows; row++) {
    let at = row * rowBytes;
    let held = 0;
    let heldBits = 0;
    const first = row * count;
    for (let i = 0; i < count; i++) {
      while (heldBits < bits) {
        held = held * 256 + data[at++];
        heldBits += 8;
      }
      heldBits -= bits;
      const divisor = 2 ** heldBits;
      const value = Math.floor(held / divisor);
      values2[first + i] = value;
      held -= value * divisor;
    }
  }
}
function halfFloatsToFloat32(data, out) {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const floats = new Float32Array(out.buffer, out.byteOffset, data.byteLength / 2);
  for (let i = 0; i < floats.length; i++) floats[i] = getFloat16(view, i * 2, true);
}

// ../../raster/src/codec/decode.ts
var CorruptBlockError = class extends Error {
  name = "CorruptBlockError";
  static job = { code: "malformed_raster", permanent: true };
};
function decodeBlock(task, reuse = false) {
  const { width, rows, samples, bits } = task;
  const halfFloat = bits === 16 && task.bytes === 4;
  const packed = bits !== task.bytes * 8 && !halfFloat;
  const rowBytes = Math.ceil(width * samples * bits / 8);
  const expected = rowBytes * rows;
  const raw = decompress(task, expected, reuse ? scratch(0, expected) : void 0);
  if (raw.length < expected) {
    throw new CorruptBlockError(
      `a block decoded to ${String(raw.length)} bytes, ${String(expected)} expected`
    );
  }
  const data = raw.length === expected ? raw : raw.subarray(0, expected);
  const shape = { width, rows, samples, bytes: packed ? 1 : bits / 8 };
  let decoded = data;
  if (task.predictor === PREDICTOR.floatingPoint) {
    decoded = reuse ? scratch(1, expected) : new Uint8Array(expected);
    undoFloatingPoint(data, decoded, shape);
  } else {
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
var zstdNative = zlib.zstdDecompressSync;
var zstdFallback;
function zstdDecompress(data, out) {
  zstdFallback ??= createRequire4(import.meta.url)("fzstd").decompress;
  return zstdFallback(data, out);
}
function zstdBounded(data, limit) {
  if (zstdNative) return zstdNative(data, { maxOutputLength: limit });
  const { Decompress } = createRequire4(import.meta.url)("fzstd");
  const chunks = [];
  let total = 0;
  new Decompress((chunk) => {
    total += chunk.length;
    if (total > limit) throw new Error(`the data decodes past ${String(limit)} bytes`);
    chunks.push(chunk.slice());
  }).push(data, true);
  return Buffer.concat(chunks);
}
var scratchBuffers = [];
function scratch(slot, size) {
  let buffer2 = scratchBuffers[slot];
  if (!buffer2 || buffer2.length < size) {
    buffer2 = new Uint8Array(size);
    scratchBuffers[slot] = buffer2;
  }
  return buffer2.subarray(0, size);
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
      case COMPRESSION.jpeg:
        return decodeJpeg(data, task.jpegTables, expected);
      case COMPRESSION.lerc:
        return decodeLerc(unwrapLerc(data, task.lercWrap, expected), expected, task.float);
      default:
        throw new UnsupportedRasterError(
          `compression ${String(task.compression)} is not supported`
        );
    }
  } catch (error) {
    if (error instanceof CorruptBlockError || error instanceof UnsupportedRasterError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new CorruptBlockError(`a block could not be decompressed: ${reason}`);
  }
}
function unwrapLerc(data, wrap, expected) {
  const limit = lercBlobLimit(expected);
  if (wrap === LERC_WRAP.deflate) return zlib.inflateSync(data, { maxOutputLength: limit });
  if (wrap === LERC_WRAP.zstd) return zstdBounded(data, limit);
  return data;
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
function sampleView(bytes, buffer2, byteOffset, length) {
  if (bytes === 1) return new Uint8Array(buffer2, byteOffset, length);
  if (bytes === 2) return new Uint16Array(buffer2, byteOffset, length);
  if (bytes === 4) return new Uint32Array(buffer2, byteOffset, length);
  return new Float64Array(buffer2, byteOffset, length);
}
function decodeInto(task) {
  if (task.predictor === PREDICTOR.horizontal && task.samples > 1 && task.bytes <= 4 && task.bits === task.bytes * 8) {
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
    view: (buffer2, byteOffset, length) => new ctor(buffer2, byteOffset, length)
  };
}
function bytesPerSample(type) {
  return INFO[type].bytes;
}
function viewArray(type, buffer2, byteOffset = 0, length) {
  return INFO[type].view(buffer2, byteOffset, length);
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
port.on("message", (message) => {
  const { id, task } = message;
  const ready = task.kind !== "encodeTile" && task.compression === COMPRESSION.jpeg ? jpegReady() : Promise.resolve();
  const work = ready.then(() => {
    if (task.kind === "encodeTile") return encodeTile(task);
    decodeInto(task);
    return { position: 0, length: 0 };
  });
  work.then(
    ({ position, length }) => {
      const reply = { id, ok: true, position, length };
      port.postMessage(reply);
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
