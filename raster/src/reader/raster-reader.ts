import type { S3Client } from '@aws-sdk/client-s3';
import { fromCustomClient, type GeoTIFF, type ImageFileDirectory } from 'geotiff';
import { CodecPool } from '../codec/codec-pool.js';
import type { SharedScratch } from '../codec/shared-scratch.js';
import type { ByteSource } from '../source/byte-source.js';
import { openByteSource } from '../source/open-source.js';
import { ByteSourceClient } from '../source/geotiff-client.js';
import { createSharedArray, isFloat, type TypedArray } from '../tiff/data-type.js';
import { TAG } from '../tiff/tags.js';
import { decodeBlockRow, decodeWindowInto } from './block-rows.js';
import { parseGdalMetadata, parseNodata } from './gdal-metadata.js';
import { epsgOf, geoTransformOf, type Georeference } from './georeference.js';
import {
  blockRowsUnder,
  COMPRESSION_NAMES,
  InvalidRasterError,
  numberValues,
  readImageLayout,
  type ImageLayout,
} from './image-layout.js';
import type { RasterInfo } from './raster-info.js';

export interface OpenRasterOptions {
  /** Needed for s3:// locations. */
  s3?: S3Client;
  signal?: AbortSignal;
  pool?: CodecPool;
  /** Widest raster accepted: a row strip of it must fit in memory (default 200 000 pixels). */
  maxWidth?: number;
}

export interface ReadRowsOptions {
  signal?: AbortSignal;
  /** Arrays over shared memory (createSharedArray), width x rows samples each, to read into. */
  into?: readonly TypedArray[];
  /** Where compressed blocks wait for the codec threads; reused from call to call. */
  scratch?: SharedScratch;
}

export interface RowWindow {
  /** One array per requested band, width x rows samples, in the raster's data type. */
  bands: TypedArray[];
  /** 1 where the raster's mask marks a pixel valid, 0 where not; null without a mask. */
  mask: Uint8Array | null;
}

const MAX_IMAGES = 64;
const MASK = 4;
const REDUCED = 1;

/** A GeoTIFF or COG opened for reading rows of pixels, block by block, locally or over S3. */
export class RasterReader {
  static async open(location: string, options: OpenRasterOptions = {}): Promise<RasterReader> {
    const source = await openByteSource(location, options.s3);
    try {
      return await RasterReader.fromSource(source, options);
    } catch (error) {
      await source.close();
      throw error;
    }
  }

  static async fromSource(
    source: ByteSource,
    options: OpenRasterOptions = {},
  ): Promise<RasterReader> {
    const pool = options.pool ?? CodecPool.shared();
    pool.warm();
    let tiff: GeoTIFF;
    const ifds: ImageFileDirectory[] = [];
    try {
      tiff = await fromCustomClient(new ByteSourceClient(source), {}, options.signal);
      const count = await tiff.getImageCount();
      for (let i = 0; i < Math.min(count, MAX_IMAGES); i++) ifds.push(await tiff.requestIFD(i));
    } catch (error) {
      if (error instanceof InvalidRasterError) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      throw new InvalidRasterError(`${source.name}: not a readable TIFF (${reason})`);
    }
    const main = ifds[0];
    if (!main) throw new InvalidRasterError(`${source.name}: the TIFF has no image`);
    const layout = await readImageLayout(main, source.name, source.size);
    const maxWidth = options.maxWidth ?? 200_000;
    if (layout.width > maxWidth) {
      throw new InvalidRasterError(
        `${source.name}: ${String(layout.width)} pixels wide is more than the ${String(maxWidth)} accepted`,
      );
    }
    const others = await Promise.all(
      ifds.slice(1).map((ifd) => readImageLayout(ifd, source.name, source.size)),
    );
    const maskLayout = others.find(
      (other) =>
        (other.subfileType & MASK) !== 0 &&
        other.width === layout.width &&
        other.height === layout.height,
    );
    const overviews = others.filter(
      (other) => (other.subfileType & MASK) === 0 && (other.subfileType & REDUCED) !== 0,
    );
    const georeference = await readGeoreference(main);
    const bandMeta = parseGdalMetadata(
      await asciiTag(main, TAG.GdalMetadata),
      layout.samplesPerPixel,
    );
    const info: RasterInfo = {
      source: source.name,
      bytes: source.size,
      width: layout.width,
      height: layout.height,
      bandCount: layout.samplesPerPixel,
      dataType: layout.dataType,
      blockWidth: layout.blockWidth,
      blockHeight: layout.blockHeight,
      tiled: layout.tiled,
      interleave: layout.planarConfiguration === 2 ? 'band' : 'pixel',
      compression: COMPRESSION_NAMES[layout.compression] ?? String(layout.compression),
      predictor: layout.predictor,
      bigTiff: tiff.bigTiff,
      epsg: epsgOf(georeference),
      geoTransform: geoTransformOf(georeference),
      nodata: parseNodata(await asciiTag(main, TAG.GdalNodata)),
      hasMask: maskLayout !== undefined,
      bands: bandMeta.map((band, i) => ({ index: i + 1, ...band })),
      overviews: overviews.map(({ width, height }) => ({ width, height })),
      georeference,
    };
    return new RasterReader(source, tiff.littleEndian, layout, maskLayout ?? null, info, pool);
  }

