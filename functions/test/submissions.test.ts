// Submissions (POST /jobs, POST /datasets): an Idempotency-Key makes a retry answer what the first
// request was answered, and each tenant's submissions are rate limited in Postgres.
import { assert, assertEquals, assertMatch } from './assert.ts';
import { admin, call, newTenant, test } from './helpers.ts';

const buffer = (distance = 5) => ({
  type: 'buffer',
  params: { geojson: { type: 'Point', coordinates: [1, 1] }, distance_m: distance },
});

const count = async (table: 'jobs' | 'datasets', tenant: string): Promise<number> => {
  const [row] = await admin.unsafe<{ n: number }[]>(
    `select count(*)::int as n from public.${table} where tenant_id = $1`,
    [tenant],
  );
  return row?.n ?? -1;
};

test('POST /jobs retried with its Idempotency-Key answers the first job, same status and body; one job recorded', async () => {
  const tenant = await newTenant();
  const headers = { 'idempotency-key': `job-${crypto.randomUUID()}` };
  const first = await call('POST', '/jobs', { token: tenant.token, body: buffer(), headers });
  assertEquals(first.status, 201, JSON.stringify(first.body));
  const again = await call('POST', '/jobs', { token: tenant.token, body: buffer(), headers });
  assertEquals([again.status, again.body], [201, first.body]);
  assertEquals(again.headers.get('location'), first.headers.get('location'));
  assertEquals(again.headers.get('idempotent-replayed'), 'true');
  assertEquals(await count('jobs', tenant.id), 1);
});

test('concurrent retries with one Idempotency-Key record one job: each answer is that job or 409 in progress', async () => {
  const tenant = await newTenant();
  const headers = { 'idempotency-key': crypto.randomUUID() };
  const answers = await Promise.all(
    Array.from({ length: 6 }, () =>
      call('POST', '/jobs', { token: tenant.token, body: buffer(), headers }),
    ),
  );
  const ids = new Set(answers.filter((a) => a.status === 201).map((a) => a.body['id']));
  assertEquals(ids.size, 1);
  for (const answer of answers.filter((a) => a.status !== 201)) {
    assertEquals([answer.status, answer.body['code']], [409, 'idempotency_key_in_progress']);
    assert(answer.headers.get('retry-after'), 'Retry-After is set');
  }
  assertEquals(await count('jobs', tenant.id), 1);
});

test('an Idempotency-Key reused with another body gets 422 idempotency_key_reused', async () => {
  const tenant = await newTenant();
  const headers = { 'idempotency-key': 'reused-key' };
  assertEquals(
    (await call('POST', '/jobs', { token: tenant.token, body: buffer(5), headers })).status,
    201,
  );
  const other = await call('POST', '/jobs', { token: tenant.token, body: buffer(6), headers });
  assertEquals([other.status, other.body['code']], [422, 'idempotency_key_reused']);
  assertEquals(await count('jobs', tenant.id), 1);
});

test('Idempotency-Keys are scoped per tenant, and a refused first request is not kept', async () => {
  const a = await newTenant();
  const b = await newTenant();
  const headers = { 'idempotency-key': 'shared-key' };
  const fromA = await call('POST', '/jobs', { token: a.token, body: buffer(), headers });
  const fromB = await call('POST', '/jobs', { token: b.token, body: buffer(), headers });
  assertEquals([fromA.status, fromB.status], [201, 201]);
  assert(fromA.body['id'] !== fromB.body['id'], 'each tenant has its own job');
  const invalid = { type: 'buffer', params: {} };
  const bad = { 'idempotency-key': 'first-was-bad' };
  assertEquals(
    (await call('POST', '/jobs', { token: a.token, body: invalid, headers: bad })).status,
    400,
  );
  assertEquals(
    (await call('POST', '/jobs', { token: a.token, body: buffer(), headers: bad })).status,
    201,
  );
});

test('POST /datasets retried with its Idempotency-Key answers the same dataset and upload URL', async () => {
  const tenant = await newTenant();
  const headers = { 'idempotency-key': crypto.randomUUID() };
  const body = { name: 'scene', file: 'scene.tif', bytes: 1234 };
  const first = await call('POST', '/datasets', { token: tenant.token, body, headers });
  const again = await call('POST', '/datasets', { token: tenant.token, body, headers });
  assertEquals(first.status, 201, JSON.stringify(first.body));
  assertEquals([again.status, again.body], [201, first.body]);
  assertEquals(await count('datasets', tenant.id), 1);
});

test('a malformed Idempotency-Key gets 400 invalid_idempotency_key', async () => {
  const tenant = await newTenant();
  const answer = await call('POST', '/jobs', {
    token: tenant.token,
    body: buffer(),
    headers: { 'idempotency-key': 'k'.repeat(256) },
  });
  assertEquals([answer.status, answer.body['code']], [400, 'invalid_idempotency_key']);
  assertEquals(await count('jobs', tenant.id), 0);
});

