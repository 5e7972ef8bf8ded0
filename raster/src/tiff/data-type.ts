import { DATA_TYPES, SAMPLE_FORMAT, type DataType } from '@harita/contracts';

export { DATA_TYPES, SAMPLE_FORMAT, type DataType };

export type TypedArray =
  | Uint8Array
  | Int8Array
  | Uint16Array
  | Int16Array
  | Uint32Array
  | Int32Array
  | Float32Array
  | Float64Array;

interface DataTypeInfo {
  bytes: number;
  sampleFormat: number;
  float: boolean;
  create: (length: number) => TypedArray;
  view: (buffer: ArrayBufferLike, byteOffset?: number, length?: number) => TypedArray;
}

const INFO: Record<DataType, DataTypeInfo> = {
  Byte: info(1, SAMPLE_FORMAT.uint, Uint8Array),
  Int8: info(1, SAMPLE_FORMAT.int, Int8Array),
  UInt16: info(2, SAMPLE_FORMAT.uint, Uint16Array),
  Int16: info(2, SAMPLE_FORMAT.int, Int16Array),
  UInt32: info(4, SAMPLE_FORMAT.uint, Uint32Array),
  Int32: info(4, SAMPLE_FORMAT.int, Int32Array),
  Float32: info(4, SAMPLE_FORMAT.float, Float32Array),
  Float64: info(8, SAMPLE_FORMAT.float, Float64Array),
};

interface TypedArrayConstructor {
  new (length: number): TypedArray;
  new (buffer: ArrayBufferLike, byteOffset?: number, length?: number): TypedArray;
}

function info(bytes: number, sampleFormat: number, ctor: TypedArrayConstructor): DataTypeInfo {
  return {
    bytes,
    sampleFormat,
    float: sampleFormat === SAMPLE_FORMAT.float,
    create: (length) => new ctor(length),
    view: (buffer, byteOffset, length) => new ctor(buffer, byteOffset, length),
  };
}

export function bytesPerSample(type: DataType): number {
  return INFO[type].bytes;
}

export function isFloat(type: DataType): boolean {
  return INFO[type].float;
}

export function sampleFormatOf(type: DataType): number {
  return INFO[type].sampleFormat;
}

export function createArray(type: DataType, length: number): TypedArray {
  return INFO[type].create(length);
}

/** An array over shared memory, which codec threads can fill in place. */
export function createSharedArray(type: DataType, length: number): TypedArray {
  return INFO[type].view(new SharedArrayBuffer(length * INFO[type].bytes));
}

export function viewArray(
  type: DataType,
  buffer: ArrayBufferLike,
  byteOffset = 0,
  length?: number,
): TypedArray {
  return INFO[type].view(buffer, byteOffset, length);
}

export function parseDataType(name: string): DataType {
  const found = DATA_TYPES.find((type) => type.toLowerCase() === name.toLowerCase());
  if (found === undefined)
    throw new RangeError(`unknown data type "${name}"; one of ${DATA_TYPES.join(', ')}`);
  return found;
}

/** The range a type can hold, used to clamp results written into integer outputs. */
export function rangeOf(type: DataType): readonly [number, number] {
  switch (type) {
    case 'Byte':
      return [0, 255];
    case 'Int8':
      return [-128, 127];
    case 'UInt16':
      return [0, 65535];
    case 'Int16':
      return [-32768, 32767];
    case 'UInt32':
      return [0, 4294967295];
    case 'Int32':
      return [-2147483648, 2147483647];
    case 'Float32':
      return [-3.4028234663852886e38, 3.4028234663852886e38];
    case 'Float64':
      return [-Number.MAX_VALUE, Number.MAX_VALUE];
  }
}