  private constructor(
    private readonly source: ByteSource,
    private readonly littleEndian: boolean,
    private readonly layout: ImageLayout,
    private readonly maskLayout: ImageLayout | null,
    readonly info: RasterInfo,
    private readonly pool: CodecPool,
  ) {}

  /** Reads rows [row, row + rows) of the given 0-based bands. */
  async readRows(
    row: number,
    rows: number,
    bands: readonly number[],
    options: ReadRowsOptions = {},
  ): Promise<RowWindow> {
    const { signal, into } = options;
    const { width, height, samplesPerPixel } = this.layout;
    if (!(
      Number.isInteger(row) &&
      Number.isInteger(rows) &&
      row >= 0 &&
      rows >= 1 &&
      row + rows <= height
    )) {
      throw new RangeError(
        `rows ${String(row)}..${String(row + rows)} are outside 0..${String(height)}`,
      );
    }
    for (const band of bands) {
      if (!(Number.isInteger(band) && band >= 0 && band < samplesPerPixel)) {
        throw new RangeError(
          `${this.info.source} has ${String(samplesPerPixel)} bands; band ${String(band + 1)} does not exist`,
        );
      }
    }
    const out =
      into?.map((array) => array.subarray(0, width * rows)) ??
      bands.map(() => createSharedArray(this.layout.dataType, width * rows));
    if (
      out.length !== bands.length ||
      out.some(
        (array) => array.length < width * rows || !(array.buffer instanceof SharedArrayBuffer),
      )
    ) {
      throw new RangeError('readRows needs one shared array of width x rows samples per band');
    }
    const fill = this.info.nodata ?? 0;
    const window = {
      row,
      rows,
      bands,
      out,
      fill: Number.isNaN(fill) && !isFloat(this.layout.dataType) ? 0 : fill,
    };
    await decodeWindowInto(
      this.source,
      this.pool,
      this.layout,
      this.littleEndian,
      window,
      signal,
      options.scratch,
    );
    return { bands: out, mask: this.maskLayout ? await this.readMask(row, rows, signal) : null };
  }

  async close(): Promise<void> {
    await this.source.close();
  }

  private async readMask(row: number, rows: number, signal?: AbortSignal): Promise<Uint8Array> {
    const layout = this.maskLayout!;
    const mask = new Uint8Array(layout.width * rows);
    const rowBytes =
      layout.bitsPerSample === 1 ? Math.ceil(layout.blockWidth / 8) : layout.blockWidth;
    const spans = blockRowsUnder(layout, row, rows);
    const decoded = spans.map(({ blockRow }) =>
      decodeBlockRow(this.source, this.pool, layout, this.littleEndian, blockRow, [0], signal),
    );
    for (const [i, { firstRow, count, destRow }] of spans.entries()) {
      const blocks = (await decoded[i]!)[0]!;
      blocks.forEach((block, col) => {
        const x0 = col * layout.blockWidth;
        const span = Math.min(layout.blockWidth, layout.width - x0);
        for (let r = 0; r < count; r++) {
          const target = (destRow + r) * layout.width + x0;
          const from = (firstRow + r) * rowBytes;
          for (let x = 0; x < span; x++) {
            const valid =
              block === null
                ? 1
                : layout.bitsPerSample === 1
                  ? (block[from + (x >> 3)]! >> (7 - (x & 7))) & 1
                  : block[from + x]! > 0
                    ? 1
                    : 0;
            mask[target + x] = valid;
          }
        }
      });
    }
    return mask;
  }
}

async function asciiTag(ifd: ImageFileDirectory, tag: number): Promise<string | undefined> {
  const value: unknown = await ifd.loadValue(tag);
  return typeof value === 'string' ? value : undefined;
}

async function readGeoreference(ifd: ImageFileDirectory): Promise<Georeference> {
  const georef: Georeference = {};
  const keys = await numberValues(ifd, TAG.GeoKeyDirectory);
  if (keys) georef.geoKeyDirectory = keys;
  const doubles = await numberValues(ifd, TAG.GeoDoubleParams);
  if (doubles) georef.geoDoubleParams = doubles;
  const ascii = await asciiTag(ifd, TAG.GeoAsciiParams);
  if (ascii !== undefined) georef.geoAsciiParams = ascii;
  const scale = await numberValues(ifd, TAG.ModelPixelScale);
  if (scale) georef.pixelScale = scale;
  const tiepoint = await numberValues(ifd, TAG.ModelTiepoint);
  if (tiepoint) georef.tiepoint = tiepoint;
  const transformation = await numberValues(ifd, TAG.ModelTransformation);
  if (transformation) georef.transformation = transformation;
  return georef;
}