test("a tenant's submissions are rate limited per endpoint: 429 rate_limited with Retry-After", async () => {
  const tenant = await newTenant();
  const [defaults] = await admin<
    { job_submissions_per_minute: number; dataset_submissions_per_minute: number }[]
  >`select job_submissions_per_minute, dataset_submissions_per_minute from public.tenants where id = ${tenant.id}`;
  assertEquals(
    [defaults?.job_submissions_per_minute, defaults?.dataset_submissions_per_minute],
    [1200, 120],
  );
  await admin`update public.tenants set job_submissions_per_minute = 3, dataset_submissions_per_minute = 2 where id = ${tenant.id}`;
  const jobs = [];
  for (let i = 0; i < 4; i++)
    jobs.push(await call('POST', '/jobs', { token: tenant.token, body: buffer() }));
  assertEquals(
    jobs.map((a) => a.status),
    [201, 201, 201, 429],
  );
  const limited = jobs[3]!;
  assertEquals(limited.body['code'], 'rate_limited');
  assertMatch(String(limited.body['message']), /3 jobs a minute/);
  const retry = Number(limited.headers.get('retry-after'));
  assert(Number.isInteger(retry) && retry >= 1 && retry <= 20, `Retry-After ${String(retry)}`);
  assertEquals(await count('jobs', tenant.id), 3);
  // The datasets endpoint has its own allowance.
  const datasets = [];
  for (let i = 0; i < 3; i++)
    datasets.push(
      (
        await call('POST', '/datasets', {
          token: tenant.token,
          body: { name: 'a', file: 'a.tif', bytes: 10 },
        })
      ).status,
    );
  assertEquals(datasets, [201, 201, 429]);
});

test('a replayed submission takes no place in the rate limit', async () => {
  const tenant = await newTenant();
  await admin`update public.tenants set job_submissions_per_minute = 1 where id = ${tenant.id}`;
  const headers = { 'idempotency-key': crypto.randomUUID() };
  assertEquals(
    (await call('POST', '/jobs', { token: tenant.token, body: buffer(), headers })).status,
    201,
  );
  assertEquals(
    (await call('POST', '/jobs', { token: tenant.token, body: buffer(), headers })).status,
    201,
  );
  assertEquals((await call('POST', '/jobs', { token: tenant.token, body: buffer() })).status, 429);
});

test('one Idempotency-Key on POST /jobs and on POST /datasets gives two independent answers, each replayed', async () => {
  const tenant = await newTenant();
  const headers = { 'idempotency-key': `both-${crypto.randomUUID()}` };
  const dataset = { name: 'a', file: 'a.tif', bytes: 10 };
  const job = await call('POST', '/jobs', { token: tenant.token, body: buffer(), headers });
  const upload = await call('POST', '/datasets', { token: tenant.token, body: dataset, headers });
  assertEquals([job.status, upload.status], [201, 201], JSON.stringify(upload.body));
  const jobAgain = await call('POST', '/jobs', { token: tenant.token, body: buffer(), headers });
  const uploadAgain = await call('POST', '/datasets', {
    token: tenant.token,
    body: dataset,
    headers,
  });
  assertEquals([jobAgain.status, jobAgain.body], [201, job.body]);
  assertEquals([uploadAgain.status, uploadAgain.body], [201, upload.body]);
  assertEquals(
    [jobAgain, uploadAgain].map((a) => a.headers.get('idempotent-replayed')),
    ['true', 'true'],
  );
  assertEquals([await count('jobs', tenant.id), await count('datasets', tenant.id)], [1, 1]);
});

test('a submission that waited on its bucket never moves the bucket back in time', async () => {
  const tenant = await newTenant();
  assertEquals((await call('POST', '/jobs', { token: tenant.token, body: buffer() })).status, 201);
  let written = '';
  let waited: Promise<unknown> = Promise.resolve();
  await admin.begin(async (tx) => {
    await tx`select 1 from public.submission_buckets
      where tenant_id = ${tenant.id} and endpoint = 'jobs' for update`;
    // Its transaction starts now and waits on the row this one holds.
    waited = call('POST', '/jobs', { token: tenant.token, body: buffer() });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const [row] = await tx<{ at: string }[]>`update public.submission_buckets
      set refilled_at = clock_timestamp() where tenant_id = ${tenant.id} and endpoint = 'jobs'
      returning (extract(epoch from refilled_at) * 1e6)::bigint::text as at`;
    written = row?.at ?? '';
  });
  await waited;
  const [after] = await admin<{ at: string }[]>`
    select (extract(epoch from refilled_at) * 1e6)::bigint::text as at
    from public.submission_buckets where tenant_id = ${tenant.id} and endpoint = 'jobs'`;
  assert(
    BigInt(after?.at ?? 0) >= BigInt(written),
    `refilled_at ${String(after?.at)} < ${written}`,
  );
});

test("POST /jobs sweeps too: another tenant's expired Idempotency-Key is deleted without any POST /datasets", async () => {
  const tenant = await newTenant();
  const other = await newTenant();
  const headers = { 'idempotency-key': crypto.randomUUID() };
  assertEquals(
    (await call('POST', '/jobs', { token: other.token, body: buffer(), headers })).status,
    201,
  );
  await admin`update public.idempotency_keys set expires_at = now() - interval '1 second'
    where tenant_id = ${other.id}`;
  const left = async () =>
    (
      await admin<{ n: number }[]>`select count(*)::int as n from public.idempotency_keys
      where tenant_id = ${other.id}`
    )[0]?.n;
  // A sweep starts at most once a minute in the API's isolate: a POST /jobs every second
  // reaches one within the minute.
  const until = Date.now() + 70_000;
  while ((await left()) !== 0 && Date.now() < until) {
    await call('POST', '/jobs', { token: tenant.token, body: buffer() });
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  assertEquals(await left(), 0);
});
