import { FIELD } from '../tiff/tags.js';

/** One TIFF field to write: numbers of a type, or an ASCII string. */
export interface Field {
  tag: number;
  type: number;
  values: readonly number[] | string;
}

const TYPE_SIZE: Record<number, number> = {
  [FIELD.ASCII]: 1,
  [FIELD.SHORT]: 2,
  [FIELD.LONG]: 4,
  [FIELD.DOUBLE]: 8,
  [FIELD.LONG8]: 8,
};

function count(field: Field): number {
  return typeof field.values === 'string'
    ? Buffer.byteLength(field.values, 'latin1') + 1
    : field.values.length;
}

function payloadSize(field: Field): number {
  return count(field) * TYPE_SIZE[field.type]!;
}

/** Bytes one IFD takes, its out-of-line values included. */
export function directorySize(fields: readonly Field[], bigTiff: boolean): number {
  const inline = bigTiff ? 8 : 4;
  const fixed = (bigTiff ? 8 : 2) + fields.length * (bigTiff ? 20 : 12) + (bigTiff ? 8 : 4);
  let extra = 0;
  for (const field of fields) {
    const size = payloadSize(field);
    if (size > inline) extra += size + (size % 2);
  }
  return fixed + extra;
}

export function fileHeaderSize(bigTiff: boolean): number {
  return bigTiff ? 16 : 8;
}

/** The little-endian header followed by the IFDs, chained in order, starting right after it. */
export function encodeHeader(
  directories: readonly (readonly Field[])[],
  bigTiff: boolean,
): Uint8Array {
  const headerSize = fileHeaderSize(bigTiff);
  const total =
    headerSize + directories.reduce((sum, fields) => sum + directorySize(fields, bigTiff), 0);
  const bytes = new Uint8Array(total);
  const view = new DataView(bytes.buffer);
  view.setUint16(0, 0x4949, true);
  if (bigTiff) {
    view.setUint16(2, 43, true);
    view.setUint16(4, 8, true);
    view.setUint16(6, 0, true);
    view.setBigUint64(8, BigInt(headerSize), true);
  } else {
    view.setUint16(2, 42, true);
    view.setUint32(4, headerSize, true);
  }
  let at = headerSize;
  directories.forEach((fields, index) => {
    const size = directorySize(fields, bigTiff);
    const next = index + 1 < directories.length ? at + size : 0;
    writeDirectory(view, bytes, at, fields, bigTiff, next);
    at += size;
  });
  return bytes;
}

function writeDirectory(
  view: DataView,
  bytes: Uint8Array,
  start: number,
  unsorted: readonly Field[],
  bigTiff: boolean,
  next: number,
): void {
  const fields = [...unsorted].sort((a, b) => a.tag - b.tag);
  const inline = bigTiff ? 8 : 4;
  const entrySize = bigTiff ? 20 : 12;
  let at = start;
  if (bigTiff) view.setBigUint64(at, BigInt(fields.length), true);
  else view.setUint16(at, fields.length, true);
  at += bigTiff ? 8 : 2;
  let overflow = at + fields.length * entrySize + (bigTiff ? 8 : 4);
  for (const field of fields) {
    view.setUint16(at, field.tag, true);
    view.setUint16(at + 2, field.type, true);
    if (bigTiff) view.setBigUint64(at + 4, BigInt(count(field)), true);
    else view.setUint32(at + 4, count(field), true);
    const valueAt = at + (bigTiff ? 12 : 8);
    const size = payloadSize(field);
    if (size <= inline) {
      writeValues(view, bytes, valueAt, field);
    } else {
      if (bigTiff) view.setBigUint64(valueAt, BigInt(overflow), true);
      else view.setUint32(valueAt, overflow, true);
      writeValues(view, bytes, overflow, field);
      overflow += size + (size % 2);
    }
    at += entrySize;
  }
  if (bigTiff) view.setBigUint64(at, BigInt(next), true);
  else view.setUint32(at, next, true);
}

function writeValues(view: DataView, bytes: Uint8Array, at: number, field: Field): void {
  if (typeof field.values === 'string') {
    bytes.set(Buffer.from(field.values, 'latin1'), at);
    return;
  }
  const size = TYPE_SIZE[field.type]!;
  field.values.forEach((value, i) => {
    const p = at + i * size;
    switch (field.type) {
      case FIELD.SHORT:
        view.setUint16(p, value, true);
        break;
      case FIELD.LONG:
        view.setUint32(p, value, true);
        break;
      case FIELD.DOUBLE:
        view.setFloat64(p, value, true);
        break;
      case FIELD.LONG8:
        view.setBigUint64(p, BigInt(value), true);
        break;
      default:
        throw new RangeError(`cannot write TIFF field type ${String(field.type)}`);
    }
  });
}
