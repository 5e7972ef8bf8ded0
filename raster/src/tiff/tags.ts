/** TIFF, GeoTIFF and GDAL tag numbers the engine reads or writes. */
export const TAG = {
  NewSubfileType: 254,
  ImageWidth: 256,
  ImageLength: 257,
  BitsPerSample: 258,
  Compression: 259,
  Photometric: 262,
  StripOffsets: 273,
  SamplesPerPixel: 277,
  RowsPerStrip: 278,
  StripByteCounts: 279,
  PlanarConfiguration: 284,
  Predictor: 317,
  TileWidth: 322,
  TileLength: 323,
  TileOffsets: 324,
  TileByteCounts: 325,
  ExtraSamples: 338,
  SampleFormat: 339,
  JpegTables: 347,
  ModelPixelScale: 33550,
  ModelTiepoint: 33922,
  ModelTransformation: 34264,
  GeoKeyDirectory: 34735,
  GeoDoubleParams: 34736,
  GeoAsciiParams: 34737,
  GdalMetadata: 42112,
  GdalNodata: 42113,
  LercParameters: 50674,
} as const;

/** TIFF field types. */
export const FIELD = {
  ASCII: 2,
  SHORT: 3,
  LONG: 4,
  DOUBLE: 12,
  LONG8: 16,
} as const;

/** Compression codes. */
export const COMPRESSION = {
  none: 1,
  lzw: 5,
  deflate: 8,
  jpeg: 7,
  packbits: 32773,
  deflateOld: 32946,
  zstd: 50000,
  lerc: 34887,
} as const;

/** PhotometricInterpretation values the engine tells apart. */
export const PHOTOMETRIC = { minIsBlack: 1, rgb: 2, ycbcr: 6 } as const;

export const PREDICTOR = { none: 1, horizontal: 2, floatingPoint: 3 } as const;
