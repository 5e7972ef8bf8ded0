import { describe, expect, it } from 'vitest';
import { ExpressionError, parseBandMath } from '../src/index.js';

describe('band-math expressions, as the API and the engine both check them', () => {
  it('parses and lists the bands read, in the order first read', () => {
    expect(parseBandMath('(nir - red) / (nir + red)', { red: 3, nir: 4 }).used).toEqual([
      'nir',
      'red',
    ]);
  });

  it('refuses a band the expression reads and bands does not name, inherited names too', () => {
    for (const name of ['c', 'toString', 'constructor', '__proto__']) {
      expect(() => parseBandMath(`a + ${name}`, { a: 1 })).toThrow(ExpressionError);
      expect(() => parseBandMath(`a + ${name}`, { a: 1 })).toThrow(`reads "${name}"`);
    }
  });
});
