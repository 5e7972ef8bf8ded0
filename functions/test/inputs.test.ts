// Bad input of every kind the field sent gets a 4xx with the JSON error, never a 500: limits the
// contracts and the columns must share, text Postgres cannot store, tenants never registered,
// forged cursors.
import { ObjectName } from '@harita/contracts';
import { z } from 'zod';
import { IdempotencyKey } from '../supabase/functions/_shared/submission.ts';
import { DatasetCreate } from '../supabase/functions/datasets/handler.ts';
import { assertEquals, assertMatch } from './assert.ts';
import { admin, call, newTenant, readyDataset, test, token } from './helpers.ts';

/** The longest string a zod string schema admits, from its JSON Schema. */
function maxLength(schema: z.ZodType): number | undefined {
  return (z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as { maxLength?: number })
    .maxLength;
}

/**
 * Every varchar column a request writes, with the schema the API checks it with. A length
 * constraint in the database is only ever declared as varchar(n), so that this list is whole.
 */
const WRITTEN_FROM_REQUESTS: Record<string, z.ZodType> = {
  'datasets.name': DatasetCreate.shape.name,
  'datasets.file': ObjectName,
  'idempotency_keys.key': IdempotencyKey,
};

test("the contracts' limits are the columns' limits, read from information_schema", async () => {
  const columns = await admin<{ column: string; max: number | null }[]>`
    select table_name || '.' || column_name as column, character_maximum_length as max
    from information_schema.columns
    where table_schema = 'public' and data_type = 'character varying'`;
  const limited = Object.fromEntries(columns.map((c) => [c.column, c.max]));
  // Each request-written column as long as its schema, and no varchar column without one.
  for (const [column, schema] of Object.entries(WRITTEN_FROM_REQUESTS))
    assertEquals(limited[column], maxLength(schema), column);
  assertEquals(Object.keys(limited).sort(), Object.keys(WRITTEN_FROM_REQUESTS).sort());
  // No length hidden in a check constraint of those tables, where this test would not see it.
  const tables = [...new Set(Object.keys(WRITTEN_FROM_REQUESTS).map((c) => c.split('.')[0]!))];
  const checks = await admin.unsafe<{ clause: string }[]>(
    `select pg_get_constraintdef(c.oid) as clause from pg_constraint c
     join pg_class t on t.oid = c.conrelid join pg_namespace n on n.oid = t.relnamespace
     where n.nspname = 'public' and c.contype = 'c' and t.relname = any($1::text[])`,
    [tables],
  );
  for (const { clause } of checks)
    assertEquals(/length\([^)]*\)\s*<=|\{\d*,\d+\}/.test(clause), false, clause);
});

test('file names of 201 to 255 characters are stored; longer ones are refused with 400 before any query', async () => {
  const tenant = await newTenant();
  for (const length of [201, 255]) {
    const file = `${'f'.repeat(length - 4)}.tif`;
    const created = await call('POST', '/datasets', {
      token: tenant.token,
      body: { name: 'n'.repeat(200), file, bytes: 10 },
    });
    assertEquals(created.status, 201, `${String(length)}: ${JSON.stringify(created.body)}`);
    assertEquals((created.body['dataset'] as { file: string }).file, file);
  }
  const long = await call('POST', '/datasets', {
    token: tenant.token,
    body: { name: 'n', file: `${'f'.repeat(252)}.tif`, bytes: 10 },
  });
  assertEquals([long.status, long.body['code']], [400, 'invalid_request']);
  assertMatch(String(long.body['message']), /^file: /);
  const longName = await call('POST', '/datasets', {
    token: tenant.token,
    body: { name: 'n'.repeat(201), file: 'a.tif', bytes: 10 },
  });
  assertEquals([longName.status, longName.body['code']], [400, 'invalid_request']);
  assertMatch(String(longName.body['message']), /^name: /);
});

test('an unregistered tenant gets 403 on POST /datasets, as on POST /jobs', async () => {
  const stranger = await token({ tenant: crypto.randomUUID() });
  const dataset = await call('POST', '/datasets', {
    token: stranger,
    body: { name: 'n', file: 'a.tif', bytes: 10 },
  });
  assertEquals([dataset.status, dataset.body['code']], [403, 'forbidden']);
  const job = await call('POST', '/jobs', {
    token: stranger,
    body: {
      type: 'buffer',
      params: { geojson: { type: 'Point', coordinates: [1, 1] }, distance_m: 5 },
    },
  });
  assertEquals([job.status, job.body['code']], [403, 'forbidden']);
});

