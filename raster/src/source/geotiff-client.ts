import { BaseClient, BaseResponse } from 'geotiff';
import type { ByteSource } from './byte-source.js';

class RangeResponse extends BaseResponse {
  constructor(
    private readonly code: number,
    private readonly headers: Record<string, string>,
    private readonly body: Promise<Uint8Array>,
  ) {
    super();
  }

  override get status(): number {
    return this.code;
  }

  override getHeader(name: string): string {
    return this.headers[name.toLowerCase()] ?? '';
  }

  override async getData(): Promise<ArrayBuffer> {
    const bytes = await this.body;
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  }
}

/**
 * geotiff.js's custom-client hook over any ByteSource: geotiff parses headers and IFDs through the
 * same range reads (local file or S3) that the engine uses for blocks.
 */
export class ByteSourceClient extends BaseClient {
  constructor(private readonly source: ByteSource) {
    super(source.name);
  }

  override request(
    options: { headers?: Record<string, string>; signal?: AbortSignal } = {},
  ): Promise<RangeResponse> {
    const range = /^bytes=(\d+)-(\d+)$/.exec(options.headers?.Range ?? '');
    const size = this.source.size;
    if (!range)
      return Promise.resolve(new RangeResponse(200, {}, this.source.read(0, size, options.signal)));
    const start = Number(range[1]);
    const end = Math.min(Number(range[2]), size - 1);
    if (start >= size)
      return Promise.resolve(new RangeResponse(416, {}, Promise.resolve(new Uint8Array(0))));
    const body = this.source.read(start, end - start + 1, options.signal);
    const headers = {
      'content-range': `bytes ${String(start)}-${String(end)}/${String(size)}`,
      'content-type': 'image/tiff',
    };
    return Promise.resolve(new RangeResponse(206, headers, body));
  }
}
