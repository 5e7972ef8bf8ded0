import type { ImageFileDirectory } from 'geotiff';
import type { JobErrorKind } from '../job-error-kind.js';
import { compressionName } from '../tiff/compression-names.js';
import { bytesPerSample, isFloat, type DataType } from '../tiff/data-type.js';
import { sampleType } from '../tiff/sample-type.js';
import { COMPRESSION, PHOTOMETRIC, PREDICTOR, TAG } from '../tiff/tags.js';
import { UnsupportedRasterError } from '../tiff/unsupported-raster.js';

/** Where one TIFF image's blocks are and how they are encoded. */
export interface ImageLayout {
  width: number;
  height: number;
  samplesPerPixel: number;
  /** The type samples decode to (GDAL's: NBITS widened to the next integer type, Float16 to Float32). */
  dataType: DataType;
  /** Bits of one sample in the file (1 to 7 for a bit-packed mask or NBITS raster). */
  bitsPerSample: number;
  tiled: boolean;
  blockWidth: number;
  blockHeight: number;
  blocksAcross: number;
  blocksDown: number;
  /** 1: samples of a pixel together (pixel-interleaved); 2: one plane per band. */
  planarConfiguration: number;
  compression: number;
  predictor: number;
  subfileType: number;
  /** The JPEGTables tag (tables shared by every JPEG block), or null. */
  jpegTables: Uint8Array | null;
  /** What wraps each LERC block: LercParameters' second value (0 none, 1 Deflate, 2 Zstandard). */
  lercWrap: number;
  /** The ExtraSamples tag: 1 or 2 marks an alpha sample among the last samples. */
  extraSamples: number[];
  offsets: ArrayLike<number>;
  byteCounts: ArrayLike<number>;
}

/** A raster that is not a readable TIFF, or whose header or blocks are damaged. */
export class InvalidRasterError extends Error {
  override name = 'InvalidRasterError';
  static readonly job: JobErrorKind = { code: 'malformed_raster', permanent: true };
}

/** The largest block the engine decodes: anything larger is a corrupt or hostile header. */
const MAX_BLOCK_BYTES = 256 * 1024 * 1024;
const MAX_DIMENSION = 2 ** 31 - 1;
const SUPPORTED_COMPRESSION = new Set<number>(Object.values(COMPRESSION));

function first(value: unknown, fallback: number): number {
  if (typeof value === 'number') return value;
  if (isArrayLike(value) && value.length > 0 && typeof value[0] === 'number') return value[0];
  return fallback;
}

function isArrayLike(value: unknown): value is ArrayLike<unknown> {
  return Array.isArray(value) || ArrayBuffer.isView(value);
}

/** A tag's values as numbers (one value becomes a list of one), or undefined when absent. */
export async function numberValues(
  ifd: ImageFileDirectory,
  tag: number,
): Promise<number[] | undefined> {
  const value: unknown = await ifd.loadValue(tag);
  if (value === undefined) return undefined;
  if (typeof value === 'number') return [value];
  if (isArrayLike(value)) return Array.from(value, Number);
  return undefined;
}

/**
 * One TIFF image's layout, checked: its size, sample type, compression and blocks.
 *
 * @throws InvalidRasterError when the header is damaged or hostile (dimensions, block lists,
 *   blocks past the end of the file).
 * @throws UnsupportedRasterError when the image is well formed in a layout the engine does not
 *   read (the message names it).
 */
