import { z } from 'zod';
import { asService } from './db.ts';
import { ApiError, readBody } from './http.ts';
import type { Services } from './services.ts';
import { sweepSoon } from './upload-sweep.ts';

/** The endpoints whose submissions are limited and idempotent, as `submission_buckets` names them. */
export type SubmissionEndpoint = 'jobs' | 'datasets';

/** How long a request holds its Idempotency-Key while it runs: a retry meanwhile gets 409. */
const LOCK_SECONDS = 60;
/** The headers a replay gives back beside the status and the body. */
const KEPT_HEADERS = ['content-type', 'location'];
/** An Idempotency-Key: 1 to 255 visible ASCII characters, as `idempotency_keys.key` holds. */
export const IdempotencyKey = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[\x21-\x7e]+$/);

interface Begun {
  outcome: 'proceed' | 'replay' | 'in_progress' | 'key_reused' | 'rate_limited' | 'unregistered';
  retry_after: number | null;
  per_minute: number | null;
  status: number | null;
  headers: Record<string, string> | null;
  body: string | null;
}

async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Runs a tenant's submission (POST /jobs, POST /datasets) under its rate limit (a token bucket
 * per tenant and endpoint in Postgres, `tenants.{job,dataset}_submissions_per_minute`) and, when
 * the request carries an `Idempotency-Key`, at most once per key, tenant and endpoint for a day
 * (one key on both endpoints is two submissions): a retry
 * with the same body gets the first answer (same status, body and Location, with
 * `Idempotent-Replayed: true`). Only a 2xx answer is kept; any other releases the key, so the
 * retry runs again. `handle` gets the request with its body still to read.
 * @throws ApiError 400 `invalid_idempotency_key`, 409 `idempotency_key_in_progress` while the
 * first request runs, 422 `idempotency_key_reused` for another body under the key, 429
 * `rate_limited` with Retry-After, 413 for a keyed body over MAX_BODY_BYTES
 */
export async function submission(
  request: Request,
  s: Services,
  tenantId: string,
  endpoint: SubmissionEndpoint,
  handle: (request: Request) => Promise<Response>,
): Promise<Response> {
  sweepSoon(s);
  const key = request.headers.get('idempotency-key');
  if (key !== null && !IdempotencyKey.safeParse(key).success)
    throw new ApiError(
      400,
      'invalid_idempotency_key',
      'Idempotency-Key must be 1 to 255 visible ASCII characters (a uuid will do)',
    );
  let forward = request;
  let fingerprint: string | null = null;
  if (key !== null) {
    // The body is read once here, to be compared with the first request's, and handed on.
    const body = await readBody(request, s.config.MAX_BODY_BYTES);
    fingerprint = await sha256(`${endpoint}\n${new TextDecoder().decode(body)}`);
    forward = new Request(request.url, { method: request.method, headers: request.headers, body });
  }
  const [begun] = await asService(
    s.sql,
    (tx) =>
      tx.unsafe<Begun[]>('select * from public.begin_submission($1, $2, $3, $4, $5)', [
        tenantId,
        endpoint,
        key,
        fingerprint,
        LOCK_SECONDS,
      ]) as Promise<Begun[]>,
  );
  switch (begun?.outcome) {
    case 'replay':
      return new Response(begun.body, {
        status: begun.status ?? 200,
        headers: { ...begun.headers, 'idempotent-replayed': 'true' },
      });
    case 'in_progress':
      throw new ApiError(
        409,
        'idempotency_key_in_progress',
        `a request with Idempotency-Key ${String(key)} is still running: retry shortly`,
        { 'retry-after': String(begun.retry_after ?? 1) },
      );
    case 'key_reused':
      throw new ApiError(
        422,
        'idempotency_key_reused',
        `Idempotency-Key ${String(key)} was used in the last 24 hours for another request: use a new key for a new request`,
      );
    case 'rate_limited':
      throw new ApiError(
        429,
        'rate_limited',
        `your tenant may submit ${String(begun.per_minute)} ${endpoint} a minute: retry after ${String(begun.retry_after)} s`,
        { 'retry-after': String(begun.retry_after ?? 1) },
      );
    case 'proceed':
      break;
    default:
      // Not a registered tenant: the endpoint refuses it in its own words.
      return handle(forward);
  }
  if (key === null) return handle(forward);
  let response: Response | undefined;
  try {
    response = await handle(forward);
  } finally {
    // The answer stands whether or not it could be kept: a key left held expires with its lock.
    await settle(s, tenantId, endpoint, key, response).catch((error: unknown) =>
      console.error(
        JSON.stringify({ level: 'warn', msg: 'idempotency key not settled', error: String(error) }),
      ),
    );
  }
  return response;
}

/**
 * Keeps a 2xx answer under the key, or releases the key for any other (and for a failure), so
 * that the retry runs again. The response stays unread: its body is cloned for keeping.
 */
async function settle(
  s: Services,
  tenantId: string,
  endpoint: SubmissionEndpoint,
  key: string,
  response: Response | undefined,
): Promise<void> {
  if (response?.ok) {
    const headers = Object.fromEntries(
      KEPT_HEADERS.flatMap((name) => {
        const value = response.headers.get(name);
        return value === null ? [] : [[name, value]];
      }),
    );
    const body = await response.clone().text();
    await asService(
      s.sql,
      (tx) => tx`update public.idempotency_keys
        set status = ${response.status}, headers = ${tx.json(headers)}, body = ${body}, locked_until = null
        where tenant_id = ${tenantId} and endpoint = ${endpoint} and key = ${key}`,
    );
    return;
  }
  await asService(
    s.sql,
    (tx) => tx`delete from public.idempotency_keys
      where tenant_id = ${tenantId} and endpoint = ${endpoint} and key = ${key}
        and status is null`,
  );
}
