import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import postgres from 'postgres';
import { PostgresContainer, type StartedPostgresContainer } from '../src/services/postgres.js';

// postgres.js, the driver of the dispatcher and the API, when the server drops a connection
// under a transaction, as it does when it stops or a backend is terminated. postgres.js 3.4.9
// writes begin()'s own ROLLBACK to the closed socket from a timer: the process dies of an
// uncaught TypeError, and a process that survives it has a connection that never writes again
// (porsager/postgres#1208). patches/postgres+3.4.9.patch fixes both; these tests fail without it.
let server: StartedPostgresContainer;
let sql: postgres.Sql;
let admin: postgres.Sql;

beforeAll(async () => {
  server = await new PostgresContainer().start();
  const options = {
    host: server.getHost(),
    port: server.getMappedPort(5432),
    username: server.user,
    password: server.password,
    database: server.database,
    onnotice: () => undefined,
  };
  // One connection, so the next query must use the one that was dropped.
  sql = postgres({ ...options, max: 1, connect_timeout: 5 });
  admin = postgres({ ...options, max: 1 });
}, 120_000);

afterAll(async () => {
  await sql.end({ timeout: 1 });
  await admin.end({ timeout: 1 });
  await server.stop();
});

/** Runs a transaction whose query is in flight when the server terminates its backend. */
async function transactionDroppedMidQuery(): Promise<unknown> {
  let pid: number | undefined;
  const transaction = sql.begin(async (tx) => {
    const [row] = await tx<{ pid: number }[]>`select pg_backend_pid() as pid`;
    pid = row?.pid;
    await tx`select pg_sleep(5)`;
  });
  while (pid === undefined) await new Promise((resolve) => setTimeout(resolve, 20));
  await admin`select pg_terminate_backend(${pid})`;
  return await transaction.then(
    () => 'committed',
    (error: unknown) => (error as { code?: string }).code,
  );
}

describe('postgres.js with a connection dropped under a transaction', () => {
  it('rejects the transaction, throws nothing uncaught, and the pool answers again at once', async () => {
    const uncaught: unknown[] = [];
    const record = (error: unknown) => uncaught.push(error);
    process.on('uncaughtException', record);
    try {
      for (let round = 0; round < 3; round++) {
        expect(await transactionDroppedMidQuery()).toBe('CONNECTION_CLOSED');
        // The terminated backend's own error reaches the first query of the new connection
        // (postgres.js keeps it across the reconnect), so the pool is judged on the next ones.
        await sql`select 1`.catch(() => undefined);
        const started = Date.now();
        const answers = await Promise.all(
          Array.from({ length: 5 }, async () => (await sql<{ one: number }[]>`select 1 as one`)[0]),
        );
        expect(answers).toEqual(Array.from({ length: 5 }, () => ({ one: 1 })));
        // Unpatched, these wait for connect_timeout (5 s) and fail: the write never leaves.
        expect(Date.now() - started).toBeLessThan(2000);
      }
    } finally {
      process.off('uncaughtException', record);
    }
    expect(uncaught).toEqual([]);
  }, 60_000);
});
