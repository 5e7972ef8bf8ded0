import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  bandMathToCog,
  defaultNodata,
  ExpressionError,
  parseExpression,
  RasterReader,
} from '../dist/index.js';
import { fixture, gdal, oracle, validateCog } from './oracle.js';
import { scratchDir } from './scratch.js';

const scratch = scratchDir();

describe('the expression parser', () => {
  it('follows the usual precedence: ^ over unary minus over * over + over comparisons over && over ||', () => {
    expect(parseExpression('1 + 2 * 3 ^ 2 ^ 2')).toEqual({
      kind: 'binary',
      op: '+',
      left: { kind: 'number', value: 1 },
      right: {
        kind: 'binary',
        op: '*',
        left: { kind: 'number', value: 2 },
        right: {
          kind: 'binary',
          op: '^',
          left: { kind: 'number', value: 3 },
          right: {
            kind: 'binary',
            op: '^',
            left: { kind: 'number', value: 2 },
            right: { kind: 'number', value: 2 },
          },
        },
      },
    });
    expect(parseExpression('a < b && !c || d')).toMatchObject({
      op: '||',
      left: { op: '&&', left: { op: '<' }, right: { kind: 'unary', op: '!' } },
    });
    expect(parseExpression('nir ** 2')).toMatchObject({ op: '^' });
    expect(parseExpression('-pi')).toEqual({
      kind: 'unary',
      op: '-',
      arg: { kind: 'number', value: Math.PI },
    });
  });

  it.each([
    ['(b1 + b2', /expected "\)" at column 9, found the end of the expression/],
    ['b1 + * b2', /unexpected "\*" at column 6/],
    ['b1 $ b2', /unexpected "\$" at column 4/],
    ['process.exit(1)', /unexpected "\."/],
    ['eval(b1)', /unknown function "eval"/],
    ['sqrt(b1, b2)', /sqrt takes 1 arguments, not 2/],
    ['clamp(b1)', /clamp takes 3 arguments/],
    ['('.repeat(500) + '1' + ')'.repeat(500), /nests too deeply/],
    ['b1 + '.repeat(600) + 'b1', /at most 2000 characters/],
  ])('rejects %j with a clear message', (source, message) => {
    expect(() => parseExpression(source)).toThrow(ExpressionError);
    expect(() => parseExpression(source)).toThrow(message);
  });
});

describe('band maths against gdal_calc.py', () => {
  it('evaluates an expression over named bands pixel for pixel like numpy', async () => {
    const f = fixture('u16-tiled-deflate-p2-pixel');
    const ours = join(scratch.path, 'calc.tif');
    const theirs = join(scratch.path, 'calc-gdal.tif');
    await bandMathToCog(f.path, ours, {
      expression:
        'where(nir > red, (nir - red) / 2, -1) + sqrt(abs(red - 1500)) + max(blue, 1000) % 7',
      bands: { red: 1, nir: 2, blue: 3 },
    });
    await gdal('gdal_calc.py', [
      '--quiet',
      '-A',
      f.path,
      '--A_band=1',
      '-B',
      f.path,
      '--B_band=2',
      '-C',
      f.path,
      '--C_band=3',
      '--calc=numpy.where(B.astype(numpy.float64) > A, (B.astype(numpy.float64) - A) / 2, -1) + numpy.sqrt(numpy.abs(A.astype(numpy.float64) - 1500)) + numpy.fmod(numpy.maximum(C.astype(numpy.float64), 1000), 7)',
      '--NoDataValue=-9999',
      '--type=Float32',
      '--overwrite',
      `--outfile=${theirs}`,
    ]);
    const comparison = await oracle<{ maxDiff: number; maskMismatches: number; valid: number }>(
      'compare',
      ours,
      theirs,
      '1e-3',
    );
    expect(comparison.maskMismatches).toBe(0);
    expect(comparison.valid).toBeGreaterThan(150_000);
    expect(comparison.maxDiff).toBeLessThanOrEqual(1e-3);
    expect(await validateCog(ours)).toMatchObject({ valid: true });
  });

  it("rounds and clamps into integer outputs, with the type's documented nodata", async () => {
    const f = fixture('i16-tiled-deflate-p2-nodata');
    const out = join(scratch.path, 'clamped.tif');
    await bandMathToCog(f.path, out, {
      expression: 'a * 1000',
      bands: { a: 1 },
      dataType: 'Int16',
    });
    const reader = await RasterReader.open(out);
    try {
      expect(reader.info.nodata).toBe(defaultNodata('Int16'));
      expect(reader.info.dataType).toBe('Int16');
      const { bands } = await reader.readRows(0, reader.info.height, [0]);
      const values = Array.from(bands[0]!);
      expect(values.some((v) => v === 32767)).toBe(true);
      expect(values.some((v) => v === -32768)).toBe(true);
    } finally {
      await reader.close();
    }
  });

  it('names the band an expression reads but nobody named', async () => {
    const f = fixture('u16-striped-lzw-band');
    await expect(
      bandMathToCog(f.path, join(scratch.path, 'x.tif'), {
        expression: 'nir - red',
        bands: { nir: 2 },
      }),
    ).rejects.toThrow(/reads "red", which is not named; named bands: nir/);
    await expect(
      bandMathToCog(f.path, join(scratch.path, 'x.tif'), { expression: 'b9', bands: { b9: 9 } }),
    ).rejects.toThrow(/band 9 does not exist/);
  });
});
