import type { JobErrorKind } from '../job-error-kind.js';

/** Random access to the bytes of a raster, wherever it lives. */
export interface ByteSource {
  /** Where the bytes come from, for messages. */
  readonly name: string;
  /** Total length in bytes. */
  readonly size: number;
  /** Reads closer than this are worth merging into one request (0: never merge). */
  readonly mergeGap: number;
  /** Reads exactly `length` bytes at `offset`, into `into` when given; an error if the source is shorter. */
  read(
    offset: number,
    length: number,
    signal?: AbortSignal,
    into?: Uint8Array,
  ): Promise<Uint8Array>;
  close(): Promise<void>;
}

/** A read past the end of the source: the file is shorter than its header says. */
export class SourceRangeError extends Error {
  override name = 'SourceRangeError';
  static readonly job: JobErrorKind = { code: 'malformed_raster', permanent: true };
}

export function checkRange(source: ByteSource, offset: number, length: number): void {
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0) {
    throw new SourceRangeError(
      `${source.name}: invalid byte range ${String(offset)}+${String(length)}`,
    );
  }
  if (offset + length > source.size) {
    throw new SourceRangeError(
      `${source.name}: bytes ${String(offset)}-${String(offset + length - 1)} lie past the end of the file (${String(source.size)} bytes); the file is truncated or corrupt`,
    );
  }
}
