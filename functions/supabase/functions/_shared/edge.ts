import { config } from './config.ts';
import { ApiError, errorResponse } from './http.ts';

/** The headers a browser may send cross-origin: Supabase's client's, and the API's own. */
const ALLOWED_HEADERS = [
  'authorization',
  'apikey',
  'content-type',
  'x-client-info',
  'idempotency-key',
  'x-tensor-shape',
  'x-tensor-dtype',
  'x-signature-name',
  'x-input-name',
  'x-output-name',
].join(', ');

/** The answer headers a browser's script may read cross-origin. */
const EXPOSED_HEADERS = [
  'location',
  'retry-after',
  'x-tensor-shape',
  'x-tensor-dtype',
  'x-output-name',
].join(', ');

const METHODS = 'GET, POST, OPTIONS';

/** The bytes of a request's header fields: each name and value, with its ": " and CRLF. */
export function headerBytes(headers: Headers): number {
  let bytes = 0;
  for (const [name, value] of headers) bytes += name.length + value.length + 4;
  return bytes;
}

/** A response with more headers: its body and status as they were. */
function withHeaders(response: Response, extra: Record<string, string>): Response {
  const headers = new Headers(response.headers);
  for (const [name, value] of Object.entries(extra)) {
    if (name === 'vary' && headers.has('vary'))
      headers.set('vary', `${headers.get('vary')}, ${value}`);
    else headers.set(name, value);
  }
  return new Response(response.body, {
    status: response.status,
    statusText: response.statusText,
    headers,
  });
}

/**
 * A function's handler at the edge, what every request passes first:
 * - header fields past MAX_HEADER_BYTES are refused with 431 and the JSON error body (Deno's own
 *   server answers an empty 400 past about 64 KiB, before any handler runs);
 * - CORS for the origins in CORS_ALLOWED_ORIGINS: a preflight (OPTIONS with
 *   Access-Control-Request-Method) is answered here, 204 for an allowed origin and 403 JSON for
 *   another; other answers to an allowed origin carry Access-Control-Allow-Origin. With origins
 *   configured, every answer varies by Origin.
 */
export function edge(handler: (request: Request) => Promise<Response>) {
  return async (request: Request): Promise<Response> => {
    try {
      const cfg = config();
      const origins = cfg.CORS_ALLOWED_ORIGINS;
      const origin = request.headers.get('origin');
      const allowed = origin !== null && origins.includes(origin);
      const cors: Record<string, string> = origins.length > 0 ? { vary: 'Origin' } : {};
      if (allowed) cors['access-control-allow-origin'] = origin;
      const size = headerBytes(request.headers);
      if (size > cfg.MAX_HEADER_BYTES)
        throw new ApiError(
          431,
          'headers_too_large',
          `the request's headers hold ${String(size)} bytes, over the limit of ${String(cfg.MAX_HEADER_BYTES)}`,
          cors,
        );
      if (request.method === 'OPTIONS' && request.headers.has('access-control-request-method')) {
        if (!allowed)
          throw new ApiError(
            403,
            'origin_not_allowed',
            `origin ${origin ?? '(none)'} may not call this API from a browser`,
            cors,
          );
        return new Response(null, {
          status: 204,
          headers: {
            ...cors,
            vary: 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers',
            'access-control-allow-methods': METHODS,
            'access-control-allow-headers': ALLOWED_HEADERS,
            'access-control-max-age': '600',
          },
        });
      }
      if (allowed) cors['access-control-expose-headers'] = EXPOSED_HEADERS;
      const response = await handler(request);
      return Object.keys(cors).length > 0 ? withHeaders(response, cors) : response;
    } catch (error) {
      return errorResponse(error);
    }
  };
}
