import type { S3Client } from '@aws-sdk/client-s3';
import type { BandMetadata } from '../reader/gdal-metadata.js';
import type { RasterReader } from '../reader/raster-reader.js';
import type { DataType, TypedArray } from '../tiff/data-type.js';
import type { CogOptions } from '../writer/cog-options.js';
import { saveCog } from '../writer/cog-sink.js';
import { CogWriter } from '../writer/cog-writer.js';
import { strips, type Strip } from './strips.js';

/** A per-pixel operation from some bands of one raster to a new raster. */
export interface Transform {
  /** Input bands to read, 0-based. */
  bands: number[];
  dataType: DataType;
  nodata: number | null;
  /** Output band descriptions; their count is the output's band count. */
  descriptions: string[];
  /** Fills one output array per output band from a strip of the input. */
  compute(strip: Strip, out: TypedArray[]): void;
}

export interface OutputOptions {
  s3?: S3Client;
  signal?: AbortSignal;
  /** Called with the fraction of rows done, 0 to 1. */
  onProgress?: (fraction: number) => void;
  cog?: Pick<CogOptions, 'blockSize' | 'level' | 'overviews' | 'bigTiff' | 'tempDir' | 'pool'>;
}

export interface OutputSummary {
  location: string;
  bytes: number;
  sha256: string;
  bigTiff: boolean;
  width: number;
  height: number;
}

/** Streams the raster through the transform into a COG at `destination` (path or s3:// URL). */
export async function transformToCog(
  reader: RasterReader,
  transform: Transform,
  destination: string,
  options: OutputOptions = {},
): Promise<OutputSummary> {
  const { info } = reader;
  const bands: BandMetadata[] = transform.descriptions.map((description) => ({
    description,
    scale: 1,
    offset: 0,
  }));
  const writer = await CogWriter.create({
    ...options.cog,
    width: info.width,
    height: info.height,
    bandCount: bands.length,
    dataType: transform.dataType,
    nodata: transform.nodata,
    georeference: info.georeference,
    bands,
  });
  try {
    const stripRows = options.cog?.blockSize ?? 512;
    for await (const strip of strips(reader, transform.bands, stripRows, options.signal)) {
      await writer.writeWith(strip.rows, (out) => {
        transform.compute(strip, out);
      });
      options.onProgress?.((strip.row + strip.rows) / info.height);
    }
  } catch (error) {
    await writer.abort();
    throw error;
  }
  const output = await writer.finish();
  const { sha256 } = await saveCog(output, destination, {
    ...(options.s3 ? { s3: options.s3 } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  return {
    location: destination,
    bytes: output.size,
    sha256,
    bigTiff: output.bigTiff,
    width: info.width,
    height: info.height,
  };
}
