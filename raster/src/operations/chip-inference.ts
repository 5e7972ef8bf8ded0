import { bandReading, readPhysical } from '../kernels/band-values.js';
import type { OutputOptions, OutputSummary } from '../pipeline/transform.js';
import { readBuffers, type ReadBuffers, type RasterReader } from '../reader/raster-reader.js';
import { saveCog } from '../writer/cog-sink.js';
import { CogWriter } from '../writer/cog-writer.js';
import { ChipLayoutError, ModelAnswerError } from './chip-errors.js';
import { bandIndex, withRaster, type InputOptions } from './open-input.js';

/** What a model answers for a batch of chips. */
export interface ChipBatchPrediction {
  /** count x chipSize x chipSize class ids. */
  classIds: Uint8Array;
  /** count x chipSize x chipSize x classes, when probabilities were asked for. */
  probabilities?: Float32Array;
}

/**
 * Runs the model on `count` chips: `chips` holds count x chipSize x chipSize x bands values,
 * pixel-interleaved, rows top to bottom.
 */
export type PredictChips = (
  chips: Float32Array,
  count: number,
  signal: AbortSignal,
) => Promise<ChipBatchPrediction>;

export interface ChipInferenceOptions extends InputOptions, OutputOptions {
  /** 1-based input bands, in the order the model takes them. */
  bands: number[];
  chipSize: number;
  /** Pixels of context around each chip's kept centre; at least the model's receptive margin. */
  halo: number;
  /** Chips per predict call. */
  batchSize: number;
  /** Predict calls in flight at once (default 2: one on the server while the next is built). */
  inflight?: number;
  /** Model input = physical value x scale + offset (default 1 and 0). */
  scale?: number;
  offset?: number;
  /** One name per class: the class-id band's description lists them. */
  classNames: readonly string[];
  /** Where a Float32 COG of class probabilities (one band per class) goes, when wanted. */
  probabilitiesOutput?: string;
  predict: PredictChips;
}

export interface ChipInferenceSummary {
  classes: OutputSummary;
  probabilities: OutputSummary | null;
  chips: number;
  batches: number;
}

export const CLASS_NODATA = 255;
export const PROBABILITY_NODATA = -9999;

/** The chip grid: chips advance by their kept centre, `core` pixels, and read `halo` around it. */
interface Grid {
  width: number;
  height: number;
  chip: number;
  halo: number;
  core: number;
  rows: number;
  columns: number;
  bands: number;
}

/**
 * Buffers a run reuses. Fresh arrays of megabytes per row and per batch made V8 collect its whole
 * heap on external-memory pressure dozens of times per scene, a third of the worker's CPU.
 */
interface Scratch {
  /** The decoded window of each band (width x chip), and its compressed blocks. */
  decoded: ReadBuffers;
  /** Physical values of one band of a window (width x chip). */
  physical: Float64Array;
  /** Normalized windows (width x chip x bands) whose chips are all cut. */
  windows: Float32Array[];
  /** Batches of chips (batchSize x chip x chip x bands) whose predict call has settled. */
  batches: Float32Array[];
}

/** One row of chips: its input window, and the output strip its chips fill. */
interface ChipRow {
  index: number;
  /** First image row of the kept centre, and how many rows it keeps. */
  y: number;
  rows: number;
  /** Normalized input of the window's rows (y - halo .. y - halo + chip, clipped), pixel-interleaved. */
  input: Float32Array;
  /** First image row the window holds. */
  inputY: number;
  inputRows: number;
  /** 1 where every band is valid. */
  valid: Uint8Array;
  classIds: Uint8Array;
  probabilities: Float32Array | null;
  pending: number;
}

