import { assert, assertEquals, assertMatch } from './assert.ts';
import { call, geotiff, newTenant, readyDataset, test } from './helpers.ts';

test('a dataset: presigned upload, completion records size, bands, type and CRS; list and get', async () => {
  const tenant = await newTenant();
  const file = await geotiff({ width: 70, height: 30, bands: 4 });
  const created = await call('POST', '/datasets', {
    token: tenant.token,
    body: { name: 'field', file: 'field.tif', bytes: file.length },
  });
  assertEquals(created.status, 201, JSON.stringify(created.body));
  const dataset = created.body['dataset'] as Record<string, unknown>;
  assertEquals(dataset['status'], 'pending');
  assertEquals(dataset['tenant_id'], tenant.id);
  const upload = created.body['upload'] as {
    url: string;
    method: string;
    headers: Record<string, string>;
    expires_at: string;
  };
  assertEquals(upload.method, 'PUT');
  // The upload goes to a staging key of its own; /complete copies it to the dataset's key.
  assertMatch(
    upload.url,
    new RegExp(`/uploads/${tenant.id}/${String(dataset['id'])}/[0-9a-f-]{36}\\?`),
  );
  assert(Date.parse(upload.expires_at) > Date.now(), 'the URL expires in the future');
  // The store holds the signed size and type: another size is refused.
  const wrong = await fetch(upload.url, {
    method: 'PUT',
    body: file.slice(0, 100),
    headers: { ...upload.headers, 'content-length': '100' },
  });
  await wrong.body?.cancel();
  assert(!wrong.ok, `a PUT of another size was accepted (${String(wrong.status)})`);
  const put = await fetch(upload.url, { method: 'PUT', body: file, headers: upload.headers });
  await put.body?.cancel();
  assert(put.ok, `upload answered ${String(put.status)}`);
  const completed = await call('POST', `/datasets/${String(dataset['id'])}/complete`, {
    token: tenant.token,
  });
  assertEquals(completed.status, 200, JSON.stringify(completed.body));
  assertEquals(
    [
      completed.body['status'],
      completed.body['width'],
      completed.body['height'],
      completed.body['band_count'],
      completed.body['data_type'],
      completed.body['epsg'],
      Number(completed.body['bytes']),
    ],
    ['ready', 70, 30, 4, 'UInt16', 32633, file.length],
  );
  const again = await call('POST', `/datasets/${String(dataset['id'])}/complete`, {
    token: tenant.token,
  });
  assertEquals(again.status, 409);
  const got = await call('GET', `/datasets/${String(dataset['id'])}`, { token: tenant.token });
  assertEquals(got.body['status'], 'ready');
});

test('what is not a GeoTIFF is rejected with 422 and removed; completing before uploading is 409', async () => {
  const tenant = await newTenant();
  for (const [bytes, reason] of [
    [new TextEncoder().encode('this is a text file, not a raster at all'), /not a TIFF/],
    [await geotiff({ crs: false }), /coordinate reference system/],
    [new Uint8Array([0x49, 0x49, 42, 0, 0xff, 0xff, 0xff, 0x0f, 0, 0]), /past the end/],
  ] as const) {
    const created = await call('POST', '/datasets', {
      token: tenant.token,
      body: { name: 'bad', file: 'bad.tif', bytes: bytes.length },
    });
    const upload = created.body['upload'] as { url: string; headers: Record<string, string> };
    const id = String((created.body['dataset'] as Record<string, unknown>)['id']);
    const early = await call('POST', `/datasets/${id}/complete`, { token: tenant.token });
    assertEquals(early.status, 409);
    await (
      await fetch(upload.url, {
        method: 'PUT',
        body: new Uint8Array(bytes),
        headers: upload.headers,
      })
    ).body?.cancel();
    const completed = await call('POST', `/datasets/${id}/complete`, { token: tenant.token });
    assertEquals(completed.status, 422, JSON.stringify(completed.body));
    assertEquals(completed.body['code'], 'invalid_raster');
    assertMatch(String(completed.body['message']), reason);
    assertEquals((completed.body['dataset'] as Record<string, unknown>)['status'], 'rejected');
    const stored = await fetch(upload.url.replace(/\?.*$/, ''));
    await stored.body?.cancel();
    assert(stored.status === 403 || stored.status === 404, 'nothing readable is left at the key');
  }
});

test('datasets list newest first by cursor pages, and filter by status', async () => {
  const tenant = await newTenant();
  const ids: string[] = [];
  for (let i = 0; i < 5; i++) {
    const created = await call('POST', '/datasets', {
      token: tenant.token,
      body: { name: `d${String(i)}`, file: 'a.tif', bytes: 10 },
    });
    ids.push(String((created.body['dataset'] as Record<string, unknown>)['id']));
  }
  const seen: string[] = [];
  let cursor: string | null = null;
  do {
    const page = await call('GET', `/datasets?limit=2${cursor ? `&cursor=${cursor}` : ''}`, {
      token: tenant.token,
    });
    assertEquals(page.status, 200);
    seen.push(...(page.body['items'] as { id: string }[]).map((d) => d.id));
    cursor = page.body['next_cursor'] as string | null;
  } while (cursor);
  assertEquals(seen, [...ids].reverse());
  const ready = await readyDataset(tenant.token);
  const filtered = await call('GET', '/datasets?status=ready', { token: tenant.token });
  assertEquals(
    (filtered.body['items'] as { id: string }[]).map((d) => d.id),
    [ready.id],
  );
  assertEquals(
    (await call('GET', '/datasets?cursor=garbage', { token: tenant.token })).status,
    400,
  );
  assertEquals((await call('GET', '/datasets?limit=1000', { token: tenant.token })).status, 400);
});
