import { assertEquals } from './assert.ts';
import { test, token } from './helpers.ts';
import { config } from '../supabase/functions/_shared/config.ts';
import { Storage } from '../supabase/functions/_shared/storage.ts';

// An object store that stops answering is one warning line in the API's log, however many
// requests meet it, and one line when it answers again; never the client library's stack traces.
test('an object store outage is logged once when it starts and once when it ends', async () => {
  const lines: Record<string, unknown>[] = [];
  const original = console.error;
  console.error = (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>);
  try {
    const down = new Storage({ ...config(), S3_ENDPOINT: 'http://127.0.0.1:1' });
    for (let i = 0; i < 5; i++) await down.ping().catch(() => undefined);
    await new Storage(config()).ping();
  } finally {
    console.error = original;
  }
  assertEquals(
    lines.map(({ msg, dependency, reachable, level }) => ({ msg, dependency, reachable, level })),
    [
      {
        msg: 'object-store unreachable, retrying',
        dependency: 'object-store',
        reachable: false,
        level: 'warn',
      },
      {
        msg: 'object-store reachable again',
        dependency: 'object-store',
        reachable: true,
        level: 'info',
      },
    ],
  );
});

/** A port nothing listens on now. */
function freePort(): number {
  const listener = Deno.listen({ hostname: '127.0.0.1', port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

// The database down, as the API meets it: a submission is answered 503 with Retry-After, not
// 500, and nothing is half made, since the job is only ever the row the transaction would commit.
test('with the database down, POST /jobs answers 503 database_unavailable and the log has no stack', async () => {
  const closed = freePort();
  const port = String(freePort());
  const server = new Deno.Command(Deno.execPath(), {
    args: ['run', '-A', 'serve.ts'],
    cwd: new URL('..', import.meta.url).pathname,
    env: {
      ...Deno.env.toObject(),
      SUPABASE_DB_URL: `postgres://postgres:x@127.0.0.1:${String(closed)}/harita`,
      PORT: port,
      NO_COLOR: '1',
    },
    stdout: 'null',
    stderr: 'piped',
  }).spawn();
  const stderr: string[] = [];
  const reading = (async () => {
    for await (const chunk of server.stderr.pipeThrough(new TextDecoderStream()))
      stderr.push(chunk);
  })();
  try {
    const user = await token({ tenant: crypto.randomUUID() });
    const deadline = Date.now() + 30_000;
    let answer: Response | null = null;
    while (!answer && Date.now() < deadline) {
      answer = await fetch(`http://127.0.0.1:${port}/functions/v1/jobs`, {
        method: 'POST',
        headers: { authorization: `Bearer ${user}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          type: 'buffer',
          params: { geojson: { type: 'Point', coordinates: [1, 1] }, distance_m: 5 },
        }),
      }).catch(() => null);
      if (!answer) await new Promise((resolve) => setTimeout(resolve, 500));
    }
    assertEquals(answer?.status, 503);
    assertEquals(answer?.headers.get('retry-after'), '5');
    assertEquals(((await answer?.json()) as { code: string }).code, 'database_unavailable');
  } finally {
    // Already gone is what a crash on an unhandled error looks like: the log below says why.
    try {
      server.kill('SIGTERM');
    } catch {
      // exited
    }
    await server.status;
    await reading;
  }
  const log = stderr.join('');
  assertEquals(/^\s+at /m.test(log) || log.includes('unhandled error'), false, log);
});
