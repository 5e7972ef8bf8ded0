// The one reader of TF Serving's JSON number lists, for the server's requests and the client's
// answers alike. Plain Uint8Array and TextDecoder, so Deno runs it too.

const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);
const latin1 = new TextDecoder('latin1');
const utf8 = new TextDecoder();

/** A list of lists that is not rectangular: the sender's mistake, not this reader's. */
export class RaggedListError extends Error {
  override name = 'RaggedListError';
}

/** A cursor over JSON bytes, reading only what the number lists need. */
export class JsonScanner {
  at = 0;
  constructor(readonly bytes: Uint8Array) {}

  /** Skips whitespace; returns the next byte, or -1 at the end. */
  skipSpace(): number {
    const b = this.bytes;
    let c = b[this.at];
    while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = b[++this.at];
    return c ?? -1;
  }

  /** A string without escapes, or null (a general JSON parser then takes over). */
  plainString(): string | null {
    if (this.skipSpace() !== 0x22) return null;
    const start = ++this.at;
    const end = this.bytes.indexOf(0x22, start);
    if (end < 0) return null;
    const text = this.bytes.subarray(start, end);
    if (text.includes(0x5c)) return null;
    this.at = end + 1;
    return utf8.decode(text);
  }

  /** A JSON number, parsed in place: digits and a power of ten, exact where the digits fit. */
  number(): number | null {
    const b = this.bytes;
    const start = this.at;
    let i = start;
    const negative = b[i] === 0x2d;
    if (negative) i++;
    let mantissa = 0;
    let digits = 0;
    let exponent = 0;
    let c = b[i];
    while (c !== undefined && c >= 0x30 && c <= 0x39) {
      mantissa = mantissa * 10 + (c - 0x30);
      digits++;
      c = b[++i];
    }
    if (c === 0x2e) {
      c = b[++i];
      while (c !== undefined && c >= 0x30 && c <= 0x39) {
        mantissa = mantissa * 10 + (c - 0x30);
        digits++;
        exponent--;
        c = b[++i];
      }
    }
    if (c === 0x65 || c === 0x45) {
      c = b[++i];
      let sign = 1;
      if (c === 0x2d || c === 0x2b) {
        sign = c === 0x2d ? -1 : 1;
        c = b[++i];
      }
      let e = 0;
      while (c !== undefined && c >= 0x30 && c <= 0x39) {
        e = e * 10 + (c - 0x30);
        c = b[++i];
      }
      exponent += sign * e;
    }
    if (digits === 0) return null;
    this.at = i;
    let value: number;
    if (digits <= 15 && exponent >= -22 && exponent <= 22) {
      // Both operands exact: one correctly rounded operation, as strtod gives.
      value = exponent < 0 ? mantissa / POW10[-exponent]! : mantissa * POW10[exponent]!;
    } else {
      // The digits without the sign, which is applied below.
      value = Number(latin1.decode(b.subarray(negative ? start + 1 : start, i)));
    }
    return negative ? -value : value;
  }
}

/** A dense tensor's shape (outermost first) and its values in row-major order. */
export interface NumberList {
  shape: number[];
  values: Float32Array;
}

/**
 * Reads nested lists of numbers at the scanner straight into a Float32Array, checking that every
 * list at one depth has the same length. Returns null at anything else (objects, strings), for
 * a general JSON parser to take over.
 * @throws RaggedListError when the lists are not rectangular
 */
export function readNumberList(scanner: JsonScanner): NumberList | null {
  const b = scanner.bytes;
  let values = new Float32Array(1 << 16);
  let count = 0;
  const shape: number[] = [];
  const seen: number[] = [];
  let depth = 0;
  let leafDepth = -1;
  if (scanner.skipSpace() !== 0x5b) return null;
  for (;;) {
    const c = scanner.skipSpace();
    if (c === 0x5b) {
      if (leafDepth >= 0 && depth >= leafDepth) return null;
      scanner.at++;
      seen[depth] = 0;
      depth++;
      continue;
    }
    if (c === 0x5d) {
      scanner.at++;
      depth--;
      const length = seen[depth]!;
      if (shape[depth] === undefined) shape[depth] = length;
      else if (shape[depth] !== length) {
        throw new RaggedListError(
          `not rectangular: lists at depth ${String(depth)} have ${String(shape[depth])} and ${String(length)} elements`,
        );
      }
      if (depth === 0) break;
      seen[depth - 1]!++;
    } else if ((c >= 0x30 && c <= 0x39) || c === 0x2d) {
      if (leafDepth < 0) leafDepth = depth;
      else if (leafDepth !== depth) {
        throw new RaggedListError(
          `not rectangular: numbers at depths ${String(leafDepth)} and ${String(depth)}`,
        );
      }
      const value = scanner.number();
      if (value === null) return null;
      if (count === values.length) {
        const grown = new Float32Array(values.length * 2);
        grown.set(values);
        values = grown;
      }
      values[count++] = value;
      seen[depth - 1]!++;
    } else {
      return null;
    }
    if (scanner.skipSpace() === 0x2c) scanner.at++;
    if (scanner.at >= b.length) return null;
  }
  if (count === 0 || shape.length !== leafDepth) return null;
  return { shape, values: values.slice(0, count) };
}

/**
 * The tensor of a one-key JSON object such as `{"outputs": [[...]]}` or `{"inputs": [[...]]}`,
 * read without building JS arrays; null when the body is anything else.
 * @throws RaggedListError when the lists are not rectangular
 */
export function readSingleListField(bytes: Uint8Array, key: string): NumberList | null {
  const scanner = new JsonScanner(bytes);
  if (scanner.skipSpace() !== 0x7b) return null;
  scanner.at++;
  if (scanner.plainString() !== key || scanner.skipSpace() !== 0x3a) return null;
  scanner.at++;
  const list = readNumberList(scanner);
  if (!list || scanner.skipSpace() !== 0x7d) return null;
  scanner.at++;
  return scanner.skipSpace() === -1 ? list : null;
}
