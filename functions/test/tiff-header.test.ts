// The header check catches what range reads cheaply can: data cut off or lying past the end of
// the file, block tables that do not fit the image, and sizes counted in samples (bands count).
import { assertEquals, assertMatch } from './assert.ts';
import { call, newTenant, test } from './helpers.ts';
import { readRasterHeader } from '../supabase/functions/_shared/tiff-header.ts';

type Entry = [tag: number, type: 3 | 4, values: number[]];

/**
 * A little-endian classic TIFF: its one directory at offset 8, values that do not fit an entry
 * after it, then `pad` bytes (where strip or tile data would be).
 */
function tiff(entries: Entry[], pad = 0): Uint8Array {
  const sorted = [...entries].sort((a, b) => a[0] - b[0]);
  const directory = 2 + sorted.length * 12 + 4;
  const extra = sorted.reduce(
    (sum, [, type, values]) =>
      sum + (values.length * (type === 3 ? 2 : 4) > 4 ? values.length * (type === 3 ? 2 : 4) : 0),
    0,
  );
  const bytes = new Uint8Array(8 + directory + extra + pad);
  const view = new DataView(bytes.buffer);
  bytes.set([0x49, 0x49, 42, 0]);
  view.setUint32(4, 8, true);
  view.setUint16(8, sorted.length, true);
  let outside = 8 + directory;
  sorted.forEach(([tag, type, values], i) => {
    const at = 10 + i * 12;
    const size = type === 3 ? 2 : 4;
    view.setUint16(at, tag, true);
    view.setUint16(at + 2, type, true);
    view.setUint32(at + 4, values.length, true);
    let target = at + 8;
    if (values.length * size > 4) {
      view.setUint32(at + 8, outside, true);
      target = outside;
      outside += values.length * size;
    }
    values.forEach((v, k) =>
      size === 2
        ? view.setUint16(target + k * 2, v, true)
        : view.setUint32(target + k * 4, v, true),
    );
  });
  return bytes;
}

const GEOKEYS: Entry = [34735, 3, [1, 1, 0, 1, 3072, 0, 1, 32633]];
const read = (bytes: Uint8Array) => (offset: number, length: number) =>
  Promise.resolve(bytes.slice(offset, offset + length));
const reason = async (bytes: Uint8Array, maxSamples = 400_000_000): Promise<string> => {
  try {
    await readRasterHeader(read(bytes), bytes.length, maxSamples);
    return 'accepted';
  } catch (error) {
    return (error as Error).message;
  }
};

/** A striped, uncompressed UInt8 image of `width` x `height` x `bands`, `rows` to a strip. */
function striped(
  width: number,
  height: number,
  bands: number,
  rows: number,
  data: number,
): Uint8Array {
  const strips = Math.ceil(height / rows);
  const stripBytes = Array.from(
    { length: strips },
    (_, i) => Math.min(rows, height - i * rows) * width * bands,
  );
  const header = tiff([
    [256, 4, [width]],
    [257, 4, [height]],
    [258, 3, Array.from({ length: bands }, () => 8)],
    [259, 3, [1]],
    [273, 4, stripBytes.map(() => 0)],
    [277, 3, [bands]],
    [278, 4, [rows]],
    [279, 4, stripBytes],
    GEOKEYS,
  ]);
  // The offsets are filled in once the header's own length is known: data follows it.
  const bytes = new Uint8Array(header.length + data);
  bytes.set(header);
  const view = new DataView(bytes.buffer);
  const count = view.getUint16(8, true);
  for (let i = 0; i < count; i++) {
    if (view.getUint16(10 + i * 12, true) !== 273) continue;
    const at = strips * 4 > 4 ? view.getUint32(10 + i * 12 + 8, true) : 10 + i * 12 + 8;
    let offset = header.length;
    stripBytes.forEach((n, k) => {
      view.setUint32(at + k * 4, offset, true);
      offset += n;
    });
  }
  return bytes;
}

test('a whole striped image is accepted; its header gives size, bands and type', async () => {
  const whole = striped(16, 10, 3, 4, 16 * 10 * 3);
  const header = await readRasterHeader(read(whole), whole.length, 1000);
  assertEquals(
    [header.width, header.height, header.bandCount, header.dataType, header.epsg],
    [16, 10, 3, 'Byte', 32633],
  );
});

/** One uncompressed strip of 8 x 2 pixels of `bits` bits in SampleFormat `format`. */
function sampled(bits: number, format: number): Uint8Array {
  const bytes = Math.ceil((8 * bits) / 8) * 2;
  const header = tiff([
    [256, 4, [8]],
    [257, 4, [2]],
    [258, 3, [bits]],
    [259, 3, [1]],
    [273, 4, [0]],
    [277, 3, [1]],
    [279, 4, [bytes]],
    [339, 3, [format]],
    GEOKEYS,
  ]);
  const out = new Uint8Array(header.length + bytes);
  out.set(header);
  const view = new DataView(out.buffer);
  for (let i = 0; i < view.getUint16(8, true); i++)
    if (view.getUint16(10 + i * 12, true) === 273)
      view.setUint32(10 + i * 12 + 8, header.length, true);
  return out;
}

