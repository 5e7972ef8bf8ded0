import { getFloat16 } from '@petamoriken/float16';

/** Where packed samples lie: `rows` rows of `count` samples of `bits` bits, each row `rowBytes` long. */
export interface PackedShape {
  rowBytes: number;
  rows: number;
  count: number;
  bits: number;
}

/**
 * Widens NBITS samples (1 to 31 bits, most significant bit first, each row starting on a byte, as
 * TIFF packs them) to little-endian samples of `bytes` bytes in `out`. Written here: geotiff.js
 * unpacks bits only inside its own whole-image reader, which the engine's block pipeline bypasses.
 */
export function unpackSamples(
  data: Uint8Array,
  shape: PackedShape,
  out: Uint8Array,
  bytes: number,
): void {
  const { rowBytes, rows, count, bits } = shape;
  const values =
    bytes === 1
      ? out
      : bytes === 2
        ? new Uint16Array(out.buffer, out.byteOffset, rows * count)
        : new Uint32Array(out.buffer, out.byteOffset, rows * count);
  for (let row = 0; row < rows; row++) {
    let at = row * rowBytes;
    let held = 0;
    let heldBits = 0;
    const first = row * count;
    for (let i = 0; i < count; i++) {
      while (heldBits < bits) {
        // At most 31 + 7 bits are ever held: keep the top ones within a double's exact range.
        held = held * 256 + data[at++]!;
        heldBits += 8;
      }
      heldBits -= bits;
      const divisor = 2 ** heldBits;
      const value = Math.floor(held / divisor);
      values[first + i] = value;
      held -= value * divisor;
    }
  }
}

/** Half floats (little-endian, 2 bytes each) to float32 (4 bytes each) in `out`. */
export function halfFloatsToFloat32(data: Uint8Array, out: Uint8Array): void {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const floats = new Float32Array(out.buffer, out.byteOffset, data.byteLength / 2);
  for (let i = 0; i < floats.length; i++) floats[i] = getFloat16(view, i * 2, true);
}
