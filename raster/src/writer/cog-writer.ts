import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { CodecPool } from '../codec/codec-pool.js';
import { formatGdalMetadata, formatNodata } from '../reader/gdal-metadata.js';
import {
  bytesPerSample,
  createArray,
  createSharedArray,
  isFloat,
  sampleFormatOf,
  type TypedArray,
} from '../tiff/data-type.js';
import { COMPRESSION, FIELD, PREDICTOR, TAG } from '../tiff/tags.js';
import { checkCogOptions, type CogOptions } from './cog-options.js';
import { Downsampler, type Rows } from './downsample.js';
import { levelSizes } from './overview-levels.js';
import { TileSpool } from './tile-spool.js';
import { directorySize, encodeHeader, fileHeaderSize, type Field } from './tiff-directory.js';

interface Level {
  width: number;
  height: number;
  tilesAcross: number;
  /**
   * Two strips of blockSize rows, pixel-interleaved, over shared memory: ring[current] fills
   * while codec threads still read the other.
   */
  ring: [TypedArray, TypedArray];
  /** Per ring strip: settles once no codec thread reads it any more. */
  busy: [Promise<unknown>, Promise<unknown>];
  current: 0 | 1;
  stripRows: number;
  rowsDone: number;
  spool: TileSpool;
  /** Strips emitted so far, to number their tiles. */
  stripsDone: number;
  downsampler: Downsampler | null;
}

export interface CogOutput {
  /** The whole file, in order: header and IFDs, then overview tiles smallest first, then the image. */
  stream: Readable;
  size: number;
  bigTiff: boolean;
}

const CLASSIC_LIMIT = 0xffffffff;

/**
 * Writes a Cloud-Optimized GeoTIFF in one pass over the rows, in bounded memory. Hand-written
 * because no JavaScript library writes tiled, compressed COGs with overviews (geotiff.js writes
 * only uncompressed strips): rows go in, full strips are cut into tiles, compressed on the codec
 * pool and spooled to disk per level while overviews are halved from them on the way.
 */
export class CogWriter {
  static async create(options: CogOptions): Promise<CogWriter> {
    checkCogOptions(options);
    const dir = await mkdtemp(join(options.tempDir ?? tmpdir(), 'harita-cog-'));
    try {
      const blockSize = options.blockSize ?? 512;
      const sizes =
        options.overviews === 'none'
          ? levelSizes(options.width, options.height, Number.MAX_SAFE_INTEGER)
          : levelSizes(options.width, options.height, blockSize);
      const levels: Level[] = [];
      for (const [index, size] of sizes.entries()) {
        const ring: [TypedArray, TypedArray] = [
          createSharedArray(options.dataType, size.width * blockSize * options.bandCount),
          createSharedArray(options.dataType, size.width * blockSize * options.bandCount),
        ];
        levels.push({
          ...size,
          tilesAcross: Math.ceil(size.width / blockSize),
          ring,
          busy: [Promise.resolve(), Promise.resolve()],
          current: 0,
          stripRows: 0,
          rowsDone: 0,
          spool: await TileSpool.create(
            join(dir, `level-${String(index)}`),
            Math.ceil(size.width / blockSize) * Math.ceil(size.height / blockSize),
          ),
          stripsDone: 0,
          downsampler:
            index + 1 < sizes.length
              ? new Downsampler(
                  size.width,
                  options.bandCount,
                  options.dataType,
                  options.overviews === 'nearest' ? 'nearest' : 'average',
                  options.nodata ?? null,
                )
              : null,
        });
      }
      return new CogWriter(options, dir, levels);
    } catch (error) {
      await rm(dir, { recursive: true, force: true });
      throw error;
    }
  }

  private readonly blockSize: number;
  private readonly predictor: number;
  private readonly pool: CodecPool;
  private readonly padValue: number;
  private finished = false;

  private constructor(
    private readonly options: CogOptions,
    private readonly dir: string,
    private readonly levels: Level[],
  ) {
    this.blockSize = options.blockSize ?? 512;
    this.predictor =
      options.predictor ??
      (isFloat(options.dataType) ? PREDICTOR.floatingPoint : PREDICTOR.horizontal);
    this.pool = options.pool ?? CodecPool.shared();
    const nodata = options.nodata ?? null;
    this.padValue = nodata === null ? 0 : nodata;
  }

