/**
 * TIFF LZW decoding (TIFF 6.0 section 13: MSB-first codes of 9 to 12 bits, early change), into
 * a buffer of fixed size so a hostile stream cannot grow it. Written here because geotiff's
 * decoder module cannot load inside a worker thread (its web-worker shim claims the thread).
 */
const CLEAR = 256;
const EOI = 257;
const MAX_CODES = 4096;

export function decodeLzw(input: Uint8Array, expected: number): Uint8Array {
  const out = new Uint8Array(expected);
  // The table keeps, per code, its last byte, its prefix code and its length.
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
      code = (code << 1) | ((input[bitPos >> 3]! >> (7 - (bitPos & 7))) & 1);
    if (code === EOI) break;
    if (code === CLEAR) {
      next = 258;
      width = 9;
      previous = -1;
      continue;
    }
    let first: number;
    if (code < next && (code < 256 || code > EOI)) {
      first = writeCode(code, out, o, suffix, prefix, length);
      o += length[code]!;
      if (previous >= 0 && next < MAX_CODES) add(previous, first);
    } else if (code === next && previous >= 0) {
      // The code being defined: the previous string plus its own first byte.
      const start = o;
      writeCode(previous, out, o, suffix, prefix, length);
      first = out[start]!;
      o += length[previous]!;
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

  function add(code: number, byte: number): void {
    suffix[next] = byte;
    prefix[next] = code;
    length[next] = length[code]! + 1;
    next++;
  }
}

/** Writes the string of `code` at `at` (clipped to the buffer); returns its first byte. */
function writeCode(
  code: number,
  out: Uint8Array,
  at: number,
  suffix: Uint8Array,
  prefix: Uint16Array,
  length: Uint16Array,
): number {
  let c = code;
  for (let i = length[code]! - 1; i >= 0; i--) {
    if (at + i < out.length) out[at + i] = suffix[c]!;
    if (i > 0) c = prefix[c]!;
  }
  return suffix[c]!;
}
