import { writeSync } from 'node:fs';
import { bytesPerSample, viewArray } from '../tiff/data-type.js';
import { deflateBound, deflateInto } from './deflate.js';
import { PREDICTOR } from '../tiff/tags.js';
import { applyFloatingPoint, applyHorizontal } from './predictor.js';
import type { EncodeTileTask } from './tasks.js';

/** Reused for the floating-point predictor's output: the data is compressed from it at once. */
let predicted = new Uint8Array(0);
let tileScratch = new Uint8Array(0);
let compressed = new Uint8Array(0);

/** Cuts, predicts, compresses and spools one tile of a shared strip; returns where it went. */
export function encodeTile(task: EncodeTileTask): { position: number; length: number } {
  const { blockSize, samples, dataType, x0, strip } = task;
  const bytes = bytesPerSample(dataType);
  const tileBytes = blockSize * blockSize * samples * bytes;
  if (tileScratch.length < tileBytes) tileScratch = new Uint8Array(tileBytes);
  const tile = viewArray(dataType, tileScratch.buffer, 0, blockSize * blockSize * samples);
  const source = viewArray(
    dataType,
    strip.buffer,
    strip.byteOffset,
    strip.width * strip.rows * samples,
  );
  const span = Math.min(blockSize, strip.width - x0) * samples;
  const tileRow = blockSize * samples;
  if (span < tileRow || strip.rows < blockSize) tile.fill(task.padValue);
  for (let r = 0; r < strip.rows; r++) {
    const from = (r * strip.width + x0) * samples;
    tile.set(source.subarray(from, from + span), r * tileRow);
  }
  let data = tileScratch.subarray(0, tileBytes);
  const shape = { width: blockSize, rows: blockSize, samples, bytes };
  if (task.predictor === PREDICTOR.floatingPoint) {
    if (predicted.length < tileBytes) predicted = new Uint8Array(tileBytes);
    const out = predicted.subarray(0, tileBytes);
    applyFloatingPoint(data, out, shape);
    data = out;
  } else if (task.predictor === PREDICTOR.horizontal) {
    applyHorizontal(data, shape);
  }
  const bound = deflateBound(tileBytes);
  if (compressed.length < bound) compressed = new Uint8Array(bound);
  const length = deflateInto(data, task.level, compressed);
  // Reserve this tile's place in the spool, then write it there: threads append without a lock.
  const position = Number(Atomics.add(task.spool.end, 0, BigInt(length)));
  let written = 0;
  while (written < length)
    written += writeSync(task.spool.fd, compressed, written, length - written, position + written);
  return { position, length };
}
