import { JsonScanner, RaggedListError, readNumberList } from '../wire/json-numbers.ts';
import type { JsonTensor } from './tensor-json.js';
import { invalidArgument } from './serving-error.js';

/** A :predict body of one unnamed tensor, read without building JS arrays. */
export interface NumericBody {
  signatureName: string | undefined;
  /** instances (row form) or inputs (columnar form). */
  rows: boolean;
  tensor: JsonTensor;
}

/**
 * The fast path for the common large request, `{"signature_name": "...", "instances" | "inputs":
 * <nested lists of numbers>}`: JSON.parse would build a JS array for every pixel, which costs
 * more than running the model. Anything else returns null and goes through JSON.parse.
 */
export function readNumericBody(bytes: Uint8Array): NumericBody | null {
  const scanner = new JsonScanner(bytes);
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
      try {
        tensor = readNumberList(scanner);
      } catch (error) {
        if (error instanceof RaggedListError)
          throw invalidArgument(`the input is ${error.message}`);
        throw error;
      }
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
