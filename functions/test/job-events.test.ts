import { assert, assertEquals } from './assert.ts';
import {
  admin,
  call,
  newTenant,
  putObject,
  readyDataset,
  serviceToken,
  test,
  token,
} from './helpers.ts';

const ndvi = (dataset: { id: string; file: string }) => ({
  type: 'ndvi',
  params: { input: { dataset_id: dataset.id, file: dataset.file }, red_band: 3, nir_band: 4 },
});

/** A job event from the service role, as the worker posts it. */
async function event(body: Record<string, unknown>) {
  return call('POST', '/job-events', {
    token: await serviceToken(),
    body: { attempt: 1, progress: 0, at: new Date().toISOString(), ...body },
  });
}

const result = (key: string) => ({
  key,
  media_type: 'image/tiff; application=geotiff; profile=cloud-optimized',
  bytes: 5,
  sha256: 'a'.repeat(64),
});

test('a token naming its tenant in upper case is the same tenant: its job takes its events and succeeds', async () => {
  const tenant = await newTenant();
  const upper = tenant.id.toUpperCase();
  const user = await token({ tenant: upper });
  const dataset = await readyDataset(user);
  const created = await call('POST', '/jobs', { token: user, body: ndvi(dataset) });
  assertEquals(created.status, 201, JSON.stringify(created.body));
  assertEquals(created.body['tenant_id'], tenant.id);
  const id = String(created.body['id']);
  // The events name the job and its tenant as the token spelt them.
  const spelt = { job_id: id.toUpperCase(), tenant_id: upper };
  const running = await event({ ...spelt, sequence: 0, status: 'running' });
  assertEquals([running.status, running.body], [200, { applied: true, status: 'running' }]);
  const key = `tenants/${tenant.id}/jobs/${id}/ndvi.tif`;
  await putObject(key, new TextEncoder().encode('bytes'));
  const done = await event({
    ...spelt,
    sequence: 1,
    status: 'succeeded',
    progress: 100,
    results: [result(key)],
  });
  assertEquals([done.status, done.body], [200, { applied: true, status: 'succeeded' }]);
  const job = await call('GET', `/jobs/${id.toUpperCase()}`, { token: user });
  assertEquals([job.body['id'], job.body['status']], [id, 'succeeded']);
  const [first] = job.body['results'] as { url: string }[];
  assertEquals(await (await fetch(first?.url ?? '')).text(), 'bytes');
});

test("a result key outside the job's own folder is refused with 422, however it is spelt", async () => {
  const a = await newTenant();
  const b = await newTenant();
  const job = String(
    (await call('POST', '/jobs', { token: a.token, body: ndvi(await readyDataset(a.token)) })).body[
      'id'
    ],
  );
  const bJob = crypto.randomUUID();
  const own = `tenants/${a.id}/jobs/${job}/`;
  const bKey = `tenants/${b.id}/jobs/${bJob}/secret.tif`;
  const keys = [
    bKey,
    `${own}../../../${b.id}/jobs/${bJob}/secret.tif`,
    `tenants/${a.id}/jobs/${crypto.randomUUID()}/ndvi.tif`,
    `/${own}ndvi.tif`,
    `${own}/ndvi.tif`,
    `${own}sub\\..\\ndvi.tif`,
    `tenants/${a.id.toUpperCase()}/jobs/${job}/ndvi.tif`,
    `${own}./ndvi.tif`,
  ];
  for (const [sequence, key] of keys.entries()) {
    const answer = await event({
      job_id: job,
      tenant_id: a.id,
      sequence,
      status: 'succeeded',
      progress: 100,
      results: [result(key)],
    });
    assertEquals(
      [answer.status, answer.body['code']],
      [422, 'result_key_outside_job'],
      `${JSON.stringify(key)}: ${JSON.stringify(answer.body)}`,
    );
  }
  const after = await call('GET', `/jobs/${job}`, { token: a.token });
  assertEquals([after.body['status'], after.body['results']], ['queued', []]);
  const nested = await event({
    job_id: job,
    tenant_id: a.id,
    sequence: keys.length,
    status: 'succeeded',
    progress: 100,
    results: [result(`${own}tiles/0-0.tif`)],
  });
  assertEquals(nested.body, { applied: true, status: 'succeeded' });
});

test('a result key already stored outside the job is never signed: the job says it is unavailable', async () => {
  const a = await newTenant();
  const b = await newTenant();
  const job = String(
    (await call('POST', '/jobs', { token: a.token, body: ndvi(await readyDataset(a.token)) })).body[
      'id'
    ],
  );
  const bKey = `tenants/${b.id}/jobs/${crypto.randomUUID()}/secret.tif`;
  await putObject(bKey, new TextEncoder().encode('b only'));
  const own = `tenants/${a.id}/jobs/${job}/ndvi.tif`;
  await putObject(own, new TextEncoder().encode('bytes'));
  // As a row written before keys were checked holds it.
  await admin`update public.jobs set status = 'succeeded', progress = 100,
    results = ${admin.json([result(bKey), result(`tenants/${a.id}/jobs/${job}/../../../${b.id}/x.tif`), result(own)] as never)}
    where id = ${job}`;
  const answer = await call('GET', `/jobs/${job}`, { token: a.token });
  assertEquals(answer.status, 200, JSON.stringify(answer.body));
  const results = answer.body['results'] as Record<string, unknown>[];
  for (const bad of results.slice(0, 2)) {
    assertEquals('url' in bad, false, JSON.stringify(bad));
    assertEquals((bad['error'] as { code: string }).code, 'result_unavailable');
  }
  assert(typeof results[2]?.['url'] === 'string', "the job's own result is signed");
  assertEquals(await (await fetch(String(results[2]?.['url']))).text(), 'bytes');
});