function checkGrid(options: ChipInferenceOptions): void {
  const { chipSize, halo, batchSize } = options;
  if (!Number.isInteger(chipSize) || chipSize < 1) {
    throw new ChipLayoutError(`the chip size must be a positive integer, not ${String(chipSize)}`);
  }
  if (!Number.isInteger(halo) || halo < 0 || chipSize - 2 * halo < 1) {
    throw new ChipLayoutError(
      `a halo of ${String(halo)} leaves nothing of a ${String(chipSize)}-pixel chip: it must be under half the chip`,
    );
  }
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new ChipLayoutError(
      `the batch size must be a positive integer, not ${String(batchSize)}`,
    );
  }
}

/** Writes `values` x scale + offset (NaN as 0) into every `stride`-th element of `input` from `band`. */
function interleave(
  values: Float64Array,
  input: Float32Array,
  band: number,
  stride: number,
  scale: number,
  offset: number,
): void {
  for (let p = 0, i = band; p < values.length; p++, i += stride) {
    const value = values[p]!;
    input[i] = value === value ? value * scale + offset : 0;
  }
}

/** Reads and normalizes the input rows a row of chips needs. */
async function readChipRow(
  reader: RasterReader,
  grid: Grid,
  bands: number[],
  index: number,
  options: ChipInferenceOptions,
  classCount: number,
  scratch: Scratch,
): Promise<ChipRow> {
  const { width, height, chip, halo, core } = grid;
  const y = index * core;
  const inputY = Math.max(0, y - halo);
  const inputRows = Math.min(height, y - halo + chip) - inputY;
  // One window is decoded at a time: the next is asked for once this one is normalized.
  const window = await reader.readRows(inputY, inputRows, bands, {
    ...scratch.decoded,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const pixels = width * inputRows;
  const input = (scratch.windows.pop() ?? new Float32Array(width * chip * bands.length)).subarray(
    0,
    pixels * bands.length,
  );
  const valid = new Uint8Array(pixels).fill(1);
  const physical = scratch.physical.subarray(0, pixels);
  const scale = options.scale ?? 1;
  const offset = options.offset ?? 0;
  const stride = bands.length;
  for (let b = 0; b < stride; b++) {
    readPhysical(
      bandReading(reader.info, bands[b]!, window.bands[b]!, window.masks[b]!),
      0,
      pixels,
      physical,
      valid,
    );
    interleave(physical, input, b, stride, scale, offset);
  }
  // A pixel with any band missing feeds the model zeros, as padding does.
  for (let p = 0; p < pixels; p++) {
    if (valid[p] === 0) for (let b = 0; b < stride; b++) input[p * stride + b] = 0;
  }
  const rows = Math.min(core, height - y);
  return {
    index,
    y,
    rows,
    input,
    inputY,
    inputRows,
    valid,
    classIds: new Uint8Array(width * rows),
    probabilities: options.probabilitiesOutput ? new Float32Array(width * rows * classCount) : null,
    pending: grid.columns,
  };
}

/** Copies chip `column` of `row` into `target` (chip x chip x bands), zeros outside the image. */
function cutChip(grid: Grid, row: ChipRow, column: number, target: Float32Array): void {
  const { width, chip, halo, core, bands } = grid;
  target.fill(0);
  const x0 = column * core - halo;
  const y0 = row.y - halo;
  const fromX = Math.max(0, -x0);
  const toX = Math.min(chip, width - x0);
  for (let cy = 0; cy < chip; cy++) {
    const iy = y0 + cy - row.inputY;
    if (iy < 0 || iy >= row.inputRows) continue;
    const source = (iy * width + x0 + fromX) * bands;
    target.set(
      row.input.subarray(source, source + (toX - fromX) * bands),
      (cy * chip + fromX) * bands,
    );
  }
}

/** Keeps the centre of a predicted chip: class ids, and probabilities when asked for. */
function keepCentre(
  grid: Grid,
  row: ChipRow,
  column: number,
  prediction: ChipBatchPrediction,
  slot: number,
  classCount: number,
): void {
  const { width, chip, halo, core } = grid;
  const x = column * core;
  const columns = Math.min(core, width - x);
  const chipPixels = chip * chip;
  const { classIds, valid, probabilities } = row;
  const predicted = prediction.classIds;
  for (let ry = 0; ry < row.rows; ry++) {
    const outRow = ry * width + x;
    const sourceRow = slot * chipPixels + (ry + halo) * chip + halo;
    const validRow = (row.y + ry - row.inputY) * width + x;
    for (let rx = 0; rx < columns; rx++) {
      classIds[outRow + rx] =
        valid[validRow + rx] === 1 ? predicted[sourceRow + rx]! : CLASS_NODATA;
    }
    if (!probabilities) continue;
    for (let rx = 0; rx < columns; rx++) {
      const out = (outRow + rx) * classCount;
      const source = (sourceRow + rx) * classCount;
      const kept = valid[validRow + rx] === 1;
      for (let k = 0; k < classCount; k++) {
        probabilities[out + k] = kept ? prediction.probabilities![source + k]! : PROBABILITY_NODATA;
      }
    }
  }
}

/**
 * Runs a fully convolutional model over a raster chip by chip and stitches the kept centres into
 * a COG of class ids (and optionally one of probabilities) with the input's georeferencing. Each
 * chip is read with `halo` pixels of context, zero-filled beyond the image, so with a halo of at
 * least the model's receptive-field margin the result equals one whole-image prediction.
 */
export async function predictChipsToCog(
  input: string,
  output: string,
  options: ChipInferenceOptions,
): Promise<ChipInferenceSummary> {
  checkGrid(options);
  return withRaster(input, options, async (reader) => {
    const bands = options.bands.map((band, i) =>
      bandIndex(reader, band, `input ${String(i + 1)}:`),
    );
    const { info } = reader;
    const core = options.chipSize - 2 * options.halo;
    const grid: Grid = {
      width: info.width,
      height: info.height,
      chip: options.chipSize,
      halo: options.halo,
      core,
      rows: Math.ceil(info.height / core),
      columns: Math.ceil(info.width / core),
      bands: bands.length,
    };
    const classCount = options.classNames.length;
    const chipValues = grid.chip * grid.chip * grid.bands;
    const scratch: Scratch = {
      decoded: readBuffers(reader, bands.length, grid.chip),
      physical: new Float64Array(grid.width * grid.chip),
      windows: [],
      batches: [],
    };
    const cog = {
      ...options.cog,
      width: info.width,
      height: info.height,
      georeference: info.georeference,
    };
    const classWriter = await CogWriter.create({
      ...cog,
      bandCount: 1,
      dataType: 'Byte',
      nodata: CLASS_NODATA,
      overviews: 'nearest',
      bands: [
        {
          description: `class id: ${options.classNames.map((name, i) => `${String(i)} ${name}`).join(', ')}`,
          scale: 1,
          offset: 0,
        },
      ],
    });
    const probabilityWriter = options.probabilitiesOutput
      ? await CogWriter.create({
          ...cog,
          bandCount: classCount,
          dataType: 'Float32',
          nodata: PROBABILITY_NODATA,
          bands: options.classNames.map((description) => ({ description, scale: 1, offset: 0 })),
        })
      : null;
    const failed = new AbortController();
    const signal = options.signal
      ? AbortSignal.any([options.signal, failed.signal])
      : failed.signal;
    const inflight = new Set<Promise<void>>();
    // The failure that stopped the run, rather than the aborts it caused elsewhere.
    let firstFailure: unknown;
    const open = new Map<number, ChipRow>();
    let nextToWrite = 0;
    // Rows reach the writers one call at a time, in order, whichever batch finishes them.
    let writing = Promise.resolve();
    let chipsDone = 0;
    let batches = 0;
    const total = grid.rows * grid.columns;

    const writeFinishedRows = async (): Promise<void> => {
      for (let row = open.get(nextToWrite); row?.pending === 0; row = open.get(nextToWrite)) {
        open.delete(nextToWrite++);
        const ready = row;
        await classWriter.writeWith(ready.rows, ([out]) => {
          out!.set(ready.classIds);
        });
        if (probabilityWriter && ready.probabilities) {
          const probabilities = ready.probabilities;
          await probabilityWriter.writeWith(ready.rows, (out) => {
            const pixels = info.width * ready.rows;
            for (let k = 0; k < classCount; k++) {
              const band = out[k]!;
              for (let p = 0; p < pixels; p++) band[p] = probabilities[p * classCount + k]!;
            }
          });
        }
      }
    };

    const send = (
      members: { row: ChipRow; column: number }[],
      chips: Float32Array,
    ): Promise<void> => {
      batches++;
      const call = options
        .predict(chips.subarray(0, members.length * chipValues), members.length, signal)
        .then(async (prediction) => {
          const chipPixels = grid.chip * grid.chip;
          if (prediction.classIds.length !== members.length * chipPixels) {
            throw new ModelAnswerError(
              `the model answered ${String(prediction.classIds.length)} class ids for ${String(members.length)} chips of ${String(chipPixels)} pixels`,
            );
          }
          members.forEach(({ row, column }, slot) => {
            keepCentre(grid, row, column, prediction, slot, classCount);
            row.pending--;
          });
          chipsDone += members.length;
          writing = writing.then(writeFinishedRows);
          await writing;
          options.onProgress?.(chipsDone / total);
        });
      const tracked = call.finally(() => {
        inflight.delete(tracked);
        // Settled: the call is done with its chips, so the next batch may fill them.
        if (!signal.aborted) scratch.batches.push(chips);
      });
      tracked.catch((error: unknown) => {
        firstFailure ??= error;
        failed.abort();
      });
      inflight.add(tracked);
      return tracked;
    };

    const nextBatch = () =>
      scratch.batches.pop() ?? new Float32Array(options.batchSize * chipValues);
    try {
      let members: { row: ChipRow; column: number }[] = [];
      let chips = nextBatch();
      let nextRow = readChipRow(reader, grid, bands, 0, options, classCount, scratch);
      for (let r = 0; r < grid.rows; r++) {
        const row = await nextRow;
        signal.throwIfAborted();
        // The next row's blocks decode while this row's chips are cut and predicted.
        if (r + 1 < grid.rows) {
          nextRow = readChipRow(reader, grid, bands, r + 1, options, classCount, scratch);
          nextRow.catch(() => undefined);
        }
        open.set(r, row);
        for (let column = 0; column < grid.columns; column++) {
          cutChip(
            grid,
            row,
            column,
            chips.subarray(members.length * chipValues, (members.length + 1) * chipValues),
          );
          members.push({ row, column });
          if (members.length === options.batchSize) {
            while (inflight.size >= (options.inflight ?? 2)) await Promise.race(inflight);
            void send(members, chips);
            members = [];
            chips = nextBatch();
          }
        }
        // The window is cut into chips; only the validity mask is still needed.
        scratch.windows.push(new Float32Array(row.input.buffer));
        row.input = new Float32Array(0);
      }
      if (members.length > 0) void send(members, chips);
      while (inflight.size > 0) await Promise.race(inflight);
      signal.throwIfAborted();
    } catch (error) {
      failed.abort();
      await Promise.allSettled(inflight);
      await classWriter.abort();
      await probabilityWriter?.abort();
      throw firstFailure ?? error;
    }
    const save = async (writer: CogWriter, destination: string): Promise<OutputSummary> => {
      const written = await writer.finish();
      const { sha256 } = await saveCog(written, destination, {
        ...(options.s3 ? { s3: options.s3 } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      });
      return {
        location: destination,
        bytes: written.size,
        sha256,
        bigTiff: written.bigTiff,
        width: info.width,
        height: info.height,
      };
    };
    const classes = await save(classWriter, output);
    const probabilities =
      probabilityWriter && options.probabilitiesOutput
        ? await save(probabilityWriter, options.probabilitiesOutput)
        : null;
    return { classes, probabilities, chips: total, batches };
  });
}
