import { type DataType, sampleDataType } from '@harita/contracts';

/** What a dataset's header says, recorded when its upload completes. */
export interface RasterHeader {
  width: number;
  height: number;
  bandCount: number;
  dataType: DataType;
  epsg: number;
  bigTiff: boolean;
}

export class RasterHeaderError extends Error {
  override name = 'RasterHeaderError';
}

/** Reads `length` bytes at `offset` of the file (fewer at its end). */
export type ReadRange = (offset: number, length: number) => Promise<Uint8Array>;

const TAG = {
  width: 256,
  height: 257,
  bitsPerSample: 258,
  compression: 259,
  stripOffsets: 273,
  samplesPerPixel: 277,
  rowsPerStrip: 278,
  stripByteCounts: 279,
  planarConfiguration: 284,
  tileWidth: 322,
  tileLength: 323,
  tileOffsets: 324,
  tileByteCounts: 325,
  sampleFormat: 339,
  geoKeyDirectory: 34735,
} as const;
const KNOWN_TAGS = new Set<number>(Object.values(TAG));
/** Tags that list one value per strip or tile: long, but read whole to check every block. */
const BLOCK_TAGS = new Set<number>([
  TAG.stripOffsets,
  TAG.stripByteCounts,
  TAG.tileOffsets,
  TAG.tileByteCounts,
]);
const MAX_VALUES = 65536;
const MAX_BLOCKS = 1 << 20;
const UNCOMPRESSED = 1;
const PLANAR_SEPARATE = 2;
const TYPE_SIZES: Record<number, number> = {
  1: 1,
  2: 1,
  3: 2,
  4: 4,
  5: 8,
  6: 1,
  7: 1,
  8: 2,
  9: 4,
  10: 8,
  11: 4,
  12: 8,
  16: 8,
  17: 8,
  18: 8,
};
const fail = (message: string): never => {
  throw new RasterHeaderError(message);
};

/**
 * The type the engine reads these samples as (contracts' sampleDataType, the engine's own rule).
 * @throws RasterHeaderError naming a sample type the engine refuses
 */
function sampleType(bits: number, format: number): DataType {
  const type = sampleDataType(bits, format);
  return 'refused' in type ? fail(`${type.refused} samples are not supported`) : type.dataType;
}
const PROJECTED_CRS_KEY = 3072;
const GEOGRAPHIC_CRS_KEY = 2048;
const USER_DEFINED = 32767;

type Tags = Map<number, number[]>;

const firstOf = (tags: Tags, tag: number, fallback?: number): number =>
  tags.get(tag)?.[0] ?? fallback ?? fail(`the image has no tag ${String(tag)}`);

/**
 * Checks the image's strips or tiles against its size and the file: as many as the size needs,
 * each within the file (a cut file's are not), and uncompressed ones as long as their pixels need.
 * A block of 0 bytes is sparse (GDAL reads it as nodata) and allowed.
 */
function checkBlocks(
  tags: Tags,
  width: number,
  height: number,
  bands: number,
  bits: number,
  fileSize: number,
): void {
  const tiled = tags.has(TAG.tileOffsets);
  const kind = tiled ? 'tile' : 'strip';
  const planes = firstOf(tags, TAG.planarConfiguration, 1) === PLANAR_SEPARATE ? bands : 1;
  const blockWidth = tiled ? firstOf(tags, TAG.tileWidth) : width;
  const blockRows = tiled
    ? firstOf(tags, TAG.tileLength)
    : Math.min(firstOf(tags, TAG.rowsPerStrip, height), height);
  if (blockWidth < 1 || blockRows < 1)
    fail(`the image's ${kind}s are ${String(blockWidth)} x ${String(blockRows)} pixels`);
  const across = Math.ceil(width / blockWidth);
  const down = Math.ceil(height / blockRows);
  const needed = across * down * planes;
  const offsets =
    tags.get(tiled ? TAG.tileOffsets : TAG.stripOffsets) ??
    fail(`the image has no ${kind} offsets`);
  const counts =
    tags.get(tiled ? TAG.tileByteCounts : TAG.stripByteCounts) ??
    fail(`the image has no ${kind} byte counts`);
  if (offsets.length !== needed || counts.length !== needed)
    fail(`the image has ${String(offsets.length)} ${kind}s where its size needs ${String(needed)}`);
  const uncompressed = firstOf(tags, TAG.compression, UNCOMPRESSED) === UNCOMPRESSED;
  const rowBytes = Math.ceil((blockWidth * (planes === 1 ? bands : 1) * bits) / 8);
  for (let i = 0; i < needed; i++) {
    const offset = offsets[i]!;
    const count = counts[i]!;
    if (count === 0) continue;
    if (offset + count > fileSize)
      fail(
        `${kind} ${String(i + 1)} of ${String(needed)} lies past the end of the file (bytes ${String(offset)} to ${String(offset + count)} of ${String(fileSize)}): the file is cut off`,
      );
    if (!uncompressed) continue;
    const row = Math.floor((i % (across * down)) / across) * blockRows;
    const need = rowBytes * (tiled ? blockRows : Math.min(blockRows, height - row));
    if (count < need)
      fail(
        `${kind} ${String(i + 1)} holds ${String(count)} bytes where the image needs ${String(need)} (uncompressed)`,
      );
  }
}