  get rowsWritten(): number {
    const main = this.levels[0]!;
    return main.rowsDone + main.stripRows;
  }

  /**
   * Appends rows: one array per band, each width x rows samples. The arrays are copied before this
   * returns its promise, so the caller may reuse them. Resolves when there is room for more.
   */
  async writeRows(bands: readonly TypedArray[], rows: number): Promise<void> {
    const { width, height, bandCount } = this.options;
    if (this.finished) throw new Error('the COG is already finished');
    if (bands.length !== bandCount)
      throw new RangeError(`${String(bands.length)} bands given, ${String(bandCount)} expected`);
    if (!(Number.isInteger(rows) && rows >= 1 && this.rowsWritten + rows <= height)) {
      throw new RangeError(`${String(rows)} more rows would pass the image's ${String(height)}`);
    }
    for (const band of bands) {
      if (band.length < width * rows)
        throw new RangeError(
          `a band holds ${String(band.length)} samples, ${String(width * rows)} needed`,
        );
    }
    let done = 0;
    while (done < rows) {
      const main = this.levels[0]!;
      const take = Math.min(rows - done, this.blockSize - main.stripRows);
      if (bandCount === 1) {
        stripOf(main).set(
          bands[0]!.subarray(done * width, (done + take) * width),
          main.stripRows * width,
        );
      } else {
        interleave(
          bands,
          stripOf(main),
          done * width,
          main.stripRows * width * bandCount,
          take * width,
          bandCount,
        );
      }
      main.stripRows += take;
      done += take;
      await this.afterFill(0);
    }
  }

  /**
   * Appends `rows` rows that `fill` writes: one array per band of width x rows samples. For one
   * band, `fill` writes straight into the strip being built, saving a copy of every pixel.
   */
  async writeWith(rows: number, fill: (bands: TypedArray[]) => void): Promise<void> {
    const { width, height, bandCount, dataType } = this.options;
    const main = this.levels[0]!;
    const direct =
      bandCount === 1 &&
      rows <= this.blockSize - main.stripRows &&
      this.rowsWritten + rows <= height;
    if (!direct || this.finished || !(Number.isInteger(rows) && rows >= 1)) {
      const bands = Array.from({ length: bandCount }, () => createArray(dataType, width * rows));
      fill(bands);
      await this.writeRows(bands, rows);
      return;
    }
    fill([stripOf(main).subarray(main.stripRows * width, (main.stripRows + rows) * width)]);
    main.stripRows += rows;
    await this.afterFill(0);
  }

  /** Ends the image; the returned stream removes the temporary tiles once read or destroyed. */
  async finish(): Promise<CogOutput> {
    if (this.rowsWritten !== this.options.height) {
      throw new Error(
        `only ${String(this.rowsWritten)} of ${String(this.options.height)} rows were written`,
      );
    }
    this.finished = true;
    try {
      await Promise.all(this.levels.flatMap((level) => level.busy));
    } catch (error) {
      await this.abort();
      throw error;
    }
    const dataSize = this.levels.reduce((sum, level) => sum + level.spool.size, 0);
    const choice = this.options.bigTiff ?? 'auto';
    const bigTiff =
      choice === 'yes' || (choice === 'auto' && this.headerSize(false) + dataSize > CLASSIC_LIMIT);
    const header = encodeHeader(this.directories(bigTiff), bigTiff);
    if (!bigTiff && header.length + dataSize > CLASSIC_LIMIT) {
      await this.abort();
      throw new Error('the file passes 4 GiB: allow BigTIFF');
    }
    const spools = [...this.levels].reverse().map((level) => level.spool);
    const dir = this.dir;
    async function* bytes(): AsyncGenerator<Uint8Array> {
      try {
        yield header;
        for (const spool of spools) yield* spool.stream();
      } finally {
        await Promise.allSettled(spools.map((spool) => spool.close()));
        await rm(dir, { recursive: true, force: true });
      }
    }
    return {
      stream: Readable.from(bytes(), { objectMode: false }),
      size: header.length + dataSize,
      bigTiff,
    };
  }

