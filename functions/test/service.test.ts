import { assert, assertEquals } from './assert.ts';
import { asService } from '../supabase/functions/_shared/db.ts';
import { getServices } from '../supabase/functions/_shared/services.ts';
import { API, BROWSER_ORIGIN, ORIGIN, call, newTenant, readyDataset, test } from './helpers.ts';

test('health answers 200 when the database, the bucket and model serving all answer', async () => {
  const health = await call('GET', '/health');
  assertEquals(health.status, 200, JSON.stringify(health.body));
  assertEquals(health.body, {
    status: 'ok',
    checks: { database: 'ok', storage: 'ok', model_serving: 'ok' },
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
    '/health/ready',
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

test('CORS: a configured browser origin gets its preflight answered and may read the answers; another does not', async () => {
  const tenant = await newTenant();
  const preflight = (origin: string) =>
    fetch(`${API}/jobs`, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type, idempotency-key',
      },
    });
  const allowed = await preflight(BROWSER_ORIGIN);
  await allowed.body?.cancel();
  assertEquals(allowed.status, 204);
  assertEquals(allowed.headers.get('access-control-allow-origin'), BROWSER_ORIGIN);
  assert(/\bPOST\b/.test(allowed.headers.get('access-control-allow-methods') ?? ''));
  for (const name of ['authorization', 'content-type', 'idempotency-key'])
    assert((allowed.headers.get('access-control-allow-headers') ?? '').includes(name), name);
  assert(/\bOrigin\b/.test(allowed.headers.get('vary') ?? ''));
  const other = await preflight('https://elsewhere.test');
  assertEquals(
    [other.status, ((await other.json()) as { code: string }).code],
    [403, 'origin_not_allowed'],
  );
  assertEquals(other.headers.get('access-control-allow-origin'), null);
  const read = await call('GET', '/jobs', {
    token: tenant.token,
    headers: { origin: BROWSER_ORIGIN },
  });
  assertEquals(read.status, 200);
  assertEquals(read.headers.get('access-control-allow-origin'), BROWSER_ORIGIN);
  assert((read.headers.get('access-control-expose-headers') ?? '').includes('retry-after'));
  assertEquals(read.headers.get('vary'), 'Origin');
  const elsewhere = await call('GET', '/jobs', {
    token: tenant.token,
    headers: { origin: 'https://elsewhere.test' },
  });
  assertEquals(elsewhere.headers.get('access-control-allow-origin'), null);
  assertEquals(elsewhere.headers.get('vary'), 'Origin');
});

/** A port nothing listens on now. */
function closedPort(): number {
  const listener = Deno.listen({ hostname: '127.0.0.1', port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/** What a 503 may say: a code and a short reason, nothing of the dependency's own words. */
function assertOwnWords(body: Record<string, unknown>): void {
  const text = JSON.stringify(body);
  assert(
    !/127\.0\.0\.1|refused|connect|error sending|tcp|os error|ECONN|:\d{2,5}\b/i.test(text),
    text,
  );
}

test('with object storage and model serving down, /health and the 503s carry a code and a short reason only; readiness and inference submissions hold', async () => {
  const tenant = await newTenant();
  const dataset = await readyDataset(tenant.token);
  const pending = await call('POST', '/datasets', {
    token: tenant.token,
    body: { name: 'scene', file: 'scene.tif', bytes: 1024 },
  });
  const datasetId = (pending.body['dataset'] as { id: string }).id;
  const port = String(closedPort());
  const server = new Deno.Command(Deno.execPath(), {
    args: ['run', '-A', 'serve.ts'],
    cwd: new URL('..', import.meta.url).pathname,
    env: {
      ...Deno.env.toObject(),
      S3_ENDPOINT: `http://127.0.0.1:${String(closedPort())}`,
      MODEL_SERVING_URL: `http://127.0.0.1:${String(closedPort())}`,
      SYNC_INFERENCE_TIMEOUT_SECONDS: '2',
      PORT: port,
      NO_COLOR: '1',
    },
    stdout: 'null',
    stderr: 'null',
  }).spawn();
  const at = `http://127.0.0.1:${port}/functions/v1`;
  try {
    const deadline = Date.now() + 30_000;
    let health: Response | null = null;
    while (!health && Date.now() < deadline) {
      health = await fetch(`${at}/health`).catch(() => null);
      if (!health) await new Promise((resolve) => setTimeout(resolve, 300));
    }
    assertEquals(health?.status, 503);
    const body = (await health?.json()) as Record<string, unknown>;
    assertEquals(body, {
      status: 'degraded',
      code: 'dependency_unavailable',
      message: 'storage, model serving are unavailable',
      checks: { database: 'ok', storage: 'failing', model_serving: 'failing' },
    });
    const answer = async (path: string, init: RequestInit) => {
      const response = await fetch(`${at}${path}`, {
        ...init,
        headers: {
          authorization: `Bearer ${tenant.token}`,
          'content-type': 'application/json',
        },
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    const complete = await answer(`/datasets/${datasetId}/complete`, { method: 'POST' });
    assertEquals([complete.status, complete.body['code']], [503, 'storage_unavailable']);
    assertOwnWords(complete.body);
    const predict = await answer('/inference/models/landcover/predict', {
      method: 'POST',
      body: JSON.stringify({ instances: [[[[0.1, 0.2, 0.3, 0.4]]]] }),
    });
    assertEquals([predict.status, predict.body['code']], [503, 'model_unavailable']);
    assertOwnWords(predict.body);
    // Readiness needs the database alone: the pod stays in its Service for every other endpoint.
    const ready = await fetch(`${at}/health/ready`);
    assertEquals(
      [ready.status, await ready.json()],
      [200, { status: 'ok', checks: { database: 'ok' } }],
    );
    // An outage of model serving is no reason to refuse work: the worker checks the model when it runs.
    const job = await answer('/jobs', {
      method: 'POST',
      body: JSON.stringify({
        type: 'inference',
        params: {
          input: { dataset_id: dataset.id, file: dataset.file },
          model: 'landcover',
          bands: [1, 2, 3, 4],
        },
      }),
    });
    assertEquals(job.status, 201, JSON.stringify(job.body));
  } finally {
    server.kill('SIGTERM');
    await server.status;
  }
});
