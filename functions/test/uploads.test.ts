// Uploads are single-use: the client PUTs to a staging key, /complete copies what it validated to
// the key the worker reads, and nothing a later PUT sends reaches it. Uploads never completed are
// swept, and each tenant's pending uploads are capped.
import { datasetKey } from '@harita/contracts';
import { assert, assertEquals, assertMatch } from './assert.ts';
import { admin, call, geotiff, newTenant, serviceToken, test } from './helpers.ts';
import { keysUnder, objectAt } from './store.ts';

interface Created {
  id: string;
  url: string;
  headers: Record<string, string>;
}

async function create(token: string, bytes: number, file = 'scene.tif'): Promise<Created> {
  const created = await call('POST', '/datasets', {
    token,
    body: { name: 'scene', file, bytes },
  });
  assertEquals(created.status, 201, JSON.stringify(created.body));
  const upload = created.body['upload'] as { url: string; headers: Record<string, string> };
  return {
    id: String((created.body['dataset'] as Record<string, unknown>)['id']),
    url: upload.url,
    headers: upload.headers,
  };
}

async function put(upload: Created, body: Uint8Array): Promise<void> {
  const response = await fetch(upload.url, {
    method: 'PUT',
    body: new Uint8Array(body),
    headers: upload.headers,
  });
  await response.body?.cancel();
  assert(response.ok, `the upload answered ${String(response.status)}`);
}

const complete = (token: string, id: string) => call('POST', `/datasets/${id}/complete`, { token });

const sweep = async () => {
  const answer = await call('POST', '/datasets/sweep', { token: await serviceToken() });
  assertEquals(answer.status, 200, JSON.stringify(answer.body));
  return answer;
};

/** Makes a dataset's upload URL, and its time to complete, lie in the past. */
const expire = (id: string) =>
  admin`update public.datasets set upload_expires_at = now() - interval '2 hours',
        complete_by = now() - interval '1 hour' where id = ${id}`;

test('a PUT to the upload URL after /complete changes nothing: the validated file stays what the worker reads', async () => {
  const tenant = await newTenant();
  const file = await geotiff({ width: 40, height: 30, bands: 2 });
  const upload = await create(tenant.token, file.length);
  await put(upload, file);
  const completed = await complete(tenant.token, upload.id);
  assertEquals(completed.status, 200, JSON.stringify(completed.body));
  const garbage = new Uint8Array(file.length).fill(0x5a);
  // The URL may still be live; whatever it takes in, no one reads.
  const late = await fetch(upload.url, { method: 'PUT', body: garbage, headers: upload.headers });
  await late.body?.cancel();
  const stored = await objectAt(datasetKey(tenant.id, upload.id, 'scene.tif'));
  assertEquals(stored && Array.from(stored), Array.from(file));
  const got = await call('GET', `/datasets/${upload.id}`, { token: tenant.token });
  assertEquals([got.body['status'], Number(got.body['bytes'])], ['ready', file.length]);
  // Once the URL has expired, the sweep removes what the late PUT left.
  await expire(upload.id);
  await sweep();
  assertEquals(await keysUnder(`uploads/${tenant.id}/${upload.id}/`), []);
});

test('after a rejection, a PUT to the URL makes no object a dataset owns, and the sweep removes it', async () => {
  const tenant = await newTenant();
  const text = new TextEncoder().encode('not a raster, only some words in a file');
  const upload = await create(tenant.token, text.length);
  await put(upload, text);
  const rejected = await complete(tenant.token, upload.id);
  assertEquals([rejected.status, rejected.body['code']], [422, 'invalid_raster']);
  await put(upload, text);
  assertEquals(await objectAt(datasetKey(tenant.id, upload.id, 'scene.tif')), null);
  await expire(upload.id);
  await sweep();
  assertEquals(await keysUnder(`uploads/${tenant.id}/${upload.id}/`), []);
  assertEquals(await keysUnder(`tenants/${tenant.id}/datasets/${upload.id}/`), []);
});

test('an upload never completed is abandoned by the sweep: rejected, its file removed, no longer completable', async () => {
  const tenant = await newTenant();
  const file = await geotiff();
  const upload = await create(tenant.token, file.length);
  await put(upload, file);
  await expire(upload.id);
  await sweep();
  const got = await call('GET', `/datasets/${upload.id}`, { token: tenant.token });
  assertEquals(got.body['status'], 'rejected');
  assertMatch(String(got.body['error']), /not completed/);
  assertEquals(await keysUnder(`uploads/${tenant.id}/${upload.id}/`), []);
  const late = await complete(tenant.token, upload.id);
  assertEquals(late.status, 409, JSON.stringify(late.body));
});

