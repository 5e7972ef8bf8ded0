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
