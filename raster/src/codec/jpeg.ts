import { createRequire } from 'node:module';
import { UnsupportedRasterError } from '../tiff/unsupported-raster.js';

/**
 * JPEG blocks through libjpeg-turbo (a WebAssembly build of the library GDAL reads JPEG with), so
 * each pixel, YCbCr converted to RGB with libjpeg's upsampling included, is GDAL's to the bit.
 */
interface JpegDecoder {
  getEncodedBuffer(length: number): Uint8Array;
  decode(): void;
  getFrameInfo(): { width: number; height: number; componentCount: number };
  getDecodedBuffer(): Uint8Array;
}

interface JpegModule {
  JPEGDecoder: new () => JpegDecoder;
}

let decoder: JpegDecoder | undefined;
let loading: Promise<void> | undefined;

const LIBRARY = '@cornerstonejs/codec-libjpeg-turbo-8bit';

/**
 * Loads libjpeg-turbo on this thread, once; decodeJpeg needs it.
 *
 * @throws UnsupportedRasterError where the library is not installed beside the engine (a bundle
 *   that left it out): JPEG is then refused by name.
 */
export function jpegReady(): Promise<void> {
  loading ??= (async () => {
    let init: () => Promise<JpegModule>;
    try {
      init = createRequire(import.meta.url)(`${LIBRARY}/decodewasmjs`) as () => Promise<JpegModule>;
    } catch {
      throw new UnsupportedRasterError(
        `JPEG compression is not supported here: ${LIBRARY}, which decodes it, is not installed`,
      );
    }
    const module = await init();
    decoder = new module.JPEGDecoder();
  })();
  return loading;
}

const SOI = 0xd8;
const EOI = 0xd9;

/**
 * Decodes one TIFF JPEG block (an abbreviated stream whose tables may live in the JPEGTables tag)
 * to `expected` bytes of 8-bit samples, pixel-interleaved, YCbCr as RGB.
 *
 * @throws Error when the stream does not decode to the block's size.
 */
export function decodeJpeg(
  data: Uint8Array,
  tables: Uint8Array | null,
  expected: number,
): Uint8Array {
  if (!decoder) throw new Error('libjpeg-turbo is not loaded on this thread (await jpegReady())');
  // The tables stream is SOI, tables, EOI: its tables go in after the block's own SOI.
  const shared =
    tables && tables.length > 4 && tables[1] === SOI && tables.at(-1) === EOI
      ? tables.subarray(2, tables.length - 2)
      : new Uint8Array(0);
  const input = decoder.getEncodedBuffer(data.length + shared.length);
  input.set(data.subarray(0, 2), 0);
  input.set(shared, 2);
  input.set(data.subarray(2), 2 + shared.length);
  decoder.decode();
  const { width, height, componentCount } = decoder.getFrameInfo();
  const decoded = decoder.getDecodedBuffer();
  if (decoded.length < expected) {
    throw new Error(
      `the JPEG stream holds ${String(width)} x ${String(height)} x ${String(componentCount)} samples, fewer than the block's ${String(expected)}`,
    );
  }
  return decoded.slice(0, expected);
}
