import { assertEquals, assertMatch } from './assert.ts';
import { call, newTenant, test } from './helpers.ts';

test('malformed, too large and wrongly typed bodies get 400, 413 and 415 with JSON reasons', async () => {
  const tenant = await newTenant();
  const auth = { authorization: `Bearer ${tenant.token}` };
  const malformed = await call('POST', '/datasets', {
    raw: '{"name": ',
    headers: { ...auth, 'content-type': 'application/json' },
  });
  assertEquals([malformed.status, malformed.body['code']], [400, 'invalid_request']);
  const huge = await call('POST', '/jobs', {
    raw: JSON.stringify({ pad: 'x'.repeat(2 * 1024 * 1024) }),
    headers: { ...auth, 'content-type': 'application/json' },
  });
  assertEquals([huge.status, huge.body['code']], [413, 'payload_too_large']);
  const form = await call('POST', '/datasets', {
    raw: 'name=a',
    headers: { ...auth, 'content-type': 'application/x-www-form-urlencoded' },
  });
  assertEquals(form.status, 415);
  const wrongType = await call('POST', '/datasets', {
    token: tenant.token,
    body: { name: 'a', file: 'a.tif', bytes: 'many' },
  });
  assertEquals(wrongType.status, 400);
  assertMatch(String(wrongType.body['message']), /^bytes: /);
  const badFile = await call('POST', '/datasets', {
    token: tenant.token,
    body: { name: 'a', file: '../escape.tif', bytes: 10 },
  });
  assertEquals(badFile.status, 400);
  const tooBig = await call('POST', '/datasets', {
    token: tenant.token,
    body: { name: 'a', file: 'a.tif', bytes: 1e15 },
  });
  assertEquals(tooBig.status, 413);
  const badJob = await call('POST', '/jobs', {
    token: tenant.token,
    body: { type: 'ndvi', params: { red_band: 3 } },
  });
  assertEquals(badJob.status, 400);
  const unknownType = await call('POST', '/jobs', {
    token: tenant.token,
    body: { type: 'mine_bitcoin', params: {} },
  });
  assertEquals(unknownType.status, 400);
  const badGeojson = await call('POST', '/jobs', {
    token: tenant.token,
    body: {
      type: 'buffer',
      params: { geojson: { type: 'Point', coordinates: [500, 1] }, distance_m: 10 },
    },
  });
  assertEquals(badGeojson.status, 400);
  const notFound = await call('GET', '/datasets/not-a-uuid', { token: tenant.token });
  assertEquals(notFound.status, 404);
  const method = await call('DELETE', '/jobs', { token: tenant.token });
  assertEquals(method.status, 405);
});
