import type { JsonTensor } from './tensor-json.js';
import { invalidArgument } from './serving-error.js';

/** A :predict body of one unnamed tensor, read without building JS arrays. */
export interface NumericBody {
  signatureName: string | undefined;
  /** instances (row form) or inputs (columnar form). */
  rows: boolean;
  tensor: JsonTensor;
}

const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);

class Scanner {
  at = 0;
  constructor(readonly bytes: Uint8Array) {}

  skipSpace(): number {
    const b = this.bytes;
    let c = b[this.at];
    while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = b[++this.at];
    return c ?? -1;
  }

  /** A string without escapes, or null (the general parser then takes over). */
  plainString(): string | null {
    if (this.skipSpace() !== 0x22) return null;
    const start = ++this.at;
    const end = this.bytes.indexOf(0x22, start);
    if (end < 0) return null;
    if (this.bytes.subarray(start, end).includes(0x5c)) return null;
    this.at = end + 1;
    return Buffer.from(this.bytes.buffer, this.bytes.byteOffset + start, end - start).toString(
      'utf8',
    );
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
      value = Number(Buffer.from(b.buffer, b.byteOffset + start, i - start).toString('latin1'));
    }
    return negative ? -value : value;
  }
}

/**
 * Reads nested lists of numbers straight into a Float32Array, checking that every list at one
 * depth has the same length. Returns null at anything else (objects, strings) for the general path.
 */
function numericTensor(scanner: Scanner): JsonTensor | null {
  const name = 'the input';
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
        throw invalidArgument(
          `${name} is not rectangular: lists at depth ${String(depth)} have ${String(shape[depth])} and ${String(length)} elements`,
        );
      }
      if (depth === 0) break;
      seen[depth - 1]!++;
    } else if ((c >= 0x30 && c <= 0x39) || c === 0x2d) {
      if (leafDepth < 0) leafDepth = depth;
      else if (leafDepth !== depth) {
        throw invalidArgument(
          `${name} is not rectangular: numbers at depths ${String(leafDepth)} and ${String(depth)}`,
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
 * The fast path for the common large request, `{"signature_name": "...", "instances" | "inputs":
 * <nested lists of numbers>}`: JSON.parse would build a JS array for every pixel, which costs
 * more than running the model. Anything else returns null and goes through JSON.parse.
 */
export function readNumericBody(bytes: Uint8Array): NumericBody | null {
  const scanner = new Scanner(bytes);
  if (scanner.skipSpace() !== 0x7b) return null;
  scanner.at++;
  let signatureName: string | undefined;
  let rows: boolean | undefined;
  let tensor: JsonTensor | null = null;
  for (;;) {
    const key = scanner.plainString();
    if (key === null || scanner.skipSpace() !== 0x3a) return null;
    scanner.at++;
    if (key === 'signature_name') {
      const value = scanner.plainString();
      if (value === null) return null;
      signatureName = value;
    } else if ((key === 'instances' || key === 'inputs') && rows === undefined) {
      rows = key === 'instances';
      tensor = numericTensor(scanner);
      if (!tensor) return null;
    } else {
      return null;
    }
    const c = scanner.skipSpace();
    scanner.at++;
    if (c === 0x7d) break;
    if (c !== 0x2c) return null;
  }
  if (scanner.skipSpace() !== -1 || rows === undefined || !tensor) return null;
  return { signatureName, rows, tensor };
}
