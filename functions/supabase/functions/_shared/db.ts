import { isConnectionError } from '@harita/contracts';
import postgres from 'postgres';
import type { Config } from './config.ts';
import { ApiError } from './http.ts';
import { isUuid } from './route.ts';
import { refuseUnstorableText } from './storable-text.ts';

export type Sql = postgres.Sql;
export type Transaction = postgres.TransactionSql;

let client: Sql | undefined;

/** The pool's size: each isolate holds at most this many connections. */
const POOL_MAX = 5;
let inUse = 0;

/** The pool's use now, for /metrics: connections held by transactions, and the most it opens. */
export function poolUse(): { inUse: number; max: number } {
  return { inUse, max: POOL_MAX };
}

/**
 * The isolate's pool. postgres.js runs with patches/postgres+3.4.9.patch: unpatched, a connection
 * the database drops under a transaction ends the isolate, or leaves a connection that never
 * writes again.
 */
export function database(config: Config): Sql {
  client ??= postgres(config.SUPABASE_DB_URL, {
    max: POOL_MAX,
    idle_timeout: 30,
    connect_timeout: 10,
    onnotice: () => {},
  });
  return client;
}

/** The SQLSTATE of a server's error, if it is one. */
export function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

// postgres.js's own codes for a connection it could not make or lost.
const LOST_CONNECTION = new Set([
  'CONNECT_TIMEOUT',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
]);

/**
 * Whether the database did not answer (down, restarting, unreachable): class 08 (connection
 * exception) and 57P01-57P03 (shut down, crashed, starting up), or no connection at all.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  const state = sqlState(error);
  const code = (error as { code?: unknown } | null)?.code;
  return (
    isConnectionError(error) ||
    (typeof code === 'string' && LOST_CONNECTION.has(code)) ||
    (state !== undefined && (state.startsWith('08') || /^57P0[1-3]$/.test(state)))
  );
}

/**
 * Whether a statement failed the foreign key to `tenants` (23503 on a `*_tenant_id_fkey`): the
 * row names the caller's tenant, which the platform never registered.
 */
function isUnregisteredTenant(error: unknown): boolean {
  const constraint = (error as { constraint_name?: unknown } | null)?.constraint_name;
  return (
    sqlState(error) === '23503' &&
    typeof constraint === 'string' &&
    constraint.endsWith('_tenant_id_fkey')
  );
}

/**
 * A transaction whose failure to reach the database is a 503 with Retry-After: the transaction
 * was never committed, so nothing of the request was made. A row for a tenant the platform never
 * registered is a 403, wherever it is written.
 */
async function transaction<T>(sql: Sql, work: (tx: Transaction) => Promise<T>): Promise<T> {
  inUse++;
  try {
    return (await sql.begin(work)) as T;
  } catch (error) {
    if (isUnregisteredTenant(error))
      throw new ApiError(403, 'forbidden', 'your tenant is not registered');
    if (!isDatabaseUnavailable(error)) throw error;
    throw new ApiError(503, 'database_unavailable', 'the database did not answer; try again', {
      'retry-after': '5',
    });
  } finally {
    inUse--;
  }
}

/**
 * Refuses claims the database cannot read: text Postgres cannot store anywhere in them (a user
 * writes their own user_metadata), or a subject auth.uid() cannot cast to a uuid (a third-party
 * issuer's `sub`, or an empty one).
 * @throws ApiError 422 `unsupported_text` naming the claim, 401 `unauthorized` for the subject
 */
function refuseUnreadableClaims(claims: object): void {
  refuseUnstorableText(claims, "the token's claim");
  const sub = (claims as { sub?: unknown }).sub;
  // '' too: hosted Supabase's auth.uid() casts an empty `sub` as it is, and fails.
  if (sub === undefined || sub === null || (typeof sub === 'string' && isUuid(sub))) return;
  throw new ApiError(
    401,
    'unauthorized',
    "the token's subject (sub) is not a user id: the database reads it as a uuid",
    { 'www-authenticate': 'Bearer' },
  );
}

/**
 * Runs `work` as the user, as Supabase's own API does: in a transaction under the
 * `authenticated` role with the request's JWT claims, so row-level security decides what the
 * statements see and change.
 * @throws ApiError 422 `unsupported_text` for claims Postgres cannot read as jsonb (a user can
 *   write a NUL into their own user_metadata), 401 for a subject that is not a uuid, before any
 *   query;
 *   403 for a row naming an unregistered tenant; 503 `database_unavailable` when the database
 *   does not answer
 */
export async function asUser<T>(
  sql: Sql,
  claims: object,
  work: (tx: Transaction) => Promise<T>,
): Promise<T> {
  refuseUnreadableClaims(claims);
  return await transaction(sql, async (tx) => {
    // Both settings in one round trip; set_config('role', ..., true) is SET LOCAL ROLE.
    await tx`select set_config('request.jwt.claims', ${JSON.stringify(claims)}, true), set_config('role', 'authenticated', true)`;
    return work(tx);
  });
}

/**
 * Runs `work` as the service role, which row-level security lets through.
 * @throws ApiError 503 `database_unavailable` when the database does not answer
 */
export function asService<T>(sql: Sql, work: (tx: Transaction) => Promise<T>): Promise<T> {
  return transaction(sql, async (tx) => {
    await tx.unsafe('set local role service_role');
    return work(tx);
  });
}
