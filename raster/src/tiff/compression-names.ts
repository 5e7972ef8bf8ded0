import { COMPRESSION } from './tags.js';

/** TIFF compression codes by the names GDAL and libtiff give them. */
const NAMES: Record<number, string> = {
  [COMPRESSION.none]: 'NONE',
  2: 'CCITT RLE',
  3: 'CCITT Group 3',
  4: 'CCITT Group 4',
  [COMPRESSION.lzw]: 'LZW',
  6: 'old-style JPEG',
  [COMPRESSION.jpeg]: 'JPEG',
  [COMPRESSION.deflate]: 'DEFLATE',
  [COMPRESSION.deflateOld]: 'DEFLATE',
  [COMPRESSION.packbits]: 'PACKBITS',
  34661: 'JBIG',
  34676: 'SGILog',
  34677: 'SGILog24',
  34712: 'JPEG 2000',
  34887: 'LERC',
  34925: 'LZMA',
  [COMPRESSION.zstd]: 'ZSTD',
  50001: 'WebP',
  50002: 'JPEG XL',
};

/** A compression's name (`LERC`, `CCITT Group 4`), or `code N` for one TIFF does not register. */
export function compressionName(code: number): string {
  return NAMES[code] ?? `code ${String(code)}`;
}
