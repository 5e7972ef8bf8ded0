export class ResponseShapeError extends Error {
  override name = 'ResponseShapeError';
}

const ZERO = 48;
const NINE = 57;
const MINUS = 45;

/**
 * Reads the numbers under `key` ("predictions" or "outputs") of a :predict response, in order,
 * into `into`, without building the nested lists JSON.parse would: a batch answer holds millions
 * of numbers. Fails unless exactly `into.length` numbers are found.
 */
export function readPredictionNumbers(
  body: Buffer,
  key: string,
  into: Uint8Array | Int32Array | Float32Array,
): void {
  const at = body.indexOf(`"${key}"`);
  if (at < 0) throw new ResponseShapeError(`the model's answer has no "${key}"`);
  let i = body.indexOf(0x5b /* [ */, at);
  if (i < 0) throw new ResponseShapeError(`the model's "${key}" is not a list`);
  let depth = 0;
  let count = 0;
  const end = body.length;
  for (; i < end; i++) {
    const c = body[i]!;
    if (c === 0x5b) depth++;
    else if (c === 0x5d) {
      if (--depth === 0) break;
    } else if ((c >= ZERO && c <= NINE) || c === MINUS) {
      let j = i;
      let integer = 0;
      let simple = true;
      const negative = c === MINUS;
      if (negative) j++;
      for (; j < end; j++) {
        const d = body[j]!;
        if (d >= ZERO && d <= NINE) integer = integer * 10 + (d - ZERO);
        else if (d === 0x2e || d === 0x65 || d === 0x45 || d === 0x2b || d === MINUS)
          simple = false;
        else break;
      }
      if (count >= into.length) {
        throw new ResponseShapeError(
          `the model answered more than the ${String(into.length)} values expected`,
        );
      }
      into[count++] = simple
        ? negative
          ? -integer
          : integer
        : Number(body.toString('latin1', i, j));
      i = j - 1;
    } else if (c === 0x7b /* { */ || c === 0x22 /* " */) {
      throw new ResponseShapeError(`the model's "${key}" holds more than one output; ask for one`);
    }
  }
  if (count !== into.length) {
    throw new ResponseShapeError(
      `the model answered ${String(count)} values; ${String(into.length)} were expected`,
    );
  }
}
