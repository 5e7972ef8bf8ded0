import { assertEquals, assertMatch } from './assert.ts';
import { call, newTenant, test } from './helpers.ts';

const chip = (size: number) =>
  Array.from({ length: size }, (_, y) =>
    Array.from({ length: size }, (_, x) => [0.05, 0.08, 0.04 + x / 1000, 0.3 + y / 1000]),
  );

test('synchronous inference passes a small predict through to model serving, with status and metadata', async () => {
  const tenant = await newTenant();
  const status = await call('GET', '/inference/models/landcover', { token: tenant.token });
  assertEquals(status.status, 200);
  assertMatch(JSON.stringify(status.body), /AVAILABLE/);
  const metadata = await call('GET', '/inference/models/landcover/versions/1/metadata', {
    token: tenant.token,
  });
  assertEquals(
    Object.keys(
      (metadata.body['metadata'] as { signature_def: { signature_def: object } }).signature_def
        .signature_def,
    ).sort(),
    ['class_ids', 'serving_default'],
  );
  const predicted = await call('POST', '/inference/models/landcover/predict', {
    token: tenant.token,
    body: { signature_name: 'class_ids', instances: [chip(64)] },
  });
  assertEquals(predicted.status, 200, JSON.stringify(predicted.body).slice(0, 300));
  const ids = (predicted.body['predictions'] as number[][][])[0]!;
  assertEquals([ids.length, ids[0]?.length], [64, 64]);
  // Dense vegetation: NIR far above red everywhere in the chip.
  assertEquals(new Set(ids.flat()).size <= 2, true);
});

test("synchronous inference refuses what is too large, an unknown model and the model's own refusals, as JSON", async () => {
  const tenant = await newTenant();
  const big = await call('POST', '/inference/models/landcover/predict', {
    token: tenant.token,
    body: { instances: [chip(256), chip(256)] },
  });
  assertEquals([big.status, big.body['code']], [413, 'payload_too_large']);
  assertMatch(String(big.body['message']), /inference job/);
  const unknown = await call('POST', '/inference/models/nope/predict', {
    token: tenant.token,
    body: { instances: [chip(2)] },
  });
  assertEquals([unknown.status, unknown.body['code']], [404, 'not_found']);
  const wrongShape = await call('POST', '/inference/models/landcover/predict', {
    token: tenant.token,
    body: { instances: [[[[0.1, 0.2]]]] },
  });
  assertEquals([wrongShape.status, wrongShape.body['code']], [400, 'model_error']);
  assertEquals(
    (await call('POST', '/inference/models/landcover/predict', { body: { instances: [] } })).status,
    401,
  );
  assertEquals(
    (await call('GET', '/inference/models/..%2F..%2Fadmin', { token: tenant.token })).status,
    404,
  );
});