test('past its time to complete, /complete answers 410 upload_expired and the dataset is rejected', async () => {
  const tenant = await newTenant();
  const file = await geotiff();
  const upload = await create(tenant.token, file.length);
  await put(upload, file);
  await expire(upload.id);
  const late = await complete(tenant.token, upload.id);
  assertEquals([late.status, late.body['code']], [410, 'upload_expired']);
  const got = await call('GET', `/datasets/${upload.id}`, { token: tenant.token });
  assertEquals(got.body['status'], 'rejected');
  assertEquals(await objectAt(datasetKey(tenant.id, upload.id, 'scene.tif')), null);
});

test('the sweep is the service role’s: a user gets 403', async () => {
  const tenant = await newTenant();
  const answer = await call('POST', '/datasets/sweep', { token: tenant.token });
  assertEquals([answer.status, answer.body['code']], [403, 'forbidden']);
});

test("a tenant's pending uploads are capped by count: 429 pending_uploads_limit with Retry-After", async () => {
  const tenant = await newTenant();
  const [defaults] = await admin<
    { max_pending_datasets: number; max_pending_bytes: string }[]
  >`select max_pending_datasets, max_pending_bytes from public.tenants where id = ${tenant.id}`;
  assertEquals(
    [defaults?.max_pending_datasets, Number(defaults?.max_pending_bytes)],
    [20, 100 * 1024 ** 3],
  );
  // What one tenant did: ask for 200 uploads of 10 GiB each.
  const answers: number[] = [];
  for (let i = 0; i < 25; i++) {
    const created = await call('POST', '/datasets', {
      token: tenant.token,
      body: { name: `big ${String(i)}`, file: 'big.tif', bytes: 4 * 1024 ** 3 },
    });
    answers.push(created.status);
    if (created.status === 429) {
      assertEquals(created.body['code'], 'pending_uploads_limit');
      const retry = Number(created.headers.get('retry-after'));
      assert(Number.isInteger(retry) && retry >= 1, `Retry-After ${String(retry)}`);
      assertMatch(String(created.body['message']), /20 uploads pending/);
    }
  }
  assertEquals(answers.filter((s) => s === 201).length, 20);
  assertEquals(answers.slice(20), [429, 429, 429, 429, 429]);
  const [count] = await admin<
    { n: number }[]
  >`select count(*)::int as n from public.datasets where tenant_id = ${tenant.id}`;
  assertEquals(count?.n, 20);
});

test("a tenant's pending uploads are capped by declared bytes: 429 past the sum, 413 past the cap alone", async () => {
  const tenant = await newTenant();
  await admin`update public.tenants set max_pending_bytes = 1000 where id = ${tenant.id}`;
  const first = await create(tenant.token, 600);
  const over = await call('POST', '/datasets', {
    token: tenant.token,
    body: { name: 'more', file: 'more.tif', bytes: 500 },
  });
  assertEquals([over.status, over.body['code']], [429, 'pending_uploads_limit']);
  assertMatch(String(over.body['message']), /1000 bytes/);
  assert(Number(over.headers.get('retry-after')) >= 1, 'Retry-After is set');
  const alone = await call('POST', '/datasets', {
    token: tenant.token,
    body: { name: 'huge', file: 'huge.tif', bytes: 1001 },
  });
  assertEquals([alone.status, alone.body['code']], [413, 'payload_too_large']);
  // An abandoned upload no longer counts.
  await expire(first.id);
  assertEquals(
    (
      await call('POST', '/datasets', {
        token: tenant.token,
        body: { name: 'more', file: 'more.tif', bytes: 500 },
      })
    ).status,
    201,
  );
});

test('users may not write the upload and limit columns', async () => {
  const tenant = await newTenant();
  const claims = JSON.stringify({ role: 'authenticated', app_metadata: { tenant_id: tenant.id } });
  for (const statement of [
    `insert into public.datasets (name, file, content_type, declared_bytes, complete_by) values ('x', 'x.tif', 'image/tiff', 1, now() + interval '9 years')`,
    `insert into public.datasets (name, file, content_type, declared_bytes, upload_nonce) values ('x', 'x.tif', 'image/tiff', 1, gen_random_uuid())`,
    `update public.tenants set max_pending_datasets = 100000 where id = '${tenant.id}'`,
    `update public.tenants set job_submissions_per_minute = 100000 where id = '${tenant.id}'`,
  ]) {
    let error = '';
    try {
      await admin.begin(async (tx) => {
        await tx`select set_config('request.jwt.claims', ${claims}, true)`;
        await tx.unsafe('set local role authenticated');
        await tx.unsafe(statement);
      });
    } catch (e) {
      error = (e as Error).message;
    }
    assertMatch(error, /permission denied/, statement);
  }
});
