import { refuseUnstorableText } from './storable-text.ts';

/** An API failure: its HTTP status and the JSON body `{code, message}` the client gets. */
export class ApiError extends Error {
  override name = 'ApiError';

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const badRequest = (message: string) => new ApiError(400, 'invalid_request', message);
export const notFound = (what: string) => new ApiError(404, 'not_found', `${what} was not found`);

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

/**
 * The response for anything thrown: an ApiError as itself, anything else as a 500 whose message
 * says nothing of the internals (the stack goes to the log, never to the client).
 */
export function errorResponse(error: unknown): Response {
  if (error instanceof ApiError) {
    return json({ code: error.code, message: error.message }, error.status, error.headers);
  }
  console.error(
    JSON.stringify({ msg: 'unhandled error', error: String((error as Error).stack ?? error) }),
  );
  return json(
    { code: 'internal', message: 'the request failed on our side; it has been logged' },
    500,
  );
}

/** The request's body, refused with 413 and `tooLarge` as soon as it passes `limit` bytes. */
export async function readBody(
  request: Request,
  limit: number,
  tooLarge = `the body is over the limit of ${String(limit)} bytes`,
): Promise<Uint8Array<ArrayBuffer>> {
  const refuse = () => new ApiError(413, 'payload_too_large', tooLarge);
  if (Number(request.headers.get('content-length') ?? '0') > limit) throw refuse();
  const reader = request.body?.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (reader) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > limit) {
      await reader.cancel();
      throw refuse();
    }
    chunks.push(value);
  }
  const out = new Uint8Array(new ArrayBuffer(size));
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

/**
 * The request's JSON body, refused when it is not JSON or over `limit` bytes, or (422
 * `unsupported_text`) when it holds text Postgres cannot store.
 */
export async function readJson(request: Request, limit: number): Promise<unknown> {
  const type = request.headers.get('content-type') ?? '';
  if (!/^application\/json\b/i.test(type)) {
    throw new ApiError(415, 'unsupported_media_type', 'send the body as application/json');
  }
  const text = new TextDecoder().decode(await readBody(request, limit));
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch {
    throw badRequest('the body is not valid JSON');
  }
  refuseUnstorableText(value, 'the body');
  return value;
}

/** Checks a JSON value against a zod-like schema; the first issue becomes a 400. */
export function parseWith<T>(
  schema: {
    safeParse(
      value: unknown,
    ):
      | { success: true; data: T }
      | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } };
  },
  value: unknown,
): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue?.path.length ? `${issue.path.map(String).join('.')}: ` : '';
  throw badRequest(`${where}${issue?.message ?? 'invalid'}`);
}
