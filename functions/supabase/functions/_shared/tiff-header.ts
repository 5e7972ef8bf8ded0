/** What a dataset's header says, recorded when its upload completes. */
export interface RasterHeader {
  width: number;
  height: number;
  bandCount: number;
  dataType: string;
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
  samplesPerPixel: 277,
  sampleFormat: 339,
  geoKeyDirectory: 34735,
} as const;
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
const DATA_TYPES: Record<string, string> = {
  '1:8': 'Byte',
  '1:16': 'UInt16',
  '1:32': 'UInt32',
  '2:8': 'Int8',
  '2:16': 'Int16',
  '2:32': 'Int32',
  '3:32': 'Float32',
  '3:64': 'Float64',
};
const PROJECTED_CRS_KEY = 3072;
const GEOGRAPHIC_CRS_KEY = 2048;
const USER_DEFINED = 32767;

const fail = (message: string): never => {
  throw new RasterHeaderError(message);
};

/**
 * Validates a GeoTIFF's header by range reads, without reading its pixels: byte order and magic,
 * the first image's size, bands, sample type and its CRS from the GeoKey directory.
 */
export async function readRasterHeader(
  read: ReadRange,
  fileSize: number,
  maxPixels: number,
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
  const tags = new Map<number, number[]>();
  for (let i = 0; i < count; i++) {
    const at = i * entrySize;
    const tag = ev.getUint16(at, little);
    const type = ev.getUint16(at + 2, little);
    const n = uint(ev, at + 4, big ? 8 : 4);
    const size = TYPE_SIZES[type];
    if (
      !Object.values(TAG).includes(tag as never) ||
      size === undefined ||
      (type !== 3 && type !== 4 && type !== 16)
    )
      continue;
    if (n > 65536) fail(`tag ${String(tag)} claims ${String(n)} values`);
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
  const first = (tag: number, fallback?: number): number =>
    tags.get(tag)?.[0] ?? fallback ?? fail(`the image has no tag ${String(tag)}`);
  const width = first(TAG.width);
  const height = first(TAG.height);
  if (width < 1 || height < 1) fail(`the image is ${String(width)} x ${String(height)} pixels`);
  if (width * height > maxPixels)
    fail(`${String(width)} x ${String(height)} pixels is over the limit of ${String(maxPixels)}`);
  const bandCount = first(TAG.samplesPerPixel, 1);
  if (bandCount < 1 || bandCount > 65535) fail(`the image claims ${String(bandCount)} bands`);
  const bits = first(TAG.bitsPerSample, 1);
  const format = first(TAG.sampleFormat, 1);
  const dataType =
    DATA_TYPES[`${String(format)}:${String(bits)}`] ??
    fail(`samples of ${String(bits)} bits in format ${String(format)} are not supported`);
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
  return { width, height, bandCount, dataType, epsg: epsg!, bigTiff: big };
}
