import { assertEquals, assertMatch } from './assert.ts';
import { admin, call, newTenant, readyDataset, test } from './helpers.ts';

// Tenant A's data against tenant B, through the API and through SQL run as `authenticated` with
// B's claims, as PostgREST or a leaked connection would run it: RLS is the guard.
test("tenant B can neither read, list, complete, use, cancel nor presign tenant A's datasets and jobs", async () => {
  const a = await newTenant();
  const b = await newTenant();
  const dataset = await readyDataset(a.token);
  const pending = await call('POST', '/datasets', {
    token: a.token,
    body: { name: 'p', file: 'p.tif', bytes: 10 },
  });
  const pendingId = String((pending.body['dataset'] as Record<string, unknown>)['id']);
  const job = await call('POST', '/jobs', {
    token: a.token,
    body: {
      type: 'ndvi',
      params: { input: { dataset_id: dataset.id, file: dataset.file }, red_band: 3, nir_band: 4 },
    },
  });
  const jobId = String(job.body['id']);
  const asB = (method: string, path: string, body?: unknown) =>
    call(method, path, { token: b.token, ...(body === undefined ? {} : { body }) });
  assertEquals((await asB('GET', `/datasets/${dataset.id}`)).status, 404);
  assertEquals((await asB('POST', `/datasets/${pendingId}/complete`)).status, 404);
  assertEquals((await asB('GET', `/jobs/${jobId}`)).status, 404);
  assertEquals((await asB('POST', `/jobs/${jobId}/cancel`)).status, 404);
  assertEquals((await asB('GET', '/datasets')).body['items'], []);
  assertEquals((await asB('GET', '/jobs')).body['items'], []);
  // Presigning A's result or input through a job of B's: the dataset is not B's to name.
  const borrowed = await asB('POST', '/jobs', {
    type: 'ndvi',
    params: { input: { dataset_id: dataset.id, file: dataset.file }, red_band: 3, nir_band: 4 },
  });
  assertEquals(borrowed.status, 404);
  // A's job is untouched by all of it.
  assertEquals((await call('GET', `/jobs/${jobId}`, { token: a.token })).body['status'], 'queued');
});

test("SQL as `authenticated` with tenant B's claims sees and changes none of tenant A's rows", async () => {
  const a = await newTenant();
  const b = await newTenant();
  const dataset = await readyDataset(a.token);
  const job = await call('POST', '/jobs', {
    token: a.token,
    body: {
      type: 'ndvi',
      params: { input: { dataset_id: dataset.id, file: dataset.file }, red_band: 3, nir_band: 4 },
    },
  });
  const jobId = String(job.body['id']);
  const claims = JSON.stringify({
    role: 'authenticated',
    sub: crypto.randomUUID(),
    app_metadata: { tenant_id: b.id },
  });
  const asB = <T>(work: (tx: typeof admin) => Promise<T>): Promise<T> =>
    admin.begin(async (tx) => {
      await tx`select set_config('request.jwt.claims', ${claims}, true)`;
      await tx.unsafe('set local role authenticated');
      return work(tx as unknown as typeof admin);
    }) as Promise<T>;
  assertEquals(await asB((tx) => tx`select id from public.datasets`), []);
  assertEquals(await asB((tx) => tx`select id from public.jobs`), []);
  assertEquals(await asB((tx) => tx`select id from public.tenants where id = ${a.id}`), []);
  assertEquals(await asB((tx) => tx`select job_id from public.job_events`), []);
  assertEquals(
    (
      await asB(
        (tx) => tx`update public.jobs set status = 'canceled' where id = ${jobId} returning id`,
      )
    ).length,
    0,
  );
  for (const [statement, message] of [
    [
      // Refused before row-level security looks: users insert the request's columns only.
      `insert into public.datasets (tenant_id, name, file, content_type, declared_bytes) values ('${a.id}', 'x', 'x.tif', 'image/tiff', 1)`,
      /permission denied/,
    ],
    [
      `insert into public.jobs (tenant_id, type, params) values ('${a.id}', 'ndvi', '{}')`,
      /permission denied/,
    ],
    [`update public.jobs set results = '[]' where id = '${jobId}'`, /permission denied/],
    [`update public.datasets set status = 'ready' where id = '${dataset.id}'`, /permission denied/],
    ['delete from public.jobs', /permission denied/],
  ] as const) {
    let error = '';
    try {
      await asB((tx) => tx.unsafe(statement));
    } catch (e) {
      error = (e as Error).message;
    }
    assertMatch(error, message, statement);
  }
  // B may not forge its own job's progress or results either: only cancelling is a user's change.
  const own = await call('POST', '/jobs', {
    token: b.token,
    body: {
      type: 'buffer',
      params: { geojson: { type: 'Point', coordinates: [1, 1] }, distance_m: 5 },
    },
  });
  let forged = '';
  try {
    await asB(
      (tx) => tx`update public.jobs set status = 'succeeded' where id = ${String(own.body['id'])}`,
    );
  } catch (e) {
    forged = (e as Error).message;
  }
  assertMatch(forged, /row-level security/);
  assertEquals((await call('GET', `/jobs/${jobId}`, { token: a.token })).body['status'], 'queued');
});