  /** Drops everything written so far. */
  async abort(): Promise<void> {
    this.finished = true;
    await Promise.allSettled(this.levels.flatMap((level) => level.busy));
    await Promise.allSettled(this.levels.map((level) => level.spool.close()));
    await rm(this.dir, { recursive: true, force: true });
  }

  /** Emits the level's strip once full (or the image's last), then halves it into the next level. */
  private async afterFill(index: number): Promise<void> {
    const level = this.levels[index]!;
    const complete = level.rowsDone + level.stripRows === level.height;
    if (level.stripRows < this.blockSize && !complete) return;
    const reading = this.emitStrip(index);
    const rows = level.stripRows;
    const next = this.levels[index + 1];
    const halved =
      level.downsampler && next ? level.downsampler.push({ data: stripOf(level), rows }) : null;
    level.rowsDone += rows;
    level.stripRows = 0;
    level.busy[level.current] = reading;
    const other = level.current === 0 ? 1 : 0;
    // The other strip is filled next: wait until no codec thread still reads it.
    await level.busy[other];
    level.current = other;
    if (!level.downsampler || !next) return;
    if (halved) await this.feed(index + 1, halved);
    if (complete) {
      const last = level.downsampler.flush();
      if (last) await this.feed(index + 1, last);
    }
  }

  private async feed(index: number, rows: Rows): Promise<void> {
    const level = this.levels[index]!;
    const rowLength = level.width * this.options.bandCount;
    let done = 0;
    while (done < rows.rows) {
      const take = Math.min(rows.rows - done, this.blockSize - level.stripRows);
      stripOf(level).set(
        rows.data.subarray(done * rowLength, (done + take) * rowLength),
        level.stripRows * rowLength,
      );
      level.stripRows += take;
      done += take;
      await this.afterFill(index);
    }
  }

  /**
   * Compresses the strip's tiles on the codec pool into the level's spool. Resolves once every
   * tile is spooled, and so no longer read out of the strip.
   */
  private emitStrip(index: number): Promise<unknown> {
    const level = this.levels[index]!;
    const strip = stripOf(level);
    const { spool } = level;
    const firstTile = level.stripsDone * level.tilesAcross;
    level.stripsDone++;
    const tiles: Promise<void>[] = [];
    for (let col = 0; col < level.tilesAcross; col++) {
      const encoded = this.pool.encodeTile({
        predictor: this.predictor,
        level: this.options.level ?? 6,
        dataType: this.options.dataType,
        samples: this.options.bandCount,
        blockSize: this.blockSize,
        strip: {
          buffer: strip.buffer as SharedArrayBuffer,
          byteOffset: strip.byteOffset,
          width: level.width,
          rows: level.stripRows,
        },
        x0: col * this.blockSize,
        padValue: this.padValue,
        spool: spool.target,
      });
      tiles.push(
        encoded.then(({ position, length }) => {
          spool.record(firstTile + col, position, length);
        }),
      );
    }
    const done = Promise.all(tiles);
    done.catch(() => undefined);
    return done;
  }

  private headerSize(bigTiff: boolean): number {
    return (
      fileHeaderSize(bigTiff) +
      this.directories(bigTiff).reduce((sum, fields) => sum + directorySize(fields, bigTiff), 0)
    );
  }

  private directories(bigTiff: boolean): Field[][] {
    const placeholder = this.levels.map((level) => level.spool.positions.map(() => 0));
    const sizeOnly = this.levels.map((level, i) => this.fields(i, placeholder[i]!, bigTiff));
    const headerSize =
      fileHeaderSize(bigTiff) +
      sizeOnly.reduce((sum, fields) => sum + directorySize(fields, bigTiff), 0);
    let base = headerSize;
    const offsets: number[][] = this.levels.map(() => []);
    for (let i = this.levels.length - 1; i >= 0; i--) {
      // Tiles go out in row-major order whatever order they were spooled in.
      const spool = this.levels[i]!.spool;
      let at = base;
      offsets[i] = spool.byteCounts.map((count) => {
        const offset = at;
        at += count;
        return offset;
      });
      base += spool.size;
    }
    return this.levels.map((_, i) => this.fields(i, offsets[i]!, bigTiff));
  }

