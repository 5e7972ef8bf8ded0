import { assert, assertEquals } from './assert.ts';
import { asService } from '../supabase/functions/_shared/db.ts';
import { getServices } from '../supabase/functions/_shared/services.ts';
import { ORIGIN, call, test } from './helpers.ts';

test('health answers 200 when the database, the bucket and model serving all answer', async () => {
  const health = await call('GET', '/health');
  assertEquals(health.status, 200, JSON.stringify(health.body));
  assertEquals(health.body['checks'], {
    database: 'ok',
    storage: 'ok',
    model_serving: 'ok',
  });
});

test('the OpenAPI 3.1 document at /openapi.json describes every endpoint with the schemas the code checks', async () => {
  const document = (await (await fetch(`${ORIGIN}/openapi.json`)).json()) as {
    openapi: string;
    paths: Record<string, Record<string, unknown>>;
    components: {
      schemas: Record<string, { properties?: Record<string, unknown>; required?: string[] }>;
    };
  };
  assertEquals(document.openapi, '3.1.0');
  assertEquals(Object.keys(document.paths).sort(), [
    '/datasets',
    '/datasets/sweep',
    '/datasets/{id}',
    '/datasets/{id}/complete',
    '/health',
    '/inference/models/{model}',
    '/inference/models/{model}/metadata',
    '/inference/models/{model}/predict',
    '/job-events',
    '/jobs',
    '/jobs/{id}',
    '/jobs/{id}/cancel',
  ]);
  const create = document.components.schemas['DatasetCreate'];
  assertEquals(create?.required?.sort(), ['bytes', 'file', 'name']);
  const event = document.components.schemas['JobEvent'];
  assert(event?.properties && 'sequence' in event.properties, 'JobEvent has its fields');
  assert(
    JSON.stringify(document.components.schemas['JobCreate']).includes('zonal_stats'),
    'JobCreate lists every job type',
  );
  const unknown = await fetch(`${ORIGIN}/nowhere`);
  assertEquals(
    [unknown.status, ((await unknown.json()) as { code: string }).code],
    [404, 'not_found'],
  );
});

test('/metrics counts requests by function, method and status for Prometheus', async () => {
  await call('GET', '/health');
  await call('GET', '/datasets');
  const text = await (await fetch(`${ORIGIN}/metrics`)).text();
  assert(
    /harita_http_request_duration_seconds_count\{function="health",method="GET",status="200"\} [1-9]/.test(
      text,
    ),
    text.slice(0, 500),
  );
  assert(
    /harita_http_request_duration_seconds_bucket\{function="datasets",method="GET",status="401",le="\+Inf"\} [1-9]/.test(
      text,
    ),
  );
  assert(/process_resident_memory_bytes \d+/.test(text));
});

test("/metrics gives the database pool's use: a transaction holds a connection until it ends", async () => {
  const inUse = async () => {
    const text = await (await fetch(`${ORIGIN}/metrics`)).text();
    return Number(/harita_db_pool_connections\{state="in_use"\} (\d+)/.exec(text)?.[1]);
  };
  const during = await asService(getServices().sql, () => inUse());
  assertEquals(during, 1);
  assertEquals(await inUse(), 0);
  const text = await (await fetch(`${ORIGIN}/metrics`)).text();
  assert(/harita_db_pool_connections\{state="max"\} 5\n/.test(text), text);
});
