import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { InvalidRasterError, RasterReader, rasterStatistics } from '../dist/index.js';
import { encodeHeader, type Field } from '../dist/writer/tiff-directory.js';
import { fixture } from './oracle.js';
import { scratchDir } from './scratch.js';

const scratch = scratchDir();

/** A one-band UInt16 tiled TIFF whose header says what the test wants, followed by `data`. */
async function craft(
  name: string,
  opts: {
    width: number;
    height: number;
    tile: number;
    counts?: number[];
    offsets?: number[];
    data?: Uint8Array;
  },
): Promise<string> {
  const tiles = Math.ceil(opts.width / opts.tile) * Math.ceil(opts.height / opts.tile);
  const data = opts.data ?? new Uint8Array(0);
  const fields = (offsets: number[]): Field[] => [
    { tag: 256, type: 4, values: [opts.width] },
    { tag: 257, type: 4, values: [opts.height] },
    { tag: 258, type: 3, values: [16] },
    { tag: 259, type: 3, values: [8] },
    { tag: 262, type: 3, values: [1] },
    { tag: 277, type: 3, values: [1] },
    { tag: 322, type: 3, values: [opts.tile] },
    { tag: 323, type: 3, values: [opts.tile] },
    { tag: 324, type: 4, values: offsets },
    {
      tag: 325,
      type: 4,
      values: opts.counts ?? Array.from({ length: Math.min(tiles, 4) }, () => data.length),
    },
  ];
  const count = opts.offsets?.length ?? Math.min(tiles, 4);
  const headerSize = encodeHeader([fields(Array.from({ length: count }, () => 0))], false).length;
  const header = encodeHeader(
    [fields(opts.offsets ?? Array.from({ length: count }, () => headerSize))],
    false,
  );
  const path = join(scratch.path, `${name}.tif`);
  await writeFile(path, Buffer.concat([header, data]));
  return path;
}

describe('malformed input gets a clear error, bounded memory and no hang', () => {
  it('a truncated file', async () => {
    const f = fixture('u16-tiled-deflate-p2-pixel');
    const bytes = await import('node:fs/promises').then((fs) => fs.readFile(f.path));
    const path = join(scratch.path, 'truncated.tif');
    await writeFile(path, bytes.subarray(0, Math.floor(bytes.length / 2)));
    await expect(RasterReader.open(path)).rejects.toThrow(/truncated or corrupt/);
    await writeFile(path, bytes.subarray(0, 6));
    await expect(RasterReader.open(path)).rejects.toThrow(InvalidRasterError);
  });

  it('a file that is not a TIFF, an empty one and a missing one', async () => {
    const png = join(scratch.path, 'image.png');
    await writeFile(png, Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'));
    await expect(RasterReader.open(png)).rejects.toThrow(/not a readable TIFF/);
    const empty = join(scratch.path, 'empty.tif');
    await writeFile(empty, '');
    await expect(RasterReader.open(empty)).rejects.toThrow(/not a readable TIFF/);
    await expect(RasterReader.open(join(scratch.path, 'nowhere.tif'))).rejects.toThrow(/ENOENT/);
  });

  it('absurd dimensions', async () => {
    const path = await craft('absurd', {
      width: 2_000_000_000,
      height: 2_000_000_000,
      tile: 256,
      data: new Uint8Array(16),
    });
    await expect(RasterReader.open(path)).rejects.toThrow(/wide is more than|block offsets where/);
    const zero = await craft('zero-wide', { width: 0, height: 10, tile: 16 });
    await expect(RasterReader.open(zero)).rejects.toThrow(/invalid dimensions 0 x 10/);
    const hugeTile = await craft('huge-tile', {
      width: 100,
      height: 100,
      tile: 65535,
      data: new Uint8Array(16),
    });
    await expect(RasterReader.open(hugeTile)).rejects.toThrow(/larger than the engine accepts/);
  });

  it('block offsets past the end of the file', async () => {
    const path = await craft('past-the-end', {
      width: 64,
      height: 64,
      tile: 64,
      offsets: [1_000_000],
      counts: [500],
      data: new Uint8Array(100),
    });
    await expect(RasterReader.open(path)).rejects.toThrow(
      /block 0 lies past the end of the file .*truncated or corrupt/,
    );
  });

  it('a decompression bomb: a small block that inflates far past its declared size', async () => {
    // 64 x 64 UInt16 is 8 KiB; this stream inflates to 512 MiB.
    const bomb = deflateSync(Buffer.alloc(512 * 1024 * 1024), { level: 9 });
    const path = await craft('bomb', {
      width: 64,
      height: 64,
      tile: 64,
      data: bomb,
      counts: [bomb.length],
    });
    const reader = await RasterReader.open(path);
    const before = process.memoryUsage().rss;
    try {
      await expect(reader.readRows(0, 64, [0])).rejects.toThrow(
        /more than its declared size|larger than|too large/i,
      );
    } finally {
      await reader.close();
    }
    expect(process.memoryUsage().rss - before).toBeLessThan(64 * 1024 * 1024);
  });

  it('a corrupt Deflate stream', async () => {
    const path = await craft('garbage', {
      width: 64,
      height: 64,
      tile: 64,
      data: Buffer.from('this is not a deflate stream at all'),
    });
    await expect(rasterStatistics(path)).rejects.toThrow(/could not be decompressed/);
  });
});
