import { assertEquals, assertMatch } from './assert.ts';
import { API, call, newTenant, ORIGIN, test, token } from './helpers.ts';

const chip = (size: number) =>
  Array.from({ length: size }, (_, y) =>
    Array.from({ length: size }, (_, x) => [0.05, 0.08, 0.04 + x / 4000, 0.3 + y / 4000]),
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
    body: { signature_name: 'class_ids', instances: [chip(256)] },
  });
  assertEquals(predicted.status, 200, JSON.stringify(predicted.body).slice(0, 300));
  const ids = (predicted.body['predictions'] as number[][][])[0]!;
  assertEquals([ids.length, ids[0]?.length], [256, 256]);
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
  assertEquals(
    (await call('POST', '/inference/models/landcover/predict', { body: { instances: [] } })).status,
    401,
  );
  assertEquals(
    (await call('GET', '/inference/models/..%2F..%2Fadmin', { token: tenant.token })).status,
    404,
  );
});

/** A [1, size, size, 4] chip as little-endian float32 bytes. */
function chipBytes(size: number): Uint8Array<ArrayBuffer> {
  const values = chip(size).flat(2);
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  values.forEach((v, i) => view.setFloat32(i * 4, v, true));
  return bytes;
}

test('synchronous inference takes and answers raw little-endian tensors with their shape in headers', async () => {
  const tenant = await newTenant();
  const predict = (body: Uint8Array<ArrayBuffer>, headers: Record<string, string>) =>
    fetch(`${API}/inference/models/landcover/predict`, {
      method: 'POST',
      body,
      headers: {
        authorization: `Bearer ${tenant.token}`,
        'content-type': 'application/octet-stream',
        ...headers,
      },
    });
  const raw = await predict(chipBytes(256), {
    'x-tensor-shape': '1,256,256,4',
    'x-signature-name': 'class_ids',
  });
  assertEquals(raw.status, 200);
  assertEquals(
    [
      raw.headers.get('content-type'),
      raw.headers.get('x-tensor-shape'),
      raw.headers.get('x-tensor-dtype'),
    ],
    ['application/octet-stream', '1,256,256', 'int32'],
  );
  const bytes = new Uint8Array(await raw.arrayBuffer());
  const view = new DataView(bytes.buffer);
  const ids = Array.from({ length: 256 * 256 }, (_, i) => view.getInt32(i * 4, true));
  const viaJson = await call('POST', '/inference/models/landcover/predict', {
    token: tenant.token,
    body: { signature_name: 'class_ids', instances: [chip(256)] },
  });
  assertEquals(ids, (viaJson.body['predictions'] as number[][][])[0]!.flat());
  const probabilities = await predict(chipBytes(256), { 'x-tensor-shape': '1, 256, 256, 4' });
  assertEquals(
    [probabilities.headers.get('x-tensor-shape'), probabilities.headers.get('x-output-name')],
    ['1,256,256,4', 'probabilities'],
  );
  assertEquals((await probabilities.arrayBuffer()).byteLength, 256 * 256 * 4 * 4);
  const short = await predict(chipBytes(8), { 'x-tensor-shape': '1,8,8,5' });
  assertEquals(
    [short.status, ((await short.json()) as { code: string }).code],
    [400, 'invalid_request'],
  );
  const wrongShape = await predict(chipBytes(8), { 'x-tensor-shape': '1,8,32,1' });
  assertEquals(
    [wrongShape.status, ((await wrongShape.json()) as { code: string }).code],
    [422, 'invalid_input_shape'],
  );
  const tooMany = await predict(new Uint8Array(17 * 2 * 2 * 4 * 4), {
    'x-tensor-shape': '17,2,2,4',
  });
  assertEquals(
    [tooMany.status, ((await tooMany.json()) as { code: string }).code],
    [422, 'too_many_instances'],
  );
});

test('synchronous inference is described in the OpenAPI document: both bodies of predict and the raw tensor headers', async () => {
  const document = (await (await fetch(`${ORIGIN}/openapi.json`)).json()) as {
    paths: Record<
      string,
      { post: { requestBody: { content: object }; parameters: { name: string }[] } }
    >;
  };
  const predict = document.paths['/inference/models/{model}/predict']!.post;
  assertEquals(Object.keys(predict.requestBody.content).sort(), [
    'application/json',
    'application/octet-stream',
  ]);
  assertEquals(
    predict.parameters.map((p) => p.name).filter((name) => name.startsWith('x-tensor')),
    ['x-tensor-shape', 'x-tensor-dtype'],
  );
});

test('synchronous inference refuses a tenant the platform never registered, as POST /jobs does', async () => {
  const stranger = await token({ tenant: crypto.randomUUID() });
  for (const [method, path, body] of [
    ['GET', '/inference/models/landcover', undefined],
    ['GET', '/inference/models/landcover/metadata', undefined],
    ['POST', '/inference/models/landcover/predict', { instances: [chip(2)] }],
  ] as const) {
    const answer = await call(method, path, { token: stranger, ...(body ? { body } : {}) });
    assertEquals([answer.status, answer.body['code']], [403, 'forbidden'], path);
    assertMatch(String(answer.body['message']), /not registered/);
  }
});

test("synchronous inference checks the input against the model's signature and caps the instances, with 422", async () => {
  const tenant = await newTenant();
  const predict = (body: unknown) =>
    call('POST', '/inference/models/landcover/predict', { token: tenant.token, body });
  const cases: [string, unknown, string, RegExp][] = [
    [
      'too few bands',
      { instances: [[[[0.1, 0.2]]]] },
      'invalid_input_shape',
      /\[1,1,1,2\].*\[-1,256,256,4\]/,
    ],
    ['ragged', { instances: [[[[0.1, 0.2, 0.3, 0.4], [0.1]]]] }, 'invalid_input_shape', /ragged/],
    ['not numbers', { instances: [[[['a', 'b', 'c', 'd']]]] }, 'invalid_input_shape', /numbers/],
    ['wrong rank', { inputs: [[0.1, 0.2, 0.3, 0.4]] }, 'invalid_input_shape', /\[1,4\]/],
    ['unknown input', { instances: [{ pixels: chip(2) }] }, 'invalid_input_shape', /pixels/],
    ['none', { instances: [] }, 'invalid_input_shape', /no instances/],
    [
      '17 instances',
      { instances: Array.from({ length: 17 }, () => chip(2)) },
      'too_many_instances',
      /up to 16/,
    ],
    [
      '17 columnar',
      { inputs: Array.from({ length: 17 }, () => chip(2)) },
      'too_many_instances',
      /up to 16/,
    ],
  ];
  for (const [name, body, code, message] of cases) {
    const answer = await predict(body);
    assertEquals(
      [answer.status, answer.body['code']],
      [422, code],
      `${name}: ${JSON.stringify(answer.body)}`,
    );
    assertMatch(String(answer.body['message']), message);
  }
  const columnar = await predict({ signature_name: 'class_ids', inputs: [chip(256)] });
  assertEquals(columnar.status, 200, JSON.stringify(columnar.body).slice(0, 300));
});