  private fields(index: number, offsets: number[], bigTiff: boolean): Field[] {
    const { options } = this;
    const level = this.levels[index]!;
    const samples = options.bandCount;
    const perSample = (value: number): number[] => Array.from({ length: samples }, () => value);
    const fields: Field[] = [
      { tag: TAG.NewSubfileType, type: FIELD.LONG, values: [index === 0 ? 0 : 1] },
      { tag: TAG.ImageWidth, type: FIELD.LONG, values: [level.width] },
      { tag: TAG.ImageLength, type: FIELD.LONG, values: [level.height] },
      {
        tag: TAG.BitsPerSample,
        type: FIELD.SHORT,
        values: perSample(bytesPerSample(options.dataType) * 8),
      },
      { tag: TAG.Compression, type: FIELD.SHORT, values: [COMPRESSION.deflate] },
      { tag: TAG.Photometric, type: FIELD.SHORT, values: [1] },
      { tag: TAG.SamplesPerPixel, type: FIELD.SHORT, values: [samples] },
      { tag: TAG.PlanarConfiguration, type: FIELD.SHORT, values: [1] },
      { tag: TAG.TileWidth, type: FIELD.SHORT, values: [this.blockSize] },
      { tag: TAG.TileLength, type: FIELD.SHORT, values: [this.blockSize] },
      { tag: TAG.TileOffsets, type: bigTiff ? FIELD.LONG8 : FIELD.LONG, values: offsets },
      {
        tag: TAG.TileByteCounts,
        type: bigTiff ? FIELD.LONG8 : FIELD.LONG,
        values: level.spool.byteCounts,
      },
      {
        tag: TAG.SampleFormat,
        type: FIELD.SHORT,
        values: perSample(sampleFormatOf(options.dataType)),
      },
    ];
    if (this.predictor !== PREDICTOR.none)
      fields.push({ tag: TAG.Predictor, type: FIELD.SHORT, values: [this.predictor] });
    if (samples > 1)
      fields.push({
        tag: TAG.ExtraSamples,
        type: FIELD.SHORT,
        values: Array.from({ length: samples - 1 }, () => 0),
      });
    if (options.nodata !== undefined && options.nodata !== null) {
      fields.push({ tag: TAG.GdalNodata, type: FIELD.ASCII, values: formatNodata(options.nodata) });
    }
    if (index === 0) fields.push(...georeferenceFields(options), ...metadataFields(options));
    return fields;
  }
}

/** The strip a level is filling. */
function stripOf(level: Level): TypedArray {
  return level.ring[level.current];
}

function georeferenceFields(options: CogOptions): Field[] {
  const georef = options.georeference ?? {};
  const fields: Field[] = [];
  if (georef.pixelScale)
    fields.push({ tag: TAG.ModelPixelScale, type: FIELD.DOUBLE, values: georef.pixelScale });
  if (georef.tiepoint)
    fields.push({ tag: TAG.ModelTiepoint, type: FIELD.DOUBLE, values: georef.tiepoint });
  if (georef.transformation)
    fields.push({
      tag: TAG.ModelTransformation,
      type: FIELD.DOUBLE,
      values: georef.transformation,
    });
  if (georef.geoKeyDirectory)
    fields.push({ tag: TAG.GeoKeyDirectory, type: FIELD.SHORT, values: georef.geoKeyDirectory });
  if (georef.geoDoubleParams)
    fields.push({ tag: TAG.GeoDoubleParams, type: FIELD.DOUBLE, values: georef.geoDoubleParams });
  if (georef.geoAsciiParams !== undefined) {
    fields.push({
      tag: TAG.GeoAsciiParams,
      type: FIELD.ASCII,
      values: georef.geoAsciiParams.replace(/\0+$/, ''),
    });
  }
  return fields;
}

function metadataFields(options: CogOptions): Field[] {
  const xml = options.bands ? formatGdalMetadata(options.bands) : undefined;
  return xml === undefined ? [] : [{ tag: TAG.GdalMetadata, type: FIELD.ASCII, values: xml }];
}

function interleave(
  bands: readonly TypedArray[],
  out: TypedArray,
  from: number,
  to: number,
  pixels: number,
  samples: number,
): void {
  for (let s = 0; s < samples; s++) {
    const band = bands[s]!;
    for (let i = 0; i < pixels; i++) out[to + i * samples + s] = band[from + i]!;
  }
}
