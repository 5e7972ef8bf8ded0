// A property of the whole API: whatever a client sends, no answer is a 500, and every error is
// the JSON {code, message}. Requests are drawn from the OpenAPI document (each operation, its
// parameters and its body's schema) and from valid examples, then mutated: wrong types, huge
// strings, NUL, any unicode, fields removed and added, malformed uuids, other tenants' ids, and
// tokens of every kind (another tenant, an unregistered one, a NUL in the user's own metadata).
//   FUZZ_RUNS (default 3000) requests at most, within FUZZ_SECONDS (default 45); FUZZ_SEED fixes
//   the draw (default 19; FUZZ_SEED=random draws a new one, printed with any failure).
import fc from 'fast-check';
import { openApiDocument } from '../supabase/functions/_shared/openapi.ts';
import { AssertionError, assertEquals } from './assert.ts';
import { admin, API, call, newTenant, readyDataset, serviceToken, test, token } from './helpers.ts';
import { arbitraryOf, mutate, mutationOf, type JsonSchema } from './schema-arbitrary.ts';

const RUNS = Number(Deno.env.get('FUZZ_RUNS') ?? 3000);
const SECONDS = Number(Deno.env.get('FUZZ_SECONDS') ?? 45);
const SEED = Deno.env.get('FUZZ_SEED') ?? '19';

interface Operation {
  method: string;
  path: string;
  parameters: { name: string; in: string; schema?: JsonSchema }[];
  body?: JsonSchema;
}

interface Document {
  paths: Record<
    string,
    Record<string, Omit<Operation, 'method' | 'path'> & { requestBody?: unknown }>
  >;
  components: { schemas: Record<string, JsonSchema> };
}

function operations(document: Document): Operation[] {
  return Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => {
      const content = (
        operation.requestBody as { content?: Record<string, { schema: JsonSchema }> }
      )?.content;
      const body = content?.['application/json']?.schema;
      return {
        method: method.toUpperCase(),
        path,
        parameters: operation.parameters ?? [],
        ...(body ? { body } : {}),
      };
    }),
  );
}

