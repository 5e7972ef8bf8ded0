import { SignJWT } from 'jose';
import { authenticate } from '../supabase/functions/_shared/auth.ts';
import { config } from '../supabase/functions/_shared/config.ts';
import type { ApiError } from '../supabase/functions/_shared/http.ts';
import { assert, assertEquals } from './assert.ts';
import { call, JWT_SECRET, newTenant, serviceToken, test, token } from './helpers.ts';

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

/** An HS256 user token with exactly these claims (no expiry unless given one). */
const signed = (claims: Record<string, unknown>) =>
  new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .sign(new TextEncoder().encode(JWT_SECRET));

test('a user token must expire and name this API as its audience', async () => {
  const tenant = await newTenant();
  const claims = {
    role: 'authenticated',
    sub: crypto.randomUUID(),
    app_metadata: { tenant_id: tenant.id },
  };
  const exp = Math.floor(Date.now() / 1000) + 600;
  const cases: [string, Record<string, unknown>, RegExp][] = [
    ['no exp', { ...claims, aud: 'authenticated' }, /expiry/],
    ['no aud', { ...claims, exp }, /aud/],
    ['another aud', { ...claims, exp, aud: 'another-api' }, /aud/],
  ];
  for (const [name, payload, message] of cases) {
    const answer = await call('GET', '/datasets', { token: await signed(payload) });
    refused(answer, 401, message);
    assertEquals(answer.headers.get('www-authenticate'), 'Bearer', name);
  }
  const listed = await call('GET', '/datasets', {
    token: await signed({ ...claims, exp, aud: ['other', 'authenticated'] }),
  });
  assertEquals(listed.status, 200, JSON.stringify(listed.body));
});

test('with JWT_ISSUER set, a user token must come from that issuer', async () => {
  const issuer = 'https://project.supabase.test/auth/v1';
  const settings = { ...config(), JWT_ISSUER: issuer };
  const tenant = await newTenant();
  const claims = {
    role: 'authenticated',
    aud: 'authenticated',
    exp: Math.floor(Date.now() / 1000) + 600,
    app_metadata: { tenant_id: tenant.id },
  };
  const request = async (payload: Record<string, unknown>) =>
    new Request('http://api.test/functions/v1/datasets', {
      headers: { authorization: `Bearer ${await signed(payload)}` },
    });
  for (const payload of [claims, { ...claims, iss: 'https://elsewhere.test/auth/v1' }]) {
    const error = await authenticate(await request(payload), settings).then(
      () => undefined,
      (e: unknown) => e as ApiError,
    );
    assertEquals([error?.status, error?.code], [401, 'unauthorized']);
    assert(/iss/.test(error?.message ?? ''), error?.message);
  }
  const caller = await authenticate(await request({ ...claims, iss: issuer }), settings);
  assertEquals(caller.tenantId, tenant.id);
});

test('an upper-case tenant id in a token is read as the one lower-case id', async () => {
  const tenant = await newTenant();
  const request = new Request('http://api.test/functions/v1/datasets', {
    headers: { authorization: `Bearer ${await token({ tenant: tenant.id.toUpperCase() })}` },
  });
  const caller = await authenticate(request, config());
  assertEquals(caller.tenantId, tenant.id);
  assertEquals((caller.claims['app_metadata'] as { tenant_id: string }).tenant_id, tenant.id);
});

test('headers over the limit are refused with 431 and the JSON error body', async () => {
  const tenant = await newTenant();
  const answer = await call('GET', '/datasets', {
    token: tenant.token,
    headers: { 'x-padding': 'a'.repeat(40 * 1024) },
  });
  assertEquals([answer.status, answer.body['code']], [431, 'headers_too_large']);
  assert(
    /over the limit of 32768/.test(String(answer.body['message'])),
    String(answer.body['message']),
  );
  const within = await call('GET', '/datasets', {
    token: tenant.token,
    headers: { 'x-padding': 'a'.repeat(16 * 1024) },
  });
  assertEquals(within.status, 200);
});