test('sample types are read as the engine reads them: NBITS widened, Float16 as Float32; others refused by name', async () => {
  const typeOf = async (bits: number, format: number) => {
    const bytes = sampled(bits, format);
    try {
      return (await readRasterHeader(read(bytes), bytes.length, 1000)).dataType;
    } catch (error) {
      return (error as Error).message;
    }
  };
  assertEquals(
    [
      await typeOf(1, 1),
      await typeOf(4, 1),
      await typeOf(12, 1),
      await typeOf(24, 1),
      await typeOf(16, 3),
      await typeOf(8, 2),
      await typeOf(64, 3),
    ],
    ['Byte', 'Byte', 'UInt16', 'UInt32', 'Float32', 'Int8', 'Float64'],
  );
  assertMatch(await typeOf(64, 1), /64-bit integer/);
  assertMatch(await typeOf(12, 2), /signed 12-bit integer/);
  assertMatch(await typeOf(32, 6), /complex/);
});

test('an image whose strips lie past the end of the file is refused as cut off', async () => {
  const cut = striped(16, 10, 3, 4, 16 * 10 * 3).slice(0, -100);
  assertMatch(await reason(cut), /past the end of the file/);
});

test('uncompressed strips shorter than the image needs are refused', async () => {
  const whole = striped(16, 10, 3, 4, 16 * 10 * 3);
  const view = new DataView(whole.buffer);
  // The first strip's byte count, one row short.
  const count = view.getUint16(8, true);
  for (let i = 0; i < count; i++)
    if (view.getUint16(10 + i * 12, true) === 279) {
      const at = view.getUint32(10 + i * 12 + 8, true);
      view.setUint32(at, 16 * 3 * 3, true);
    }
  assertMatch(await reason(whole), /holds 144 bytes where .* needs 192/);
});

test('a 512-byte header claiming 20000 x 20000 pixels x 65535 bands is refused: the limit counts samples', async () => {
  const bomb = tiff(
    [
      [256, 4, [20000]],
      [257, 4, [20000]],
      [258, 3, [8]],
      [259, 3, [8]],
      [273, 4, [400]],
      [277, 3, [65535]],
      [278, 4, [20000]],
      [279, 4, [100]],
      GEOKEYS,
    ],
    512 - 8 - (2 + 9 * 12 + 4) - 16,
  );
  assertEquals(bomb.length, 512);
  assertMatch(await reason(bomb), /samples .*over the limit/);
});

test('a tile table that does not match the image size is refused', async () => {
  const header = tiff(
    [
      [256, 4, [1000]],
      [257, 4, [1000]],
      [258, 3, [8]],
      [259, 3, [8]],
      [277, 3, [1]],
      [322, 3, [256]],
      [323, 3, [256]],
      [324, 4, [200, 300]],
      [325, 4, [10, 10]],
      GEOKEYS,
    ],
    200,
  );
  assertMatch(await reason(header), /2 tiles where .* needs 16/);
});

test('a GeoTIFF (COG) cut to 4 KiB is rejected through the API with 422 invalid_raster', async () => {
  const path = await Deno.makeTempFile({ suffix: '.tif' });
  const script = `
import sys
import numpy
from osgeo import gdal, osr
gdal.UseExceptions()
mem = gdal.GetDriverByName("MEM").Create("", 512, 512, 3, gdal.GDT_Byte)
mem.SetGeoTransform([500000, 10, 0, 5000000, 0, -10])
srs = osr.SpatialReference(); srs.ImportFromEPSG(32633); mem.SetProjection(srs.ExportToWkt())
rng = numpy.random.default_rng(7)
for i in range(1, 4):
    mem.GetRasterBand(i).WriteArray(rng.integers(0, 255, (512, 512), dtype=numpy.uint8))
gdal.GetDriverByName("COG").CreateCopy(sys.argv[1], mem, options=["COMPRESS=DEFLATE"])
`;
  const output = await new Deno.Command('/usr/bin/python3', {
    args: ['-c', script, path],
    stderr: 'piped',
  }).output();
  if (!output.success) throw new Error(new TextDecoder().decode(output.stderr));
  const cut = (await Deno.readFile(path)).slice(0, 4096);
  await Deno.remove(path);
  const tenant = await newTenant();
  const created = await call('POST', '/datasets', {
    token: tenant.token,
    body: { name: 'cut', file: 'cut.tif', bytes: cut.length },
  });
  const upload = created.body['upload'] as { url: string; headers: Record<string, string> };
  await (
    await fetch(upload.url, { method: 'PUT', body: cut, headers: upload.headers })
  ).body?.cancel();
  const id = String((created.body['dataset'] as Record<string, unknown>)['id']);
  const completed = await call('POST', `/datasets/${id}/complete`, { token: tenant.token });
  assertEquals([completed.status, completed.body['code']], [422, 'invalid_raster']);
  assertMatch(String(completed.body['message']), /past the end of the file/);
});