/**
 * Validates a GeoTIFF's header by range reads, without reading its pixels: byte order and magic,
 * the first image's size in samples (width x height x bands), sample type, its CRS from the GeoKey
 * directory, and its strips or tiles (as many as its size needs, within the file).
 * @param fileSize the object's size, bytes
 * @param maxSamples the most samples the image may hold
 * @throws RasterHeaderError naming what is wrong
 */
export async function readRasterHeader(
  read: ReadRange,
  fileSize: number,
  maxSamples: number,
): Promise<RasterHeader> {
  const head = await read(0, 16);
  if (head.length < 8) fail('the file is too short to be a TIFF');
  const order = String.fromCharCode(head[0]!, head[1]!);
  if (order !== 'II' && order !== 'MM') fail('not a TIFF: it does not start with II or MM');
  const little = order === 'II';
  const view = (bytes: Uint8Array) =>
    new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view(head).getUint16(2, little);
  if (magic !== 42 && magic !== 43)
    fail(`not a TIFF: its magic number is ${String(magic)}, not 42 or 43`);
  const big = magic === 43;
  const uint = (v: DataView, at: number, size: number): number =>
    size === 2
      ? v.getUint16(at, little)
      : size === 4
        ? v.getUint32(at, little)
        : Number(v.getBigUint64(at, little));
  const offsetSize = big ? 8 : 4;
  const ifdOffset = uint(view(head), big ? 8 : 4, offsetSize);
  if (ifdOffset < 8 || ifdOffset >= fileSize)
    fail('the TIFF header points past the end of the file');
  const countSize = big ? 8 : 2;
  const entrySize = big ? 20 : 12;
  const countBytes = await read(ifdOffset, countSize);
  if (countBytes.length < countSize) fail('the first image directory is cut off');
  const count = uint(view(countBytes), 0, countSize);
  if (count < 1 || count > 4096) fail(`the first image directory claims ${String(count)} entries`);
  const entries = await read(ifdOffset + countSize, count * entrySize);
  if (entries.length < count * entrySize) fail('the first image directory is cut off');
  const ev = view(entries);
  const tags: Tags = new Map();
  for (let i = 0; i < count; i++) {
    const at = i * entrySize;
    const tag = ev.getUint16(at, little);
    const type = ev.getUint16(at + 2, little);
    const n = uint(ev, at + 4, big ? 8 : 4);
    const size = TYPE_SIZES[type];
    if (!KNOWN_TAGS.has(tag) || size === undefined || (type !== 3 && type !== 4 && type !== 16))
      continue;
    if (n > (BLOCK_TAGS.has(tag) ? MAX_BLOCKS : MAX_VALUES))
      fail(`tag ${String(tag)} claims ${String(n)} values`);
    const inline = n * size <= offsetSize;
    const bytes = inline
      ? entries.subarray(at + (big ? 12 : 8), at + entrySize)
      : await read(uint(ev, at + (big ? 12 : 8), offsetSize), n * size);
    if (bytes.length < n * size) fail(`tag ${String(tag)}'s values lie past the end of the file`);
    const bv = view(bytes);
    tags.set(
      tag,
      Array.from({ length: n }, (_, k) => uint(bv, k * size, size)),
    );
  }
  const first = (tag: number, fallback?: number): number => firstOf(tags, tag, fallback);
  const width = first(TAG.width);
  const height = first(TAG.height);
  if (width < 1 || height < 1) fail(`the image is ${String(width)} x ${String(height)} pixels`);
  const bandCount = first(TAG.samplesPerPixel, 1);
  if (bandCount < 1 || bandCount > 65535) fail(`the image claims ${String(bandCount)} bands`);
  // Bands count: a small header can claim any number of them, each as large as the image.
  const samples = width * height * bandCount;
  if (samples > maxSamples)
    fail(
      `${String(width)} x ${String(height)} pixels x ${String(bandCount)} bands: ${String(samples)} samples is over the limit of ${String(maxSamples)}`,
    );
  const bits = first(TAG.bitsPerSample, 1);
  const format = first(TAG.sampleFormat, 1);
  const dataType = sampleType(bits, format);
  const keys =
    tags.get(TAG.geoKeyDirectory) ??
    fail('the image has no coordinate reference system (no GeoKey directory): it is not a GeoTIFF');
  let epsg: number | undefined;
  for (let k = 4; k + 3 < keys.length && k < 4 + 4 * (keys[3] ?? 0); k += 4) {
    const [id, location, , value] = keys.slice(k, k + 4);
    if (
      (id === PROJECTED_CRS_KEY || (id === GEOGRAPHIC_CRS_KEY && epsg === undefined)) &&
      location === 0
    )
      epsg = value;
  }
  if (epsg === undefined || epsg === USER_DEFINED)
    fail('the image has no EPSG coordinate reference system in its GeoKeys');
  checkBlocks(tags, width, height, bandCount, bits, fileSize);
  return { width, height, bandCount, dataType, epsg: epsg!, bigTiff: big };
}
