/** The shortest decimal that reads back to the same float32. */
function shortestFloat32(value: number): string {
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
  private pool = new Uint8Array(SLOTS * 8);
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
const OPEN = 0x5b;
const CLOSE = 0x5d;
const COMMA = 0x2c;

/**
 * The body of a :predict request in row form: one instance per chip, each chip x chip x bands.
 * Written byte by byte into one buffer, since JSON.stringify would first build millions of small
 * arrays; each value is the shortest decimal of its float32, so the server reads back exactly
 * the values cut.
 */
export function predictBody(
  signatureName: string,
  chips: Float32Array,
  count: number,
  chipSize: number,
  bands: number,
): Buffer {
  const head = Buffer.from(`{"signature_name":${JSON.stringify(signatureName)},"instances":`);
  const values = count * chipSize * chipSize * bands;
  // At most 16 bytes a value ("-1.23456789e-38,") plus brackets.
  let out = Buffer.allocUnsafe(
    head.length + values * 16 + count * chipSize * (chipSize + 1) * 2 + 16,
  );
  let at = head.copy(out, 0);
  out[at++] = OPEN;
  let v = 0;
  for (let n = 0; n < count; n++) {
    if (n > 0) out[at++] = COMMA;
    out[at++] = OPEN;
    for (let y = 0; y < chipSize; y++) {
      if (y > 0) out[at++] = COMMA;
      out[at++] = OPEN;
      for (let x = 0; x < chipSize; x++) {
        if (x > 0) out[at++] = COMMA;
        out[at++] = OPEN;
        for (let b = 0; b < bands; b++) {
          if (b > 0) out[at++] = COMMA;
          at = float32Bytes.write(chips[v++]!, out, at);
        }
        out[at++] = CLOSE;
      }
      out[at++] = CLOSE;
    }
    out[at++] = CLOSE;
  }
  out[at++] = CLOSE;
  out[at++] = 0x7d;
  out = out.subarray(0, at);
  return out;
}
