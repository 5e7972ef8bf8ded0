import { setTimeout as sleep } from 'node:timers/promises';
import { JobFailure } from '../job-failure.js';

export interface ModelServingOptions {
  /** TF Serving's REST root, e.g. http://model-serving:8501. */
  baseUrl: string;
  timeoutMs: number;
  /** Further tries of a request that met a network error, a timeout, 429 or a 5xx. */
  retries: number;
  /** Called once per request with its outcome and seconds, for harita_inference_request_duration_seconds. */
  observe?: (model: string, outcome: 'ok' | 'rejected' | 'unavailable', seconds: number) => void;
  /** First pause between tries, doubled each time (default 500 ms). */
  backoffMs?: number;
}

/** Why the server refused a request for good (4xx other than 429): retrying will not help. */
class Refusal extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function errorText(response: Response): Promise<string> {
  const text = await response.text().catch(() => '');
  try {
    const parsed = JSON.parse(text) as { error?: unknown };
    if (typeof parsed.error === 'string') return parsed.error;
  } catch {
    // Not TF Serving's {"error": ...}: the status says enough.
  }
  return text.slice(0, 200) || response.statusText;
}

/**
 * A client of the TensorFlow Serving REST API (status, metadata, predict) and nothing beyond it,
 * so TF Serving and the TF.js server are interchangeable. Each request has a timeout and is
 * retried with back-off while the server is unreachable or overloaded.
 */
export class ModelServingClient {
  constructor(private readonly options: ModelServingOptions) {}

  modelPath(model: string, version?: number): string {
    const base = this.options.baseUrl.replace(/\/+$/, '');
    const versioned = version === undefined ? '' : `/versions/${String(version)}`;
    return `${base}/v1/models/${encodeURIComponent(model)}${versioned}`;
  }

  async metadata(
    model: string,
    version: number | undefined,
    signal: AbortSignal,
  ): Promise<unknown> {
    const body = await this.request(
      model,
      `${this.modelPath(model, version)}/metadata`,
      undefined,
      signal,
    );
    return JSON.parse(body.toString('utf8')) as unknown;
  }

  /** POSTs a :predict body and returns the raw answer. */
  predict(
    model: string,
    version: number | undefined,
    body: Buffer,
    signal: AbortSignal,
  ): Promise<Buffer> {
    return this.request(model, `${this.modelPath(model, version)}:predict`, body, signal);
  }

  private async request(
    model: string,
    url: string,
    body: Buffer | undefined,
    signal: AbortSignal,
  ): Promise<Buffer> {
    const { retries, timeoutMs, observe } = this.options;
    let pause = this.options.backoffMs ?? 500;
    let lastProblem = '';
    for (let attempt = 0; attempt <= retries; attempt++) {
      signal.throwIfAborted();
      const started = performance.now();
      const seconds = () => (performance.now() - started) / 1000;
      try {
        const response = await fetch(url, {
          method: body === undefined ? 'GET' : 'POST',
          ...(body === undefined ? {} : { body, headers: { 'content-type': 'application/json' } }),
          signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
        });
        if (response.ok) {
          const bytes = Buffer.from(await response.arrayBuffer());
          observe?.(model, 'ok', seconds());
          return bytes;
        }
        const message = await errorText(response);
        if (response.status !== 429 && response.status < 500)
          throw new Refusal(response.status, message);
        lastProblem = `HTTP ${String(response.status)}: ${message}`;
      } catch (error) {
        if (signal.aborted) throw error;
        if (error instanceof Refusal) {
          observe?.(model, 'rejected', seconds());
          throw refusalFailure(model, error);
        }
        const cause = (error as Error & { cause?: Error }).cause;
        lastProblem =
          (error as Error).name === 'TimeoutError'
            ? `no answer within ${String(timeoutMs / 1000)} s`
            : (cause?.message ?? (error as Error).message);
      }
      observe?.(model, 'unavailable', seconds());
      if (attempt < retries) {
        await sleep(pause, undefined, { signal });
        pause *= 2;
      }
    }
    throw new JobFailure(
      'model_unavailable',
      `model serving did not answer for model '${model}' after ${String(retries + 1)} tries: ${lastProblem}`,
      false,
    );
  }
}

function refusalFailure(model: string, refusal: Refusal): JobFailure {
  if (refusal.status === 404) {
    return new JobFailure(
      'invalid_params',
      `model serving has no model '${model}' (or not that version): ${refusal.message}`,
      true,
    );
  }
  return new JobFailure(
    'model_error',
    `model '${model}' refused the request (HTTP ${String(refusal.status)}): ${refusal.message}`,
    true,
  );
}
