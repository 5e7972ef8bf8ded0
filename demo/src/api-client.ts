import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';

export interface JobView {
  id: string;
  type: string;
  status: string;
  progress: number;
  error: { code: string; message: string } | null;
  results: { key: string; media_type: string; bytes: number; url: string; expires_at: string }[];
}

export class ApiError extends Error {
  override name = 'ApiError';
}

/** The Harita Hive API as a client calls it, with one tenant user's token. */
export class ApiClient {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
  ) {}

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.baseUrl}/functions/v1${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok) throw new ApiError(`${method} ${path}: ${String(response.status)} ${text}`);
    return JSON.parse(text) as T;
  }

  /** Creates a dataset of the file at `path`, under its own name; PUTs it and completes it. */
  async uploadDataset(name: string, path: string): Promise<{ id: string; file: string }> {
    const body = await readFile(path);
    const file = basename(path);
    const created = await this.call<{
      dataset: { id: string };
      upload: { url: string; headers: Record<string, string> };
    }>('POST', '/datasets', { name, file, bytes: body.length });
    // fetch sets Content-Length from the body itself (the signed value: the same size).
    const headers = Object.fromEntries(
      Object.entries(created.upload.headers).filter(
        ([name]) => name.toLowerCase() !== 'content-length',
      ),
    );
    const put = await fetch(created.upload.url, { method: 'PUT', body, headers });
    if (!put.ok) throw new ApiError(`upload: ${String(put.status)} ${await put.text()}`);
    await this.call('POST', `/datasets/${created.dataset.id}/complete`);
    return { id: created.dataset.id, file };
  }

  createJob(type: string, params: Record<string, unknown>): Promise<JobView> {
    return this.call('POST', '/jobs', { type, params });
  }

  job(id: string): Promise<JobView> {
    return this.call('GET', `/jobs/${id}`);
  }
}
