import { assertEquals } from './assert.ts';
import { test } from './helpers.ts';
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

// Redis down, as the API meets it: one line when the outage starts, none per retry, and no stack
// traces from the client or BullMQ, however many requests meet it.
test('a Redis outage is one line in the log, without stack traces', async () => {
  const closed = freePort();
  const port = String(freePort());
  const server = new Deno.Command(Deno.execPath(), {
    args: ['run', '-A', 'serve.ts'],
    cwd: new URL('..', import.meta.url).pathname,
    env: { ...Deno.env.toObject(), REDIS_PORT: String(closed), PORT: port, NO_COLOR: '1' },
    stdout: 'null',
    stderr: 'piped',
  }).spawn();
  const stderr: string[] = [];
  const reading = (async () => {
    for await (const chunk of server.stderr.pipeThrough(new TextDecoderStream()))
      stderr.push(chunk);
  })();
  try {
    const deadline = Date.now() + 30_000;
    let answered = 0;
    while (answered < 3 && Date.now() < deadline) {
      const health = await fetch(`http://127.0.0.1:${port}/functions/v1/health`).catch(() => null);
      if (health) {
        const body = (await health.json()) as { checks: Record<string, string> };
        assertEquals(health.status, 503, JSON.stringify(body));
        assertEquals(body.checks['redis']?.startsWith('failing'), true, JSON.stringify(body));
        answered++;
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    assertEquals(answered, 3, 'the API answered /health');
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
  const outages = log.split('\n').filter((line) => line.includes('redis unreachable, retrying'));
  assertEquals(outages.length, 1, log);
  assertEquals(/^\s+at /m.test(log) || log.includes('Unhandled error'), false, log);
});
