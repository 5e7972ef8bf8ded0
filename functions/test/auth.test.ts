import { assert, assertEquals } from './assert.ts';
import { call, newTenant, serviceToken, test, token } from './helpers.ts';

/** A refusal as the API gives it: the status, and JSON with a code and a message, no stack. */
function refused(
  answer: { status: number; body: Record<string, unknown> },
  status: number,
  message: RegExp,
): void {
  assertEquals(answer.status, status, JSON.stringify(answer.body));
  assertEquals(Object.keys(answer.body).sort(), ['code', 'message']);
  assert(
    message.test(String(answer.body['message'])),
    `message: ${String(answer.body['message'])}`,
  );
  assert(!String(answer.body['message']).includes('    at '), 'no stack trace');
}

test('every bad token is refused with 401 and a JSON reason', async () => {
  const tenant = await newTenant();
  const valid = await token({ tenant: tenant.id });
  const [header, payload] = valid.split('.');
  const unsigned = `${btoa(JSON.stringify({ alg: 'none', typ: 'JWT' })).replace(/=+$/, '')}.${payload ?? ''}.`;
  const cases: [string, Record<string, string>, RegExp][] = [
    ['no header', {}, /Authorization: Bearer/],
    ['not a bearer', { authorization: `Basic ${btoa('a:b')}` }, /Authorization: Bearer/],
    ['malformed', { authorization: 'Bearer not.a.jwt' }, /malformed/],
    [
      'expired',
      { authorization: `Bearer ${await token({ tenant: tenant.id, expiresIn: '-1m' })}` },
      /expired/,
    ],
    [
      'wrong signature',
      {
        authorization: `Bearer ${await token({ tenant: tenant.id, secret: 'another-secret-that-is-at-least-32-chars' })}`,
      },
      /signature/,
    ],
    ['alg none', { authorization: `Bearer ${unsigned}` }, /unsigned/],
    [
      'tampered payload',
      {
        authorization: `Bearer ${header ?? ''}.${btoa(JSON.stringify({ role: 'service_role' })).replace(/=+$/, '')}.${valid.split('.')[2] ?? ''}`,
      },
      /signature/,
    ],
    ['no tenant', { authorization: `Bearer ${await token({ tenant: null })}` }, /no tenant/],
    [
      'a tenant that is not a uuid',
      { authorization: `Bearer ${await token({ tenant: 'tenant-a' })}` },
      /no tenant/,
    ],
    [
      'anonymous',
      { authorization: `Bearer ${await token({ role: 'anon', tenant: tenant.id })}` },
      /only authenticated users/,
    ],
  ];
  for (const [name, headers, message] of cases) {
    const answer = await call('GET', '/datasets', { headers });
    refused(answer, 401, message);
    assertEquals(answer.headers.get('www-authenticate'), 'Bearer', name);
  }
});

test("a token signed with the project's asymmetric key (JWKS) is accepted like an HS256 one", async () => {
  const tenant = await newTenant();
  const rs256 = await call('GET', '/datasets', {
    token: await token({ tenant: tenant.id, alg: 'RS256' }),
  });
  assertEquals(rs256.status, 200, JSON.stringify(rs256.body));
  assertEquals(rs256.body['items'], []);
});

test('job-events takes the service role only; tenant endpoints refuse the service role', async () => {
  const tenant = await newTenant();
  const event = {
    job_id: crypto.randomUUID(),
    tenant_id: tenant.id,
    attempt: 1,
    sequence: 0,
    status: 'running',
    progress: 0,
    at: new Date().toISOString(),
  };
  refused(
    await call('POST', '/job-events', { token: tenant.token, body: event }),
    403,
    /service role/,
  );
  refused(await call('POST', '/job-events', { body: event }), 401, /Bearer/);
  refused(await call('GET', '/jobs', { token: await serviceToken() }), 403, /user token/);
});
