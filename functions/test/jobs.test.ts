import { assert, assertEquals, assertMatch } from './assert.ts';
import { admin, call, newTenant, putObject, readyDataset, serviceToken, test } from './helpers.ts';

/** A small buffer job submitted through the API: its id. */
async function bufferJob(token: string): Promise<string> {
  const created = await call('POST', '/jobs', {
    token,
    body: {
      type: 'buffer',
      params: { geojson: { type: 'Point', coordinates: [1, 1] }, distance_m: 5 },
    },
  });
  assertEquals(created.status, 201, JSON.stringify(created.body));
  return String(created.body['id']);
}

/** The dispatcher's wake-ups while `during` runs: LISTEN harita_dispatch, as it listens. */
async function notificationsDuring(during: () => Promise<void>): Promise<number> {
  let heard = 0;
  const listener = await admin.listen('harita_dispatch', () => heard++);
  try {
    await during();
    // A notification is delivered after the commit it belongs to, on another connection.
    const deadline = Date.now() + 5000;
    while (heard === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    return heard;
  } finally {
    await listener.unlisten();
  }
}

const ndvi = (dataset: { id: string; file: string }) => ({
  type: 'ndvi',
  params: { input: { dataset_id: dataset.id, file: dataset.file }, red_band: 3, nir_band: 4 },
});

test('a job is recorded, not yet dispatched, and the dispatcher is woken', async () => {
  const tenant = await newTenant();
  const dataset = await readyDataset(tenant.token);
  let created: Awaited<ReturnType<typeof call>> | undefined;
  const heard = await notificationsDuring(async () => {
    created = await call('POST', '/jobs', {
      token: tenant.token,
      body: { ...ndvi(dataset), priority: 'high' },
    });
  });
  assertEquals(created?.status, 201, JSON.stringify(created?.body));
  const id = String(created?.body['id']);
  assertEquals(
    [created?.body['status'], created?.body['progress'], created?.body['tenant_id']],
    ['queued', 0, tenant.id],
  );
  assertEquals(created?.headers.get('location'), `/functions/v1/jobs/${id}`);
  assertEquals(heard, 1);
  const [row] = await admin<
    { tenant_id: string; type: string; params: unknown; priority: string; dispatched_at: null }[]
  >`select tenant_id, type, params, priority, dispatched_at from public.jobs where id = ${id}`;
  // jsonb keeps its keys in its own order: compared as values, key by key.
  const sorted = (value: unknown): string =>
    JSON.stringify(value, (_, v: unknown) =>
      v && typeof v === 'object' && !Array.isArray(v)
        ? Object.fromEntries(Object.entries(v).sort(([x], [y]) => x.localeCompare(y)))
        : v,
    );
  assertEquals(
    sorted(row),
    sorted({ tenant_id: tenant.id, ...ndvi(dataset), priority: 'high', dispatched_at: null }),
  );
});

test('a job on a dataset that is not ready, missing or holding another file is refused', async () => {
  const tenant = await newTenant();
  const pending = await call('POST', '/datasets', {
    token: tenant.token,
    body: { name: 'p', file: 'p.tif', bytes: 10 },
  });
  const pendingId = String((pending.body['dataset'] as Record<string, unknown>)['id']);
  assertEquals(
    (
      await call('POST', '/jobs', {
        token: tenant.token,
        body: ndvi({ id: pendingId, file: 'p.tif' }),
      })
    ).status,
    409,
  );
  assertEquals(
    (
      await call('POST', '/jobs', {
        token: tenant.token,
        body: ndvi({ id: crypto.randomUUID(), file: 'p.tif' }),
      })
    ).status,
    404,
  );
  const ready = await readyDataset(tenant.token);
  assertEquals(
    (
      await call('POST', '/jobs', {
        token: tenant.token,
        body: ndvi({ id: ready.id, file: 'other.tif' }),
      })
    ).status,
    400,
  );
});

test("past the tenant's queued-job quota: 429 with Retry-After, and nothing recorded", async () => {
  const tenant = await newTenant(2);
  const buffer = {
    type: 'buffer',
    params: { geojson: { type: 'Point', coordinates: [10, 45] }, distance_m: 100 },
  };
  for (let i = 0; i < 2; i++)
    assertEquals((await call('POST', '/jobs', { token: tenant.token, body: buffer })).status, 201);
  const refused = await call('POST', '/jobs', { token: tenant.token, body: buffer });
  assertEquals([refused.status, refused.body['code']], [429, 'quota_exceeded']);
  assertEquals(refused.headers.get('retry-after'), '30');
  const [count] = await admin<
    { n: number }[]
  >`select count(*)::int as n from public.jobs where tenant_id = ${tenant.id}`;
  assertEquals(count?.n, 2);
});

test('jobs list by cursor pages with status and type filters', async () => {
  const tenant = await newTenant();
  const dataset = await readyDataset(tenant.token);
  const ids: string[] = [];
  for (let i = 0; i < 3; i++)
    ids.push(
      String(
        (await call('POST', '/jobs', { token: tenant.token, body: ndvi(dataset) })).body['id'],
      ),
    );
  ids.push(
    String(
      (
        await call('POST', '/jobs', {
          token: tenant.token,
          body: {
            type: 'buffer',
            params: { geojson: { type: 'Point', coordinates: [1, 1] }, distance_m: 5 },
          },
        })
      ).body['id'],
    ),
  );
  await call('POST', `/jobs/${ids[0] ?? ''}/cancel`, { token: tenant.token });
  const seen: string[] = [];
  let cursor: string | null = null;
  do {
    const page = await call('GET', `/jobs?limit=3${cursor ? `&cursor=${cursor}` : ''}`, {
      token: tenant.token,
    });
    seen.push(...(page.body['items'] as { id: string }[]).map((j) => j.id));
    cursor = page.body['next_cursor'] as string | null;
  } while (cursor);
  assertEquals(seen, [...ids].reverse());
  const ndviQueued = await call('GET', '/jobs?type=ndvi&status=queued', { token: tenant.token });
  assertEquals(
    (ndviQueued.body['items'] as { id: string }[]).map((j) => j.id),
    [ids[2], ids[1]],
  );
  assertEquals((await call('GET', '/jobs?status=lost', { token: tenant.token })).status, 400);
});

test('cancel: 202, the row canceled and the dispatcher woken to relay it; a second cancel is 409', async () => {
  const tenant = await newTenant();
  const id = await bufferJob(tenant.token);
  let canceled: Awaited<ReturnType<typeof call>> | undefined;
  const heard = await notificationsDuring(async () => {
    canceled = await call('POST', `/jobs/${id}/cancel`, { token: tenant.token });
  });
  assertEquals([canceled?.status, canceled?.body['status']], [202, 'canceled']);
  assertEquals(heard, 1);
  const again = await call('POST', `/jobs/${id}/cancel`, { token: tenant.token });
  assertEquals(again.status, 409);
  assertMatch(String(again.body['message']), /already been canceled/);
});

test('the dispatcher role reads jobs and sets their dispatch fields, and nothing more', async () => {
  const tenant = await newTenant();
  const id = await bufferJob(tenant.token);
  const asDispatcher = (statement: string) =>
    admin.begin(async (tx) => {
      await tx.unsafe('set local role harita_dispatcher');
      return tx.unsafe(statement, [id]);
    });
  const claimed = await asDispatcher(
    `select id, tenant_id, type, params, priority from public.jobs
     where id = $1 and dispatched_at is null for update skip locked`,
  );
  assertEquals(claimed.length, 1);
  assertEquals(
    (await asDispatcher('update public.jobs set dispatched_at = now() where id = $1 returning id'))
      .length,
    1,
  );
  for (const forbidden of [
    "update public.jobs set status = 'succeeded' where id = $1",
    'update public.jobs set params = params where id = $1',
    'select results from public.jobs where id = $1',
    'delete from public.jobs where id = $1',
    'insert into public.jobs (id, tenant_id, type, params) select gen_random_uuid(), tenant_id, type, params from public.jobs where id = $1',
    'select id from public.datasets where id = $1',
  ]) {
    const error = await asDispatcher(forbidden).then(
      () => undefined,
      (e: unknown) => e as { code?: string },
    );
    assertEquals(error?.code, '42501', forbidden);
  }
});

test('job events move a job forward only, once each, and its results come back as expiring URLs', async () => {
  const tenant = await newTenant();
  const dataset = await readyDataset(tenant.token);
  const id = String(
    (await call('POST', '/jobs', { token: tenant.token, body: ndvi(dataset) })).body['id'],
  );
  const service = await serviceToken();
  const key = `tenants/${tenant.id}/jobs/${id}/ndvi.tif`;
  const event = (
    sequence: number,
    status: string,
    progress: number,
    extra: Record<string, unknown> = {},
  ) =>
    call('POST', '/job-events', {
      token: service,
      body: {
        job_id: id,
        tenant_id: tenant.id,
        attempt: 1,
        sequence,
        status,
        progress,
        at: new Date().toISOString(),
        ...extra,
      },
    });
  assertEquals((await event(0, 'running', 0)).body, { applied: true, status: 'running' });
  assertEquals((await event(1, 'running', 40)).body, { applied: true, status: 'running' });
  assertEquals((await event(1, 'running', 40)).body, { applied: false, status: 'running' });
  const running = await call('GET', `/jobs/${id}`, { token: tenant.token });
  assertEquals([running.body['status'], running.body['progress']], ['running', 40]);
  // The result object itself, so its URL can be fetched.
  await putObject(key, new TextEncoder().encode('bytes'));
  const results = [
    {
      key,
      media_type: 'image/tiff; application=geotiff; profile=cloud-optimized',
      bytes: 5,
      sha256: 'a'.repeat(64),
    },
  ];
  assertEquals((await event(2, 'succeeded', 100, { results })).body, {
    applied: true,
    status: 'succeeded',
  });
  // An ended job takes no more events: a second run's start is told so, and is not recorded.
  assertEquals((await event(3, 'running', 50)).body, { applied: false, status: 'succeeded' });
  const rerun = await call('POST', '/job-events', {
    token: service,
    body: {
      job_id: id,
      tenant_id: tenant.id,
      attempt: 2,
      sequence: 0,
      status: 'running',
      progress: 0,
      at: new Date().toISOString(),
    },
  });
  assertEquals(rerun.body, { applied: false, status: 'succeeded' });
  const done = await call('GET', `/jobs/${id}`, { token: tenant.token });
  assertEquals(
    [done.body['status'], done.body['progress'], done.body['attempts']],
    ['succeeded', 100, 1],
  );
  const result = (done.body['results'] as { key: string; url: string; expires_at: string }[])[0];
  assertEquals(result?.key, key);
  assertMatch(result?.url ?? '', /X-Amz-Expires=3600/);
  assert(Date.parse(result?.expires_at ?? '') > Date.now());
  assertEquals(await (await fetch(result?.url ?? '')).text(), 'bytes');
  const [events] = await admin<
    { n: number }[]
  >`select count(*)::int as n from public.job_events where job_id = ${id}`;
  assertEquals(events?.n, 3);
  const unknown = await call('POST', '/job-events', {
    token: service,
    body: {
      job_id: crypto.randomUUID(),
      tenant_id: tenant.id,
      attempt: 1,
      sequence: 0,
      status: 'running',
      progress: 0,
      at: new Date().toISOString(),
    },
  });
  assertEquals(unknown.status, 404);
  const otherTenant = await call('POST', '/job-events', {
    token: service,
    body: {
      job_id: id,
      tenant_id: crypto.randomUUID(),
      attempt: 1,
      sequence: 9,
      status: 'failed',
      progress: 0,
      at: new Date().toISOString(),
    },
  });
  assertEquals(otherTenant.status, 409);
});

/** POST /jobs as the tenant's user. */
async function submit(token: string, body: unknown) {
  return await call('POST', '/jobs', { token, body });
}

/** How many jobs the tenant has recorded. */
async function jobCount(tenantId: string): Promise<number> {
  const [row] = await admin<
    { n: number }[]
  >`select count(*)::int as n from public.jobs where tenant_id = ${tenantId}`;
  return row?.n ?? -1;
}

test("bands past the dataset's recorded band count are refused with 422, naming the field", async () => {
  const tenant = await newTenant();
  const dataset = await readyDataset(tenant.token); // 4 bands
  const input = { dataset_id: dataset.id, file: dataset.file };
  const cases: [unknown, string][] = [
    [{ type: 'ndvi', params: { input, red_band: 3, nir_band: 5 } }, 'params.nir_band'],
    [
      { type: 'band_math', params: { input, expression: 'a + b', bands: { a: 1, b: 9 } } },
      'params.bands.b',
    ],
    [
      {
        type: 'zonal_stats',
        params: {
          input,
          band: 7,
          zones: {
            type: 'FeatureCollection',
            features: [
              {
                type: 'Feature',
                properties: null,
                geometry: {
                  type: 'Polygon',
                  coordinates: [
                    [
                      [0, 0],
                      [1, 0],
                      [1, 1],
                      [0, 0],
                    ],
                  ],
                },
              },
            ],
          },
        },
      },
      'params.band',
    ],
    [
      { type: 'inference', params: { input, model: 'landcover', bands: [1, 2, 3, 5] } },
      'params.bands.3',
    ],
  ];
  for (const [body, field] of cases) {
    const refused = await submit(tenant.token, body);
    assertEquals([refused.status, refused.body['code']], [422, 'band_out_of_range'], field);
    assertMatch(
      String(refused.body['message']),
      new RegExp(`^${field}: band \\d+ is past the 4 bands`),
    );
  }
  assertEquals(await jobCount(tenant.id), 0);
  const within = await submit(tenant.token, {
    type: 'band_math',
    params: { input, expression: '(b - a) / (b + a)', bands: { a: 1, b: 4 } },
  });
  assertEquals(within.status, 201, JSON.stringify(within.body));
});

test('a band-math expression is checked against the grammar the engine parses, at submission', async () => {
  const tenant = await newTenant();
  const dataset = await readyDataset(tenant.token);
  const input = { dataset_id: dataset.id, file: dataset.file };
  const bandMath = (expression: string, bands: Record<string, number> = { a: 1, b: 2 }) =>
    submit(tenant.token, { type: 'band_math', params: { input, expression, bands } });
  for (const [expression, message] of [
    ['(a + b', /^params\.expression: expected "\)"/],
    ['a + c', /^params\.expression: the expression reads "c", which is not named/],
    ['a $ b', /^params\.expression: unexpected "\$" at column 3/],
    ['nosuch(a)', /^params\.expression: unknown function "nosuch"/],
    ['min(a)', /^params\.expression: min takes 2 to 16 arguments, not 1/],
    ['toString + a', /^params\.expression: the expression reads "toString"/],
    [
      '('.repeat(200) + 'a' + ')'.repeat(200),
      /^params\.expression: the expression nests too deeply/,
    ],
  ] as const) {
    const refused = await bandMath(expression);
    assertEquals([refused.status, refused.body['code']], [422, 'invalid_expression'], expression);
    assertMatch(String(refused.body['message']), message);
  }
  assertEquals(await jobCount(tenant.id), 0);
  assertEquals((await bandMath('where(a > b, sqrt(a), -b ** 2)')).status, 201);
});

test("an inference job's model must be served and take as many bands as the job gives", async () => {
  const tenant = await newTenant();
  const dataset = await readyDataset(tenant.token);
  const input = { dataset_id: dataset.id, file: dataset.file };
  const inference = (params: Record<string, unknown>) =>
    submit(tenant.token, { type: 'inference', params: { input, model: 'landcover', ...params } });
  const unknown = await inference({ model: 'no_such_model' });
  assertEquals([unknown.status, unknown.body['code']], [422, 'unknown_model']);
  assertMatch(
    String(unknown.body['message']),
    /^params\.model: model 'no_such_model' is not served/,
  );
  const version = await inference({ model_version: 999 });
  assertEquals([version.status, version.body['code']], [422, 'unknown_model']);
  assertMatch(String(version.body['message']), /^params\.model_version: /);
  const shape = await inference({ bands: [1, 2, 3] });
  assertEquals([shape.status, shape.body['code']], [422, 'model_input_mismatch']);
  assertMatch(
    String(shape.body['message']),
    /^params\.bands: model 'landcover' takes 4 bands and the job gives 3/,
  );
  assertEquals(await jobCount(tenant.id), 0);
  const fits = await inference({ bands: [1, 2, 3, 4] });
  assertEquals(fits.status, 201, JSON.stringify(fits.body));
});
