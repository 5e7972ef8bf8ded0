import { describe, expect, it } from 'vitest';
import {
  applyFloatingPoint,
  applyHorizontal,
  undoFloatingPoint,
  undoHorizontal,
} from '../dist/codec/predictor.js';

const random = (n: number, seed: number): Uint8Array => {
  const out = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
};

describe('TIFF predictors', () => {
  it.each([
    [1, 1],
    [2, 1],
    [4, 1],
    [2, 3],
    [4, 2],
  ])(
    'horizontal differencing of %i-byte samples, %i per pixel, undoes exactly',
    (bytes, samples) => {
      const shape = { width: 37, rows: 5, samples, bytes };
      const original = random(37 * 5 * samples * bytes, bytes * 10 + samples);
      const data = original.slice();
      applyHorizontal(data, shape);
      expect(Buffer.from(data).equals(Buffer.from(original))).toBe(false);
      undoHorizontal(data, shape);
      expect(Buffer.from(data).equals(Buffer.from(original))).toBe(true);
    },
  );

  it.each([
    [4, 1],
    [4, 3],
    [8, 1],
    [8, 2],
    [2, 1],
  ])(
    'floating-point prediction of %i-byte samples, %i per pixel, undoes exactly',
    (bytes, samples) => {
      const shape = { width: 29, rows: 4, samples, bytes };
      const original = random(29 * 4 * samples * bytes, bytes + samples * 100);
      const predicted = new Uint8Array(original.length);
      applyFloatingPoint(original, predicted, shape);
      const restored = new Uint8Array(original.length);
      undoFloatingPoint(predicted.slice(), restored, shape);
      expect(Buffer.from(restored).equals(Buffer.from(original))).toBe(true);
    },
  );

  it('lays Float32 bytes out most significant plane first, as libtiff does', () => {
    const value = new Float32Array([1.5, -2.25]);
    const out = new Uint8Array(8);
    applyFloatingPoint(new Uint8Array(value.buffer), out, {
      width: 2,
      rows: 1,
      samples: 1,
      bytes: 4,
    });
    // 1.5 = 3f c0 00 00 and -2.25 = c0 10 00 00: planes [3f c0][c0 10][00 00][00 00], differenced byte by byte.
    expect(Array.from(out)).toEqual([0x3f, 0x81, 0x00, 0x50, 0xf0, 0, 0, 0]);
  });
});