test('a NUL or a lone surrogate in a name, in job params or in any claim is refused with 422 naming the field', async () => {
  const tenant = await newTenant();
  const refusedAt = (answer: Awaited<ReturnType<typeof call>>, field: string) => {
    assertEquals([answer.status, answer.body['code']], [422, 'unsupported_text'], field);
    assertMatch(String(answer.body['message']), new RegExp(`^${field.replaceAll('.', '\\.')}: `));
  };
  refusedAt(
    await call('POST', '/datasets', {
      token: tenant.token,
      body: { name: 'a\u0000b', file: 'a.tif', bytes: 10 },
    }),
    'name',
  );
  const point = { type: 'Point', coordinates: [1, 1] };
  refusedAt(
    await call('POST', '/jobs', {
      token: tenant.token,
      body: {
        type: 'buffer',
        params: {
          geojson: { type: 'Feature', geometry: point, properties: { label: 'x\u0000' } },
          distance_m: 5,
        },
      },
    }),
    'params.geojson.properties.label',
  );
  refusedAt(
    await call('POST', '/jobs', {
      token: tenant.token,
      raw: '{"type":"buffer","params":{"geojson":{"type":"Feature","geometry":{"type":"Point","coordinates":[1,1]},"properties":{"k":"\\ud800"}},"distance_m":5}}',
      headers: { 'content-type': 'application/json' },
    }),
    'params.geojson.properties.k',
  );
  const dataset = await readyDataset(tenant.token);
  refusedAt(
    await call('POST', '/jobs', {
      token: tenant.token,
      body: {
        type: 'band_math',
        params: {
          input: { dataset_id: dataset.id, file: dataset.file },
          expression: 'a\u0000',
          bands: { a: 1 },
        },
      },
    }),
    'params.expression',
  );
  // A user writes their own user_metadata: every call of theirs is refused, none fails.
  const broken = await token({
    tenant: tenant.id,
    claims: { user_metadata: { name: 'Ada\u0000' } },
  });
  for (const [method, path, body] of [
    ['GET', '/jobs', undefined],
    ['GET', '/datasets', undefined],
    ['GET', `/datasets/${dataset.id}`, undefined],
    ['POST', '/datasets', { name: 'n', file: 'a.tif', bytes: 10 }],
    ['POST', '/jobs', { type: 'buffer', params: { geojson: point, distance_m: 5 } }],
  ] as const)
    refusedAt(await call(method, path, { token: broken, body }), 'user_metadata.name');
  const [count] = await admin<
    { n: number }[]
  >`select count(*)::int as n from public.jobs where tenant_id = ${tenant.id}`;
  assertEquals(count?.n, 0);
});

test('a forged cursor is refused with 400, whatever its time or id', async () => {
  const tenant = await newTenant();
  const cursor = (value: unknown) =>
    btoa(JSON.stringify(value)).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
  const id = crypto.randomUUID();
  for (const forged of [
    { t: '2026-12-01T05:00:00.000000+00:00', i: 'not-a-uuid' },
    { t: '1', i: id },
    { t: '2026-02-30T00:00:00+00:00', i: id },
    { t: '2026-12-01T05:00:00+99:00', i: id },
    { t: '2026-12-01T05:00:00\u0000', i: id },
  ])
    for (const path of ['/jobs', '/datasets']) {
      const answer = await call('GET', `${path}?cursor=${cursor(forged)}`, { token: tenant.token });
      assertEquals(
        [answer.status, answer.body['code']],
        [400, 'invalid_request'],
        JSON.stringify(forged),
      );
    }
});

test('a token whose subject is not a user id gets 401, not a failed cast of auth.uid()', async () => {
  const tenant = await newTenant();
  for (const sub of ['auth0|12345', 42, '']) {
    const odd = await token({ tenant: tenant.id, claims: { sub } });
    for (const [method, path, body] of [
      ['GET', '/jobs', undefined],
      ['POST', '/datasets', { name: 'n', file: 'a.tif', bytes: 10 }],
      [
        'POST',
        '/jobs',
        {
          type: 'buffer',
          params: { geojson: { type: 'Point', coordinates: [1, 1] }, distance_m: 5 },
        },
      ],
    ] as const) {
      const answer = await call(method, path, { token: odd, body });
      assertEquals(
        [answer.status, answer.body['code']],
        [401, 'unauthorized'],
        `${String(sub)} ${method} ${path}`,
      );
      assertMatch(String(answer.body['message']), /\(sub\)/);
    }
  }
});