interface Drawn {
  /** The operation it was drawn from, as `METHOD /path`. */
  operation: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

test('no request drawn from the OpenAPI document, or a mutation of one, is answered with a 500', async () => {
  const document = openApiDocument() as Document;
  const schemas = document.components.schemas;
  const ours = await newTenant();
  const theirs = await newTenant();
  // Room to submit for the whole run, so that valid submissions get past the caps to a 201.
  await admin`update public.tenants set max_pending_datasets = 100000,
    job_submissions_per_minute = 100000, dataset_submissions_per_minute = 100000
    where id = ${ours.id}`;
  const [ownDataset, theirDataset] = await Promise.all([
    readyDataset(ours.token),
    readyDataset(theirs.token),
  ]);
  const buffer = { geojson: { type: 'Point', coordinates: [1, 1] }, distance_m: 5 };
  const ownJob = await call('POST', '/jobs', {
    token: ours.token,
    body: { type: 'buffer', params: buffer },
  });
  const theirJob = await call('POST', '/jobs', {
    token: theirs.token,
    body: { type: 'buffer', params: buffer },
  });
  const ids = [
    ownDataset.id,
    theirDataset.id,
    String(ownJob.body['id']),
    String(theirJob.body['id']),
    ours.id,
    theirs.id,
    crypto.randomUUID(),
  ];
  const input = { dataset_id: ownDataset.id, file: ownDataset.file };
  // Valid bodies to mutate, beside the ones drawn from the schemas.
  const examples: Record<string, unknown[]> = {
    'POST /datasets': [{ name: 'scene', file: 'scene.tif', bytes: 1000 }],
    'POST /jobs': [
      { type: 'ndvi', params: { input, red_band: 3, nir_band: 4 }, priority: 'low' },
      {
        type: 'band_math',
        params: { input, expression: '(b - a) / (b + a)', bands: { a: 1, b: 4 } },
      },
      { type: 'inference', params: { input, model: 'landcover', bands: [1, 2, 3, 4] } },
      { type: 'buffer', params: buffer },
    ],
    'POST /job-events': [
      {
        job_id: ownJob.body['id'],
        tenant_id: ours.id,
        attempt: 1,
        sequence: 0,
        status: 'running',
        progress: 10,
        at: new Date().toISOString(),
      },
    ],
    'POST /inference/models/{model}/predict': [{ instances: [[[[0.1, 0.2, 0.3, 0.4]]]] }],
  };
  const others = [
    theirs.token,
    await serviceToken(),
    await token({ tenant: crypto.randomUUID() }),
    await token({ tenant: ours.id, claims: { user_metadata: { name: 'Ada\u0000' } } }),
    await token({ tenant: ours.id, claims: { user_metadata: { ['\u0000']: 1 } } }),
    await token({ tenant: ours.id.toUpperCase() }),
    await token({ tenant: ours.id, claims: { sub: 'auth0|not-a-uuid' } }),
    await token({ tenant: ours.id, expiresIn: '-1h' }),
    'not.a.token',
    '',
  ];
  // Most requests as the tenant's own user, on ids that exist, so that they get past the checks
  // at the door to the queries behind them.
  const tokens = fc.oneof(
    { weight: 3, arbitrary: fc.constant(ours.token) },
    { weight: 2, arbitrary: fc.constantFrom(...others) },
  );
  const segment = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...ids, 'landcover') },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        'nope',
        '..',
        '%00',
        '%E0%A4%A',
        'a%2Fb',
        '',
        ids[0]!.toUpperCase(),
      ),
    },
    { weight: 1, arbitrary: fc.stringMatching(/^[A-Za-z0-9%._~-]{0,40}$/) },
  );
  const query = (schema: JsonSchema | undefined) =>
    fc.oneof(
      arbitraryOf(schema ?? {}, schemas).map(String),
      fc.string({ unit: 'binary', maxLength: 12 }),
      fc.constantFrom('', '1e2', '-1', '0', '101', 'eyJ0IjoiMSIsImkiOiJ4In0', 'null'),
    );

  const request = (operation: Operation): fc.Arbitrary<Drawn> => {
    const key = `${operation.method} ${operation.path}`;
    const pathNames = operation.parameters.filter((p) => p.in === 'path').map((p) => p.name);
    const queryParameters = operation.parameters.filter((p) => p.in === 'query');
    const headerParameters = operation.parameters.filter((p) => p.in === 'header');
    const drawnBody = operation.body ? arbitraryOf(operation.body, schemas) : undefined;
    const example = examples[key];
    const body = !drawnBody
      ? fc.constant(undefined)
      : example
        ? fc.oneof(drawnBody, fc.constantFrom(...example), fc.constantFrom(...example))
        : drawnBody;
    return fc
      .record({
        method: fc.oneof(
          { weight: 9, arbitrary: fc.constant(operation.method) },
          { weight: 1, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH') },
        ),
        segments: fc.tuple(...pathNames.map(() => segment)),
        query: fc.record(
          Object.fromEntries(queryParameters.map((p) => [p.name, query(p.schema)])),
          { requiredKeys: [] },
        ),
        headers: fc.record(
          Object.fromEntries(
            headerParameters.map((p) => [
              p.name,
              fc.oneof(
                arbitraryOf(p.schema ?? {}, schemas).map(String),
                fc.string({ maxLength: 12 }),
              ),
            ]),
          ),
          { requiredKeys: [] },
        ),
        token: tokens,
        body,
        mutations: fc.array(
          fc.tuple(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), mutationOf(ids)),
          {
            maxLength: 3,
          },
        ),
        contentType: fc.constantFrom(
          'application/json',
          'application/json',
          'application/json',
          'text/plain',
          'application/octet-stream',
        ),
        // Raw bytes in place of the body one request in eight: most bodies are drawn or examples.
        raw: fc.oneof(
          { weight: 7, arbitrary: fc.constant(null) },
          { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }) },
        ),
      })
      .map((drawn) => {
        let path = operation.path;
        pathNames.forEach((name, i) => (path = path.replace(`{${name}}`, drawn.segments[i] ?? '')));
        const search = new URLSearchParams(drawn.query as Record<string, string>).toString();
        const headers: Record<string, string> = { ...(drawn.headers as Record<string, string>) };
        if (drawn.token) headers['authorization'] = `Bearer ${drawn.token}`;
        let text: string | undefined;
        if (drawn.body !== undefined) {
          let value: unknown = drawn.body;
          for (const [pick, mutation] of drawn.mutations) value = mutate(value, pick, mutation);
          text = JSON.stringify(value) ?? 'null';
          headers['content-type'] = drawn.contentType;
        }
        if (drawn.raw) {
          text = new TextDecoder().decode(drawn.raw);
          headers['content-type'] = drawn.contentType;
        }
        return {
          operation: key,
          method: drawn.method,
          url: `${API}${path}${search ? `?${search}` : ''}`,
          headers,
          ...(text !== undefined && drawn.method !== 'GET' ? { body: text } : {}),
        };
      });
  };

  const all = operations(document);
  const seed = SEED === 'random' ? Date.now() : Number(SEED);
  const seen = new Map<number, number>();
  const created = new Set<string>();
  await fc.assert(
    fc.asyncProperty(fc.oneof(...all.map(request)), async (drawn) => {
      const response = await fetch(drawn.url, {
        method: drawn.method,
        headers: drawn.headers,
        ...(drawn.body !== undefined ? { body: drawn.body } : {}),
      });
      const text = await response.text();
      seen.set(response.status, (seen.get(response.status) ?? 0) + 1);
      if (response.status === 201 && drawn.method === drawn.operation.split(' ')[0])
        created.add(drawn.operation);
      const where = `${drawn.method} ${drawn.url} ${drawn.body?.slice(0, 300) ?? ''}`;
      if (response.status === 500) throw new AssertionError(`500 for ${where}: ${text}`);
      if (response.status < 400) return;
      let body: { code?: unknown; message?: unknown } = {};
      try {
        body = JSON.parse(text) as typeof body;
      } catch {
        // Not JSON: the check below names it.
      }
      if (typeof body.code !== 'string' || typeof body.message !== 'string')
        throw new AssertionError(
          `${String(response.status)} without the JSON error for ${where}: ${text.slice(0, 200)}`,
        );
    }),
    { numRuns: RUNS, seed, interruptAfterTimeLimit: SECONDS * 1000, markInterruptAsFailure: false },
  );
  console.log(
    `fuzz: seed ${String(seed)}, answers by status ${JSON.stringify(Object.fromEntries([...seen].sort(([a], [b]) => a - b)))}`,
  );
  // The run reached the submissions' work, not only their caps.
  assertEquals(
    ['POST /datasets', 'POST /jobs'].filter((operation) => created.has(operation)),
    ['POST /datasets', 'POST /jobs'],
  );
});
