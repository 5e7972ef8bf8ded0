import { AwsClient } from 'aws4fetch';
import type { Config } from './config.ts';
import { ApiError } from './http.ts';
import { reachability } from './reachability.ts';

/** The object store through S3's REST API, path-style: presigned URLs, HEAD and range reads. */
export class Storage {
  private readonly client: AwsClient;

  constructor(private readonly config: Config) {
    this.client = new AwsClient({
      accessKeyId: config.S3_ACCESS_KEY_ID,
      secretAccessKey: config.S3_SECRET_ACCESS_KEY,
      region: config.S3_REGION,
      service: 's3',
    });
  }

  private url(key: string, endpoint = this.config.S3_ENDPOINT): URL {
    const path = key.split('/').map(encodeURIComponent).join('/');
    return new URL(`${endpoint.replace(/\/+$/, '')}/${this.config.S3_BUCKET}/${path}`);
  }

  /**
   * A URL a client can PUT the object to for `seconds`, for exactly `bytes` bytes of
   * `contentType`: both headers are signed, so another size or type is refused by the store.
   */
  async presignPut(
    key: string,
    bytes: number,
    contentType: string,
    seconds: number,
  ): Promise<string> {
    const url = this.url(key, this.config.S3_PUBLIC_ENDPOINT);
    url.searchParams.set('X-Amz-Expires', String(seconds));
    const signed = await this.client.sign(url, {
      method: 'PUT',
      headers: { 'content-type': contentType, 'content-length': String(bytes) },
      aws: { signQuery: true, allHeaders: true },
    });
    return signed.url;
  }

  async presignGet(key: string, seconds: number): Promise<string> {
    const url = this.url(key, this.config.S3_PUBLIC_ENDPOINT);
    url.searchParams.set('X-Amz-Expires', String(seconds));
    const signed = await this.client.sign(url, { method: 'GET', aws: { signQuery: true } });
    return signed.url;
  }

  /** The object's size, or null when there is none. */
  async size(key: string): Promise<number | null> {
    const response = await this.send(key, { method: 'HEAD' });
    if (response.status === 404) return null;
    if (!response.ok) throw unavailable(`HEAD answered ${String(response.status)}`);
    return Number(response.headers.get('content-length'));
  }

  /** Bytes [offset, offset + length) of the object (fewer at its end). */
  async range(key: string, offset: number, length: number): Promise<Uint8Array> {
    const response = await this.send(key, {
      headers: { range: `bytes=${String(offset)}-${String(offset + length - 1)}` },
    });
    if (response.status === 416) return new Uint8Array(0);
    if (!response.ok) throw unavailable(`a range read answered ${String(response.status)}`);
    return new Uint8Array(await response.arrayBuffer());
  }

  async delete(key: string): Promise<void> {
    await (await this.send(key, { method: 'DELETE' })).body?.cancel();
  }

  /** The bucket answers. */
  async ping(): Promise<void> {
    // Reachable is answering at all, as for every other request; a refusal is /health's to report.
    const response = await reachability.observe(STORE, 'requests', () =>
      this.client.fetch(
        `${this.config.S3_ENDPOINT.replace(/\/+$/, '')}/${this.config.S3_BUCKET}?max-keys=1`,
        { signal: AbortSignal.timeout(3000) },
      ),
    );
    await response.body?.cancel();
    if (!response.ok) throw new Error(`the bucket answered ${String(response.status)}`);
  }

  private async send(key: string, init: RequestInit): Promise<Response> {
    try {
      return await reachability.observe(STORE, 'requests', () =>
        this.client.fetch(this.url(key), {
          ...init,
          signal: AbortSignal.timeout(15_000),
        }),
      );
    } catch (error) {
      throw unavailable((error as Error).message);
    }
  }
}

/** The object store's name in the log, as the worker names it. */
const STORE = 'object-store';

function unavailable(detail: string): ApiError {
  return new ApiError(503, 'storage_unavailable', `object storage did not answer: ${detail}`, {
    'retry-after': '5',
  });
}
