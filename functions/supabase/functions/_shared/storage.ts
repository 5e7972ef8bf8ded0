import { AwsClient } from 'aws4fetch';
import type { Config } from './config.ts';
import { ApiError } from './http.ts';
import { reachability } from './reachability.ts';

/**
 * The object store through S3's REST API, path-style: presigned URLs, HEAD, range reads, server-side
 * copies and deletes.
 */
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
    return new URL(`${endpoint.replace(/\/+$/, '')}${this.path(key)}`);
  }

  /** The object's path in the bucket, as a request line and x-amz-copy-source name it. */
  private path(key: string): string {
    return `/${this.config.S3_BUCKET}/${key.split('/').map(encodeURIComponent).join('/')}`;
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

  /** The object's size and ETag, or null when there is none. */
  async head(key: string): Promise<ObjectHead | null> {
    const response = await this.send(key, { method: 'HEAD' });
    if (response.status === 404) return null;
    if (!response.ok) throw unavailable(`HEAD answered ${String(response.status)}`);
    return {
      size: Number(response.headers.get('content-length')),
      etag: response.headers.get('etag') ?? '',
    };
  }

  /**
   * Copies `source` to `target` inside the bucket, server-side: in one request up to `partBytes`
   * bytes (S3_COPY_PART_BYTES; S3 copies at most 5 GiB so), in parts of `partBytes` past it, each
   * request given time for the bytes it copies (copyTimeoutMs). The copy is of the very
   * object `head` describes: every request names its ETag, and the source is looked at again
   * after, since some stores ignore that precondition; a change is refused and the copy removed.
   * @throws ApiError 409 `upload_changed` when the source is no longer that object, 503 when the
   * store does not answer
   */
  async copy(
    source: string,
    target: string,
    head: ObjectHead,
    partBytes = this.config.S3_COPY_PART_BYTES,
  ): Promise<void> {
    const from = {
      'x-amz-copy-source': this.path(source),
      'x-amz-copy-source-if-match': head.etag,
    };
    if (head.size <= partBytes) {
      await copyAnswer(
        await this.send(target, { method: 'PUT', headers: from }, '', copyTimeoutMs(head.size)),
      );
    } else {
      await this.copyInParts(target, head, partBytes, from);
    }
    // Some stores (Ceph RGW 16) ignore the copy's precondition: the source is looked at again.
    const after = await this.head(source);
    if (after?.etag !== head.etag) {
      await this.delete(target);
      throw changed();
    }
  }

  /** A multipart upload of `partBytes` copies; aborted when any part fails. */
  private async copyInParts(
    target: string,
    head: ObjectHead,
    partBytes: number,
    from: Record<string, string>,
  ): Promise<void> {
    const started = await this.send(target, { method: 'POST' }, 'uploads');
    const upload = /<UploadId>([^<]+)<\/UploadId>/.exec(await started.text())?.[1];
    if (!started.ok || !upload)
      throw unavailable(`starting a copy in parts answered ${String(started.status)}`);
    const query = (more = '') => `uploadId=${encodeURIComponent(upload)}${more}`;
    try {
      const parts: string[] = [];
      for (let at = 0; at < head.size; at += partBytes) {
        const end = Math.min(at + partBytes, head.size);
        const range = `bytes=${String(at)}-${String(end - 1)}`;
        const answer = await copyAnswer(
          await this.send(
            target,
            { method: 'PUT', headers: { ...from, 'x-amz-copy-source-range': range } },
            query(`&partNumber=${String(parts.length + 1)}`),
            copyTimeoutMs(end - at),
          ),
        );
        const etag = /<ETag>([^<]+)<\/ETag>/.exec(answer)?.[1];
        if (!etag) throw unavailable('a part copy answered no ETag');
        parts.push(etag);
      }
      const list = parts
        .map(
          (etag, i) => `<Part><PartNumber>${String(i + 1)}</PartNumber><ETag>${etag}</ETag></Part>`,
        )
        .join('');
      // The store may assemble the parts' bytes before it answers: time for the whole.
      await copyAnswer(
        await this.send(
          target,
          { method: 'POST', body: `<CompleteMultipartUpload>${list}</CompleteMultipartUpload>` },
          query(),
          copyTimeoutMs(head.size),
        ),
      );
    } catch (error) {
      await (await this.send(target, { method: 'DELETE' }, query())).body?.cancel();
      throw error;
    }
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

  /**
   * Removes the object; none there is no failure.
   * @throws ApiError 503 when the store does not answer or refuses
   */
  async delete(key: string): Promise<void> {
    const response = await this.send(key, { method: 'DELETE' });
    await response.body?.cancel();
    if (!response.ok && response.status !== 404)
      throw unavailable(`DELETE answered ${String(response.status)}`);
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

  /** One request to the store, given `timeoutMs` to answer (a copy's time for its bytes). */
  private async send(
    key: string,
    init: RequestInit,
    query = '',
    timeoutMs = REQUEST_TIMEOUT_MS,
  ): Promise<Response> {
    const url = this.url(key);
    url.search = query;
    try {
      return await reachability.observe(STORE, 'requests', () =>
        this.client.fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) }),
      );
    } catch (error) {
      throw unavailable((error as Error).message);
    }
  }
}

/** How long a request that moves no bulk of bytes may take to answer. */
const REQUEST_TIMEOUT_MS = 15_000;
/**
 * The slowest rate a store is assumed to copy at inside itself (bytes a second): 20 MiB/s, well
 * under what MinIO or Ceph on one disk and S3 copy, so a healthy copy is never cut short.
 */
const ASSUMED_COPY_BYTES_PER_SECOND = 20 * 1024 ** 2;

/**
 * How long a request that copies `bytes` bytes inside the store may take, in milliseconds: the
 * plain request's 15 s plus the bytes at the assumed copy rate (a 512 MiB part: 40.6 s; 5 GiB:
 * 271 s).
 */
export function copyTimeoutMs(bytes: number): number {
  return REQUEST_TIMEOUT_MS + Math.ceil((bytes / ASSUMED_COPY_BYTES_PER_SECOND) * 1000);
}

/** What a HEAD tells of an object. */
export interface ObjectHead {
  /** Bytes. */
  size: number;
  etag: string;
}

const changed = () =>
  new ApiError(
    409,
    'upload_changed',
    'the upload changed while it was being completed: complete it again',
  );

/**
 * The body of a copy's answer. S3 may answer 200 and put the error in the body (for a copy and
 * for completing a multipart upload), so both are read.
 * @throws ApiError 409 `upload_changed` for a failed precondition, 503 for any other failure
 */
async function copyAnswer(response: Response): Promise<string> {
  const text = await response.text();
  if (response.status === 412 || /<Code>PreconditionFailed<\/Code>/.test(text)) throw changed();
  if (!response.ok || /<Error>/.test(text))
    throw unavailable(`a copy answered ${String(response.status)}: ${text.slice(0, 200)}`);
  return text;
}

/** The object store's name in the log, as the worker names it. */
const STORE = 'object-store';

/** The 503 a client gets: a code and a short reason; the store's own words go to the log only. */
function unavailable(detail: string): ApiError {
  console.error(
    JSON.stringify({ level: 'warn', service: 'functions', msg: 'object storage failed', detail }),
  );
  return new ApiError(503, 'storage_unavailable', 'object storage did not answer; try again', {
    'retry-after': '5',
  });
}
