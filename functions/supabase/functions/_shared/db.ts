import postgres from 'postgres';
import type { Config } from './config.ts';

export type Sql = postgres.Sql;
export type Transaction = postgres.TransactionSql;

let client: Sql | undefined;

export function database(config: Config): Sql {
  client ??= postgres(config.SUPABASE_DB_URL, {
    max: 5,
    idle_timeout: 30,
    connect_timeout: 10,
    onnotice: () => {},
  });
  return client;
}

/**
 * Runs `work` as the user, as Supabase's own API does: in a transaction under the
 * `authenticated` role with the request's JWT claims, so row-level security decides what the
 * statements see and change.
 */
export function asUser<T>(
  sql: Sql,
  claims: object,
  work: (tx: Transaction) => Promise<T>,
): Promise<T> {
  return sql.begin(async (tx) => {
    await tx`select set_config('request.jwt.claims', ${JSON.stringify(claims)}, true)`;
    await tx.unsafe('set local role authenticated');
    return work(tx);
  }) as Promise<T>;
}

/** Runs `work` as the service role, which row-level security lets through. */
export function asService<T>(sql: Sql, work: (tx: Transaction) => Promise<T>): Promise<T> {
  return sql.begin(async (tx) => {
    await tx.unsafe('set local role service_role');
    return work(tx);
  }) as Promise<T>;
}
