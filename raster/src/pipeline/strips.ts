import { readBuffers, type RasterReader, type RowWindow } from '../reader/raster-reader.js';

export interface Strip extends RowWindow {
  row: number;
  rows: number;
}

/**
 * The raster's rows (those in `rowRange`, [first, end), when given), strip by strip, reading `ahead` strips beyond the one the caller works on:
 * decoding runs on the codec pool, so reading ahead keeps every core busy. A strip's arrays are
 * reused once the caller asks for the next one.
 */
export async function* strips(
  reader: RasterReader,
  bands: readonly number[],
  stripRows: number,
  signal?: AbortSignal,
  rowRange: [number, number] = [0, reader.info.height],
  ahead = 1,
): AsyncGenerator<Strip> {
  const [firstRow, height] = rowRange;
  const queue: Promise<Strip>[] = [];
  let nextRow = firstRow;
  // A ring of window buffers: the strip the caller holds, plus those being read ahead.
  const ring = Array.from({ length: ahead + 1 }, () =>
    readBuffers(reader, bands.length, stripRows),
  );
  let turn = 0;
  const fill = (): void => {
    while (queue.length < ahead + 1 && nextRow < height) {
      const row = nextRow;
      const rows = Math.min(stripRows, height - row);
      const buffers = ring[turn++ % ring.length]!;
      const read = reader
        .readRows(row, rows, bands, { ...buffers, ...(signal ? { signal } : {}) })
        .then((window) => ({ ...window, row, rows }));
      // A failed read ahead is reported when it is reached, not as an unhandled rejection.
      read.catch(() => undefined);
      queue.push(read);
      nextRow += rows;
    }
  };
  fill();
  while (queue.length > 0) {
    const strip = await queue.shift()!;
    signal?.throwIfAborted();
    yield strip;
    // The caller is done with this strip: its buffers take the next read ahead.
    fill();
  }
}
