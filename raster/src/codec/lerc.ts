import { createRequire } from 'node:module';

/** LERC blocks through the lerc package, Esri's JavaScript decoder (the one geotiff.js uses). */
interface LercImage {
  pixels: ArrayBufferView[];
  mask: Uint8Array | null;
}

type LercDecode = (
  data: ArrayBuffer,
  options: { returnPixelInterleavedDims: boolean },
) => LercImage;

let lerc: LercDecode | undefined;

/** LercParameters' second value: what wraps the LERC blob. */
export const LERC_WRAP = { none: 0, deflate: 1, zstd: 2 } as const;

/** The most a LERC blob unwrapped from Deflate or Zstandard may take: a little over its samples. */
export const lercBlobLimit = (expected: number): number => expected * 2 + 65536;

/**
 * Decodes one LERC2 blob (already unwrapped from the Deflate or Zstandard that GDAL's
 * LercParameters tag names) to `expected` bytes of little-endian samples, pixel-interleaved.
 * Pixels the blob marks invalid read as NaN in float blocks, as GDAL reads them.
 *
 * @throws Error when the blob does not decode to the block's size.
 */
export function decodeLerc(blob: Uint8Array, expected: number, float: boolean): Uint8Array {
  lerc ??= (createRequire(import.meta.url)('lerc') as { decode: LercDecode }).decode;
  const image = lerc(new Uint8Array(blob).buffer, { returnPixelInterleavedDims: true });
  const pixels = image.pixels[0];
  if (image.pixels.length !== 1 || !pixels || pixels.byteLength < expected) {
    throw new Error(`the LERC blob does not hold the block's ${String(expected)} bytes`);
  }
  if (float && image.mask) {
    const values = pixels as Float32Array | Float64Array;
    const depth = values.length / image.mask.length;
    image.mask.forEach((valid, i) => {
      if (valid === 0) values.fill(Number.NaN, i * depth, (i + 1) * depth);
    });
  }
  return new Uint8Array(pixels.buffer, pixels.byteOffset, expected);
}
