import type { DataType } from '../tiff/data-type.js';

/** One block to decode (decodeBlock), and the messages between the engine and its codec threads. */
export interface DecodeTask {
  kind: 'decode';
  compression: number;
  predictor: number;
  littleEndian: boolean;
  /** Bytes per decoded sample. */
  bytes: number;
  /**
   * Bits per sample in the file: bytes x 8, or fewer for NBITS data (packed, rows whole bytes),
   * 16 for half floats decoded to 4-byte floats.
   */
  bits: number;
  /** The JPEGTables tag, for JPEG blocks. */
  jpegTables: Uint8Array | null;
  /** What wraps a LERC block (LercParameters' second value: 0 none, 1 Deflate, 2 Zstandard). */
  lercWrap: number;
  /** Whether samples are floating point. */
  float: boolean;
  /** Samples per pixel in the block. */
  samples: number;
  width: number;
  rows: number;
  data: Uint8Array;
}

/** Where a decoded block's rows go: shared arrays the reader assembles a window in. */
export interface BlockPlacement {
  /** The block rows [firstRow, firstRow + count) land at window row destRow, column x0. */
  firstRow: number;
  count: number;
  destRow: number;
  x0: number;
  /** Pixels of each block row that fall inside the image. */
  span: number;
  destWidth: number;
  destLength: number;
  /** One per band wanted from this block: which sample, into which shared array. */
  targets: { sample: number; buffer: SharedArrayBuffer; byteOffset: number }[];
}

export interface DecodeIntoTask extends Omit<DecodeTask, 'kind'> {
  kind: 'decodeInto';
  placement: BlockPlacement;
}

/** Cuts one tile out of a shared strip, applies the predictor, compresses it and appends it to a spool. */
export interface EncodeTileTask {
  kind: 'encodeTile';
  predictor: number;
  level: number;
  dataType: DataType;
  samples: number;
  blockSize: number;
  strip: { buffer: SharedArrayBuffer; byteOffset: number; width: number; rows: number };
  /** First pixel column of the tile in the strip. */
  x0: number;
  /** What fills the tile past the image's right or bottom edge. */
  padValue: number;
  spool: { fd: number; end: BigInt64Array };
}

export type CodecTask = DecodeIntoTask | EncodeTileTask;

export type CodecReply =
  | { id: number; ok: true; position: number; length: number }
  | { id: number; ok: false; name: string; message: string };
