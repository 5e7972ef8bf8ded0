import { authenticateUser } from '../_shared/auth.ts';
import { ApiError, errorResponse, json, notFound, readBody } from '../_shared/http.ts';
import { segments } from '../_shared/route.ts';
import { getServices, type Services } from '../_shared/services.ts';

const MODEL = /^[A-Za-z0-9_-]{1,64}$/;

/** Passes a request to model serving and its answer back; its {"error"} becomes {code, message}. */
async function forward(s: Services, path: string, init: RequestInit): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(`${s.config.MODEL_SERVING_URL.replace(/\/+$/, '')}${path}`, {
      ...init,
      signal: AbortSignal.timeout(s.config.SYNC_INFERENCE_TIMEOUT_SECONDS * 1000),
    });
  } catch (error) {
    const timedOut = (error as Error).name === 'TimeoutError';
    throw new ApiError(
      timedOut ? 504 : 503,
      'model_unavailable',
      timedOut
        ? `model serving gave no answer within ${String(s.config.SYNC_INFERENCE_TIMEOUT_SECONDS)} s`
        : 'model serving did not answer',
      { 'retry-after': '5' },
    );
  }
  const text = await response.text();
  if (response.ok)
    return new Response(text, { status: 200, headers: { 'content-type': 'application/json' } });
  let message = text.slice(0, 500);
  try {
    const parsed = JSON.parse(text) as { error?: unknown };
    if (typeof parsed.error === 'string') message = parsed.error;
  } catch {
    // Not TF Serving's JSON error: its text is the message.
  }
  if (response.status === 404) throw new ApiError(404, 'not_found', message);
  if (response.status >= 500)
    throw new ApiError(502, 'model_unavailable', message, { 'retry-after': '5' });
  return json({ code: 'model_error', message }, response.status === 429 ? 429 : 400);
}

/**
 * /inference/models/{model}[/versions/{v}]: GET the model's status, GET .../metadata its
 * signatures, POST .../predict a small TF Serving predict body (instances or inputs), all passed
 * through to model serving for the caller's tenant. Larger inputs belong in an inference job.
 */
export async function handleInference(request: Request): Promise<Response> {
  try {
    const s = getServices();
    await authenticateUser(request, s.config);
    const parts = segments(request, 'inference');
    if (parts[0] !== 'models' || !parts[1] || !MODEL.test(parts[1])) throw notFound('this path');
    let rest = parts.slice(2);
    let path = `/v1/models/${parts[1]}`;
    if (rest[0] === 'versions') {
      if (!rest[1] || !/^\d{1,9}$/.test(rest[1])) throw notFound('this model version');
      path += `/versions/${rest[1]}`;
      rest = rest.slice(2);
    }
    const [action, ...extra] = rest;
    if (extra.length > 0) throw notFound('this path');
    if (request.method === 'GET' && action === undefined) return await forward(s, path, {});
    if (request.method === 'GET' && action === 'metadata')
      return await forward(s, `${path}/metadata`, {});
    if (request.method === 'POST' && action === 'predict') {
      const payload = await readBody(
        request,
        s.config.SYNC_INFERENCE_MAX_BYTES,
        `synchronous inference takes up to ${String(s.config.SYNC_INFERENCE_MAX_BYTES)} bytes; submit an inference job for more`,
      );
      return await forward(s, `${path}:predict`, {
        method: 'POST',
        body: payload,
        headers: { 'content-type': 'application/json' },
      });
    }
    throw new ApiError(405, 'method_not_allowed', `${request.method} is not served here`);
  } catch (error) {
    return errorResponse(error);
  }
}
