import type { S3Client } from '@aws-sdk/client-s3';
import { fromCustomClient, type GeoTIFF, type ImageFileDirectory } from 'geotiff';
import { CodecPool } from '../codec/codec-pool.js';
import { SharedScratch } from '../codec/shared-scratch.js';
import type { ByteSource } from '../source/byte-source.js';
import { openByteSource } from '../source/open-source.js';
import { ByteSourceClient } from '../source/geotiff-client.js';
import { compressionName } from '../tiff/compression-names.js';
import { createSharedArray, type TypedArray } from '../tiff/data-type.js';
import { COMPRESSION, PHOTOMETRIC, TAG } from '../tiff/tags.js';
import { alphaMaskBand } from './alpha.js';
import { decodeWindowInto } from './block-rows.js';
import { colorInterpretations, parseGdalMetadata, parseNodata } from './gdal-metadata.js';
import { epsgOf, geoTransformOf, type Georeference } from './georeference.js';
import {
  InvalidRasterError,
  numberValues,
  readImageLayout,
  type ImageLayout,
} from './image-layout.js';
import { nodataMasks, reportedNodata, sparseFill } from './nodata.js';
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

/** Buffers that `readRows` reuses from call to call: `rows` whole rows of each of `bandCount` bands. */
export interface ReadBuffers {
  into: TypedArray[];
  scratch: SharedScratch;
}

/** Allocates {@link ReadBuffers} for windows of at most `rows` rows of `reader`'s raster. */
export function readBuffers(reader: RasterReader, bandCount: number, rows: number): ReadBuffers {
  return {
    into: Array.from({ length: bandCount }, () =>
      createSharedArray(reader.info.dataType, reader.info.width * rows),
    ),
    scratch: new SharedScratch(),
  };
}

export interface RowWindow {
  /** One array per requested band, width x rows samples, in the raster's data type. */
  bands: TypedArray[];
  /**
   * One per requested band, width x rows: 1 where the band's mask marks a pixel valid, 0 where
   * not; null for a band without a mask. The mask is GDAL's: the internal (per-dataset) mask, an
   * absent block of it masked; else, without nodata, an alpha band GDAL takes as mask (for the
   * other bands).
   */
  masks: (Uint8Array | null)[];
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
    const gdalMetadata = await asciiTag(main, TAG.GdalMetadata);
    const bandMeta = parseGdalMetadata(gdalMetadata, layout.samplesPerPixel);
    const nodata = reportedNodata(
      layout.dataType,
      parseNodata(await asciiTag(main, TAG.GdalNodata)),
    );
    const alphaBand =
      maskLayout || nodataMasks(layout.dataType, nodata)
        ? null
        : alphaMaskBand(layout, colorInterpretations(gdalMetadata, layout.samplesPerPixel));
    const photometric = (await numberValues(main, TAG.Photometric))?.[0];
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
      compression:
        layout.compression === COMPRESSION.jpeg && photometric === PHOTOMETRIC.ycbcr
          ? 'YCbCr JPEG'
          : compressionName(layout.compression),
      predictor: layout.predictor,
      bigTiff: tiff.bigTiff,
      epsg: epsgOf(georeference),
      geoTransform: geoTransformOf(georeference),
      nodata,
      hasMask: maskLayout !== undefined || alphaBand !== null,
      bands: bandMeta.map((band, i) => ({ index: i + 1, ...band })),
      overviews: overviews.map(({ width, height }) => ({ width, height })),
      georeference,
    };
    return new RasterReader(source, tiff.littleEndian, layout, info, pool, {
      layout: maskLayout ?? null,
      alphaBand,
    });
  }

  private constructor(
    private readonly source: ByteSource,
    private readonly littleEndian: boolean,
    private readonly layout: ImageLayout,
    readonly info: RasterInfo,
    private readonly pool: CodecPool,
    private readonly mask: { layout: ImageLayout | null; alphaBand: number | null },
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
    const { alphaBand } = this.mask;
    // The alpha band masks the others: read it alongside them when it was not asked for.
    const alphaAt = alphaBand === null ? -1 : bands.indexOf(alphaBand);
    const needsAlpha = alphaBand !== null && bands.some((band) => band !== alphaBand);
    const alpha =
      needsAlpha && alphaAt < 0 ? createSharedArray(this.layout.dataType, width * rows) : null;
    const window = {
      row,
      rows,
      bands: alpha ? [...bands, alphaBand!] : bands,
      out: alpha ? [...out, alpha] : out,
      fill: sparseFill(this.layout.dataType, this.info.nodata),
    };
    const [, internal] = await Promise.all([
      decodeWindowInto(
        this.source,
        this.pool,
        this.layout,
        this.littleEndian,
        window,
        signal,
        options.scratch,
      ),
      this.mask.layout ? this.readMask(this.mask.layout, row, rows, signal) : null,
    ]);
    const alphaMask = needsAlpha ? nonZero(alpha ?? out[alphaAt]!, width * rows) : null;
    return {
      bands: out,
      masks: bands.map((band) => internal ?? (band === alphaBand ? null : alphaMask)),
    };
  }

  async close(): Promise<void> {
    await this.source.close();
  }

  /** The internal mask's rows as 1 (valid) and 0; an absent block of the mask reads as 0, as GDAL reads it. */
  private async readMask(
    layout: ImageLayout,
    row: number,
    rows: number,
    signal?: AbortSignal,
  ): Promise<Uint8Array> {
    const mask = new Uint8Array(new SharedArrayBuffer(layout.width * rows));
    const window = { row, rows, bands: [0], out: [mask], fill: 0 };
    await decodeWindowInto(this.source, this.pool, layout, this.littleEndian, window, signal);
    // A 1-bit mask decodes to 0 and 1, an 8-bit one to 0 and 255.
    for (let i = 0; i < mask.length; i++) if (mask[i] !== 0) mask[i] = 1;
    return mask;
  }
}

/** 1 where a sample is not 0 (an alpha band's valid pixels), else 0. */
function nonZero(values: TypedArray, count: number): Uint8Array {
  const mask = new Uint8Array(count);
  for (let i = 0; i < count; i++) mask[i] = values[i] === 0 ? 0 : 1;
  return mask;
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
