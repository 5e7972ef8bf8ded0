import type { Tensor } from './tensor.ts';

// The writer of TF Serving's JSON tensors for :predict requests. Plain Uint8Array, so Deno runs
// it too.

/** The shortest decimal that reads back to the same float32. */
function shortestFloat32(value: number): string {
  if (!Number.isFinite(value))
    return Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
  for (let digits = 1; digits <= 9; digits++) {
    const candidate = value.toPrecision(digits);
    if (Math.fround(Number(candidate)) === value) return String(Number(candidate));
  }
  return String(value);
}

const SLOTS = 1 << 16;
const EMPTY = -1;

/**
 * Float32 values' decimal bytes, memoized by bit pattern in an open-addressing table: rasters of
 * integer samples repeat few values, and a Map keyed by doubles costs more than the formatting
 * it saves. A float raster with many distinct values just refills the table.
 */
class Float32Bytes {
  private readonly keys = new Int32Array(SLOTS).fill(EMPTY);
  private readonly offsets = new Int32Array(SLOTS);
  private readonly pool = new Uint8Array(SLOTS * 8);
  private used = 0;
  private entries = 0;
  private readonly bits = new Int32Array(1);
  private readonly float = new Float32Array(this.bits.buffer);

  /** Writes the decimal of `value` into `out` at `at`; returns the new end. */
  write(value: number, out: Uint8Array, at: number): number {
    this.float[0] = value;
    const key = this.bits[0]!;
    let slot = Math.imul(key, 0x9e3779b1) >>> 16;
    for (;;) {
      const found = this.keys[slot]!;
      if (found === key) break;
      if (found === EMPTY) {
        slot = this.insert(key, slot);
        break;
      }
      slot = (slot + 1) & (SLOTS - 1);
    }
    const packed = this.offsets[slot]!;
    const from = packed >>> 4;
    const end = from + (packed & 15);
    const pool = this.pool;
    for (let i = from; i < end; i++) out[at++] = pool[i]!;
    return at;
  }

  private insert(key: number, slot: number): number {
    if (this.entries > SLOTS / 2 || this.used + 16 > this.pool.length) {
      this.keys.fill(EMPTY);
      this.entries = 0;
      this.used = 0;
      slot = Math.imul(key, 0x9e3779b1) >>> 16;
    }
    const text = shortestFloat32(this.float[0]!);
    for (let i = 0; i < text.length; i++) this.pool[this.used + i] = text.charCodeAt(i);
    this.keys[slot] = key;
    this.offsets[slot] = (this.used << 4) | text.length;
    this.used += text.length;
    this.entries++;
    return slot;
  }
}

const float32Bytes = new Float32Bytes();
const encoder = new TextEncoder();
const OPEN = 0x5b;
const CLOSE = 0x5d;
const COMMA = 0x2c;

/** Writes `tensor` as nested JSON lists into `out` at `at`; returns the new end. */
function writeLists(tensor: Tensor, out: Uint8Array, at: number): number {
  const { shape, values } = tensor;
  const floats = tensor.dtype === 'float32';
  let v = 0;
  const write = (depth: number): void => {
    out[at++] = OPEN;
    const size = shape[depth]!;
    const leaf = depth === shape.length - 1;
    for (let i = 0; i < size; i++) {
      if (i > 0) out[at++] = COMMA;
      if (!leaf) write(depth + 1);
      else if (floats) at = float32Bytes.write(values[v++]!, out, at);
      else at += encoder.encodeInto(String(values[v++]!), out.subarray(at)).written;
    }
    out[at++] = CLOSE;
  };
  if (shape.length === 0) {
    const text = floats ? shortestFloat32(values[0] ?? 0) : String(values[0] ?? 0);
    return at + encoder.encodeInto(text, out.subarray(at)).written;
  }
  write(0);
  return at;
}

/**
 * The body of a TF Serving REST :predict request in columnar form, `{"signature_name": ...,
 * "inputs": ...}`: one input unnamed, several by key. Written byte by byte into one buffer, since
 * JSON.stringify would first build millions of small arrays; each float is the shortest decimal
 * of its float32, so the server reads back exactly the values sent.
 */
export function jsonPredictBody(
  signatureName: string,
  inputs: Record<string, Tensor>,
): Uint8Array<ArrayBuffer> {
  const entries = Object.entries(inputs);
  const named = entries.length !== 1;
  // At most 16 bytes a value ("-1.17549435e-38,") and, where the innermost lists hold one value, 3 for its brackets, plus the keys.
  let size = 64 + signatureName.length * 6;
  for (const [key, tensor] of entries) size += key.length * 6 + 8 + tensor.values.length * 20;
  const out = new Uint8Array(size);
  let at = encoder.encodeInto(
    `{"signature_name":${JSON.stringify(signatureName)},"inputs":${named ? '{' : ''}`,
    out,
  ).written;
  entries.forEach(([key, tensor], i) => {
    if (named)
      at += encoder.encodeInto(
        `${i > 0 ? ',' : ''}${JSON.stringify(key)}:`,
        out.subarray(at),
      ).written;
    at = writeLists(tensor, out, at);
  });
  at += encoder.encodeInto(named ? '}}' : '}', out.subarray(at)).written;
  return out.subarray(0, at);
}