export async function readImageLayout(
  ifd: ImageFileDirectory,
  name: string,
  fileSize: number,
): Promise<ImageLayout> {
  const bad = (message: string): InvalidRasterError =>
    new InvalidRasterError(`${name}: ${message}`);
  const width = first(await ifd.loadValue(TAG.ImageWidth), 0);
  const height = first(await ifd.loadValue(TAG.ImageLength), 0);
  if (!(width >= 1 && height >= 1 && width <= MAX_DIMENSION && height <= MAX_DIMENSION)) {
    throw bad(`invalid dimensions ${String(width)} x ${String(height)}`);
  }
  const samplesPerPixel = first(await ifd.loadValue(TAG.SamplesPerPixel), 1);
  if (!(samplesPerPixel >= 1 && samplesPerPixel <= 65535))
    throw bad(`invalid SamplesPerPixel ${String(samplesPerPixel)}`);
  const bitDepths = (await numberValues(ifd, TAG.BitsPerSample)) ?? [1];
  const bitsPerSample = bitDepths[0]!;
  const unsupported = (what: string): UnsupportedRasterError =>
    new UnsupportedRasterError(`${name}: ${what}`);
  if (bitDepths.some((bits) => bits !== bitsPerSample))
    throw unsupported(`bands of different bit depths (${bitDepths.join(', ')}) are not supported`);
  const sampleFormat = first(await ifd.loadValue(TAG.SampleFormat), 1);
  let dataType: DataType;
  try {
    dataType = sampleType(bitsPerSample, sampleFormat);
  } catch (error) {
    if (error instanceof UnsupportedRasterError) throw unsupported(error.message);
    throw error;
  }
  const compression = first(await ifd.loadValue(TAG.Compression), COMPRESSION.none);
  if (!SUPPORTED_COMPRESSION.has(compression)) {
    throw unsupported(
      `${compressionName(compression)} compression is not supported (NONE, LZW, DEFLATE, ZSTD, PACKBITS, JPEG and LERC are)`,
    );
  }
  const photometric = first(await ifd.loadValue(TAG.Photometric), PHOTOMETRIC.minIsBlack);
  if (photometric === PHOTOMETRIC.ycbcr && compression !== COMPRESSION.jpeg)
    throw unsupported('YCbCr samples are supported only in JPEG-compressed files');
  if (compression === COMPRESSION.jpeg && bitsPerSample !== 8)
    throw unsupported(`${String(bitsPerSample)}-bit JPEG is not supported (8-bit JPEG is)`);
  const predictor = first(await ifd.loadValue(TAG.Predictor), PREDICTOR.none);
  if (predictor === PREDICTOR.horizontal && ![8, 16, 32].includes(bitsPerSample))
    throw unsupported(
      `the horizontal predictor over ${String(bitsPerSample)}-bit samples is not supported`,
    );
  if (predictor === PREDICTOR.floatingPoint && !isFloat(dataType))
    throw bad('the floating-point predictor is declared for integer samples');
  const planarConfiguration =
    samplesPerPixel === 1 ? 1 : first(await ifd.loadValue(TAG.PlanarConfiguration), 1);
  const tiled = ifd.hasTag(TAG.TileWidth);
  const blockWidth = tiled ? first(await ifd.loadValue(TAG.TileWidth), 0) : width;
  const blockHeight = tiled
    ? first(await ifd.loadValue(TAG.TileLength), 0)
    : Math.min(first(await ifd.loadValue(TAG.RowsPerStrip), height), height);
  if (!(blockWidth >= 1 && blockHeight >= 1))
    throw bad(`invalid block size ${String(blockWidth)} x ${String(blockHeight)}`);
  const samplesPerBlock = planarConfiguration === 1 ? samplesPerPixel : 1;
  const blockBytes = blockWidth * blockHeight * samplesPerBlock * bytesPerSample(dataType);
  if (blockBytes > MAX_BLOCK_BYTES) {
    throw bad(
      `blocks of ${String(blockWidth)} x ${String(blockHeight)} are larger than the engine accepts`,
    );
  }
  const offsets = await numberValues(ifd, tiled ? TAG.TileOffsets : TAG.StripOffsets);
  const byteCounts = await numberValues(ifd, tiled ? TAG.TileByteCounts : TAG.StripByteCounts);
  const blocksAcross = Math.ceil(width / blockWidth);
  const blocksDown = Math.ceil(height / blockHeight);
  const expected = blocksAcross * blocksDown * (planarConfiguration === 2 ? samplesPerPixel : 1);
  if (!offsets || !byteCounts || offsets.length < expected || byteCounts.length < expected) {
    throw bad(
      `the file lists ${String(offsets?.length ?? 0)} block offsets where ${String(expected)} are needed`,
    );
  }
  for (let i = 0; i < expected; i++) {
    const end = offsets[i]! + byteCounts[i]!;
    if (byteCounts[i]! > 0 && end > fileSize) {
      throw bad(
        `block ${String(i)} lies past the end of the file (byte ${String(end)} of ${String(fileSize)}); the file is truncated or corrupt`,
      );
    }
  }
  return {
    width,
    height,
    samplesPerPixel,
    dataType,
    bitsPerSample,
    tiled,
    blockWidth,
    blockHeight,
    blocksAcross,
    blocksDown,
    planarConfiguration,
    compression,
    predictor,
    subfileType: first(await ifd.loadValue(TAG.NewSubfileType), 0),
    jpegTables: compression === COMPRESSION.jpeg ? await byteValues(ifd, TAG.JpegTables) : null,
    lercWrap: (await numberValues(ifd, TAG.LercParameters))?.[1] ?? 0,
    extraSamples: (await numberValues(ifd, TAG.ExtraSamples)) ?? [],
    offsets,
    byteCounts,
  };
}

/** The bytes of a tag's values (JPEGTables), or null when absent. */
async function byteValues(ifd: ImageFileDirectory, tag: number): Promise<Uint8Array | null> {
  const values = await numberValues(ifd, tag);
  return values ? Uint8Array.from(values) : null;
}

/** The index of a block in the file's offset and byte-count lists. */
export function blockIndex(
  layout: ImageLayout,
  plane: number,
  blockRow: number,
  col: number,
): number {
  return plane * layout.blocksAcross * layout.blocksDown + blockRow * layout.blocksAcross + col;
}

/** Rows a block of this block row decodes to: tiles are always whole, the last strip may be short. */
export function blockRowHeight(layout: ImageLayout, blockRow: number): number {
  return layout.tiled
    ? layout.blockHeight
    : Math.min(layout.blockHeight, layout.height - blockRow * layout.blockHeight);
}

export interface BlockRowSpan {
  blockRow: number;
  /** The block rows [firstRow, firstRow + count) fall inside the window, at its row destRow. */
  firstRow: number;
  count: number;
  destRow: number;
}

/** The block rows under window rows [row, row + rows), with the part of each inside it. */
export function blockRowsUnder(layout: ImageLayout, row: number, rows: number): BlockRowSpan[] {
  const spans: BlockRowSpan[] = [];
  const last = Math.floor((row + rows - 1) / layout.blockHeight);
  for (let blockRow = Math.floor(row / layout.blockHeight); blockRow <= last; blockRow++) {
    const top = blockRow * layout.blockHeight;
    const from = Math.max(row, top);
    const to = Math.min(row + rows, top + layout.blockHeight, layout.height);
    spans.push({ blockRow, firstRow: from - top, count: to - from, destRow: from - row });
  }
  return spans;
}
