import type { CodecPool } from '../codec/codec-pool.js';
import type { BlockPlacement } from '../codec/tasks.js';
import type { ByteSource } from '../source/byte-source.js';
import type { SharedScratch } from '../codec/shared-scratch.js';
import type { TypedArray } from '../tiff/data-type.js';
import { bytesPerSample, isFloat } from '../tiff/data-type.js';
import { blockIndex, blockRowHeight, blockRowsUnder, type ImageLayout } from './image-layout.js';

interface Span {
  offset: number;
  length: number;
}

const MAX_MERGED = 16 * 1024 * 1024;

/**
 * Reads many byte ranges with as few requests as the source wants, into `arena` when given
 * (packed one after another), so no buffer is allocated per block.
 */
async function readSpans(
  source: ByteSource,
  spans: readonly Span[],
  signal?: AbortSignal,
  arena?: SharedScratch,
): Promise<Uint8Array[]> {
  const order = spans.map((_, i) => i).filter((i) => spans[i]!.length > 0);
  order.sort((a, b) => spans[a]!.offset - spans[b]!.offset);
  const results: Uint8Array[] = spans.map(() => new Uint8Array(0));
  const groups: { start: number; end: number; members: number[] }[] = [];
  for (const i of order) {
    const { offset, length } = spans[i]!;
    const last = groups.at(-1);
    const mergeable =
      last &&
      source.mergeGap > 0 &&
      offset - last.end <= source.mergeGap &&
      offset + length - last.start <= MAX_MERGED;
    if (last && mergeable) {
      last.members.push(i);
      last.end = Math.max(last.end, offset + length);
    } else {
      groups.push({ start: offset, end: offset + length, members: [i] });
    }
  }
  const total = groups.reduce((sum, group) => sum + group.end - group.start, 0);
  const memory = arena?.view(total);
  let at = 0;
  await Promise.all(
    groups.map(async ({ start, end, members }) => {
      const into = memory?.subarray(at, at + end - start);
      at += end - start;
      const bytes = await source.read(start, end - start, signal, into);
      for (const i of members) {
        const { offset, length } = spans[i]!;
        results[i] = bytes.subarray(offset - start, offset - start + length);
      }
    }),
  );
  return results;
}

/**
 * Decodes rows [row, row + rows) of the given 0-based bands into `out`, arrays over shared memory:
 * codec threads write each block's rows in place, so no decoded block crosses back to this thread.
 * An absent (sparse) block reads as `fill`.
 */
export async function decodeWindowInto(
  source: ByteSource,
  pool: CodecPool,
  layout: ImageLayout,
  littleEndian: boolean,
  window: {
    row: number;
    rows: number;
    bands: readonly number[];
    out: readonly TypedArray[];
    fill: number;
  },
  signal?: AbortSignal,
  arena?: SharedScratch,
): Promise<void> {
  const { row, rows, bands, out } = window;
  const samples = layout.planarConfiguration === 1 ? layout.samplesPerPixel : 1;
  const bytes = bytesPerSample(layout.dataType);
  const destLength = layout.width * rows;
  const jobs: { index: number; blockRows: number; placement: BlockPlacement }[] = [];
  for (const { blockRow, firstRow, count, destRow } of blockRowsUnder(layout, row, rows)) {
    const blockRows = blockRowHeight(layout, blockRow);
    // Band-interleaved files keep each band in its own plane of blocks; pixel-interleaved in one.
    const planes =
      layout.planarConfiguration === 2
        ? bands.map((band, b) => ({ plane: band, targets: [{ sample: 0, array: out[b]! }] }))
        : [{ plane: 0, targets: bands.map((band, b) => ({ sample: band, array: out[b]! })) }];
    for (const { plane, targets } of planes) {
      for (let col = 0; col < layout.blocksAcross; col++) {
        const x0 = col * layout.blockWidth;
        jobs.push({
          index: blockIndex(layout, plane, blockRow, col),
          blockRows,
          placement: {
            firstRow,
            count,
            destRow,
            x0,
            span: Math.min(layout.blockWidth, layout.width - x0),
            destWidth: layout.width,
            destLength,
            targets: targets.map(({ sample, array }) => ({
              sample,
              buffer: array.buffer as SharedArrayBuffer,
              byteOffset: array.byteOffset,
            })),
          },
        });
      }
    }
  }
  const raw = await readSpans(
    source,
    jobs.map(({ index }) => ({
      offset: layout.offsets[index]!,
      length: layout.byteCounts[index]!,
    })),
    signal,
    arena,
  );
  await Promise.all(
    jobs.map(({ blockRows, placement }, i) => {
      const data = raw[i]!;
      if (data.length === 0) {
        fillPlacement(placement, out, window.fill);
        return Promise.resolve();
      }
      return pool.decodeInto({
        compression: layout.compression,
        predictor: layout.predictor,
        littleEndian,
        bytes,
        bits: layout.bitsPerSample,
        jpegTables: layout.jpegTables,
        lercWrap: layout.lercWrap,
        float: isFloat(layout.dataType),
        samples,
        width: layout.blockWidth,
        rows: blockRows,
        data,
        placement,
      });
    }),
  );
}

/** A sparse block (absent from the file) reads as the fill value. */
function fillPlacement(placement: BlockPlacement, out: readonly TypedArray[], fill: number): void {
  for (const target of placement.targets) {
    const array = out.find(
      (candidate) =>
        candidate.buffer === target.buffer && candidate.byteOffset === target.byteOffset,
    );
    if (!array) continue;
    for (let r = 0; r < placement.count; r++) {
      const start = (placement.destRow + r) * placement.destWidth + placement.x0;
      array.fill(fill, start, start + placement.span);
    }
  }
}
