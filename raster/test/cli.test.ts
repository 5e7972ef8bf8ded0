import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { fixture, gdalRead, validateCog } from './oracle.js';
import { scratchDir } from './scratch.js';

const run = promisify(execFile);
const CLI = join(import.meta.dirname, '..', 'dist', 'cli', 'main.js');
const scratch = scratchDir();

async function cli(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], {
      env: { ...process.env, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('harita-raster, the command line', () => {
  it('info prints the header as JSON', async () => {
    const { code, stdout } = await cli(['info', fixture('u16-scaled-described').path]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({
      width: 517,
      height: 389,
      dataType: 'UInt16',
      epsg: 32633,
      bands: [{ description: 'red', scale: 0.0001 }, { description: 'nir' }],
    });
  });

  it('ndvi writes the same COG through libdeflate and through node:zlib', async () => {
    const input = fixture('u16-tiled-deflate-p2-pixel').path;
    const native = join(scratch.path, 'native.tif');
    const zlib = join(scratch.path, 'zlib.tif');
    expect((await cli(['ndvi', input, native, '--red', '1', '--nir', '2'])).code).toBe(0);
    expect(
      (await cli(['ndvi', input, zlib, '--red', '1', '--nir', '2'], { HARITA_DEFLATE: 'zlib' }))
        .code,
    ).toBe(0);
    expect(await validateCog(native)).toMatchObject({ valid: true });
    expect(await validateCog(zlib)).toMatchObject({ valid: true });
    expect(
      (await gdalRead(native, scratch.path)).raw.equals((await gdalRead(zlib, scratch.path)).raw),
    ).toBe(true);
  });

  it('stats and calc run end to end', async () => {
    const input = fixture('byte-striped-deflate-pixel').path;
    const stats = await cli(['stats', input, '--band', '2', '--buckets', '0']);
    expect(JSON.parse(stats.stdout)).toMatchObject([{ band: 2, histogram: null }]);
    const out = join(scratch.path, 'calc.tif');
    const calc = await cli([
      'calc',
      input,
      out,
      '--expr',
      'a + b',
      '--band',
      'a=1',
      '--band',
      'b=2',
      '--type',
      'UInt16',
    ]);
    expect(calc.code).toBe(0);
    expect(JSON.parse(calc.stdout)).toMatchObject({ location: out, width: 517, height: 389 });
  });

  it('answers misuse with exit code 2 and its usage, and failures with 1 and a message', async () => {
    const unknown = await cli(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "frobnicate"');
    const missing = await cli(['ndvi', 'only-one.tif']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/expected <input> <output>[\s\S]*usage: harita-raster ndvi/);
    const badBand = await cli(['calc', 'a.tif', 'b.tif', '--expr', 'x', '--band', 'x:1']);
    expect(badBand.stderr).toContain('--band takes name=number');
    const absent = await cli(['info', join(scratch.path, 'absent.tif')]);
    expect(absent.code).toBe(1);
    expect(absent.stderr).toMatch(/^harita-raster info: .*ENOENT/);
    expect(absent.stderr).not.toMatch(/\n\s+at /);
  });
});
