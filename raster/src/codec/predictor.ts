/**
 * TIFF predictors over one decoded block, in place. Samples are little-endian (the engine runs on
 * little-endian hosts and swaps big-endian files first). `samples` is the samples per pixel in the
 * block (1 for band-interleaved files), `width` the block's width in pixels.
 */
export interface BlockShape {
  width: number;
  rows: number;
  samples: number;
  bytes: number;
}

function integerView(buffer: Uint8Array, bytes: number): Uint8Array | Uint16Array | Uint32Array {
  const { buffer: ab, byteOffset, byteLength } = buffer;
  if (bytes === 1) return buffer;
  if (bytes === 2) return new Uint16Array(ab, byteOffset, byteLength / 2);
  if (bytes === 4) return new Uint32Array(ab, byteOffset, byteLength / 4);
  throw new RangeError(
    `the horizontal predictor does not support ${String(bytes * 8)}-bit samples`,
  );
}

export function undoHorizontal(data: Uint8Array, shape: BlockShape): void {
  const values = integerView(data, shape.bytes);
  const rowLength = shape.width * shape.samples;
  const { samples } = shape;
  for (let row = 0; row < shape.rows; row++) {
    const start = row * rowLength;
    const end = start + rowLength;
    for (let i = start + samples; i < end; i++) values[i] = values[i]! + values[i - samples]!;
  }
}

export function applyHorizontal(data: Uint8Array, shape: BlockShape): void {
  const values = integerView(data, shape.bytes);
  const rowLength = shape.width * shape.samples;
  const { samples } = shape;
  for (let row = 0; row < shape.rows; row++) {
    const start = row * rowLength;
    for (let i = start + rowLength - 1; i >= start + samples; i--) {
      values[i] = values[i]! - values[i - samples]!;
    }
  }
}

/** Undoes the floating-point predictor (Adobe Photoshop TIFF technical note 3) into `out`. */
export function undoFloatingPoint(data: Uint8Array, out: Uint8Array, shape: BlockShape): void {
  const { bytes, samples } = shape;
  const count = shape.width * samples;
  const rowBytes = count * bytes;
  const words =
    bytes === 4 && out.byteOffset % 4 === 0
      ? new Uint32Array(out.buffer, out.byteOffset, out.length / 4)
      : null;
  for (let row = 0; row < shape.rows; row++) {
    const start = row * rowBytes;
    const end = start + rowBytes;
    for (let i = start + samples; i < end; i++) data[i] = data[i]! + data[i - samples]!;
    // Byte planes are stored most significant first; write them back little-endian.
    if (words) {
      const first = row * count;
      const p1 = start + count;
      const p2 = p1 + count;
      const p3 = p2 + count;
      for (let k = 0; k < count; k++) {
        words[first + k] =
          ((data[start + k]! << 24) |
            (data[p1 + k]! << 16) |
            (data[p2 + k]! << 8) |
            data[p3 + k]!) >>>
          0;
      }
      continue;
    }
    for (let plane = 0; plane < bytes; plane++) {
      const from = start + plane * count;
      const lane = bytes - 1 - plane;
      for (let k = 0; k < count; k++) out[start + k * bytes + lane] = data[from + k]!;
    }
  }
}

/** Applies the floating-point predictor to little-endian samples, into `out`. */
export function applyFloatingPoint(data: Uint8Array, out: Uint8Array, shape: BlockShape): void {
  const { bytes, samples } = shape;
  const count = shape.width * samples;
  const rowBytes = count * bytes;
  const words =
    bytes === 4 && data.byteOffset % 4 === 0
      ? new Uint32Array(data.buffer, data.byteOffset, data.length / 4)
      : null;
  for (let row = 0; row < shape.rows; row++) {
    const start = row * rowBytes;
    if (words && samples === 1) {
      // The common case, one Float32 band: byte planes by shifts and differenced in the same pass.
      const first = row * count;
      const p1 = start + count;
      const p2 = p1 + count;
      const p3 = p2 + count;
      let b0 = 0;
      let b1 = 0;
      let b2 = 0;
      let b3 = 0;
      for (let k = 0; k < count; k++) {
        const v = words[first + k]!;
        const c0 = v >>> 24;
        const c1 = (v >>> 16) & 0xff;
        const c2 = (v >>> 8) & 0xff;
        const c3 = v & 0xff;
        out[start + k] = c0 - b0;
        out[p1 + k] = c1 - b1;
        out[p2 + k] = c2 - b2;
        out[p3 + k] = c3 - b3;
        b0 = c0;
        b1 = c1;
        b2 = c2;
        b3 = c3;
      }
      // Each plane's first byte follows the previous plane's last one.
      const firstWord = words[first]!;
      out[p1] = ((firstWord >>> 16) & 0xff) - b0;
      out[p2] = ((firstWord >>> 8) & 0xff) - b1;
      out[p3] = (firstWord & 0xff) - b2;
      continue;
    }
    for (let plane = 0; plane < bytes; plane++) {
      const to = start + plane * count;
      const lane = bytes - 1 - plane;
      for (let k = 0; k < count; k++) out[to + k] = data[start + k * bytes + lane]!;
    }
    for (let i = start + rowBytes - 1; i >= start + samples; i--)
      out[i] = out[i]! - out[i - samples]!;
  }
}

/** Swaps each sample's bytes in place: big-endian files to the host's order. */
export function swapBytes(data: Uint8Array, bytes: number): void {
  if (bytes === 1) return;
  for (let i = 0; i + bytes <= data.length; i += bytes) {
    for (let a = i, b = i + bytes - 1; a < b; a++, b--) {
      const t = data[a]!;
      data[a] = data[b]!;
      data[b] = t;
    }
  }
}
