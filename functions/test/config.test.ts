// The API's environment as config.ts reads it: what an operator may set, and what is refused at
// start with the variable named.
import { MAX_UPLOAD_URL_SECONDS } from '@harita/contracts';
import { parseConfig } from '../supabase/functions/_shared/config.ts';
import { assertEquals, assertMatch } from './assert.ts';

const BASE = {
  SUPABASE_URL: 'http://127.0.0.1:54321',
  SUPABASE_DB_URL: 'postgres://postgres@127.0.0.1/postgres',
  JWT_SECRET: 'a-jwt-secret-of-at-least-32-characters!',
  S3_ENDPOINT: 'http://127.0.0.1:9000',
  S3_BUCKET: 'harita',
  S3_ACCESS_KEY_ID: 'key',
  S3_SECRET_ACCESS_KEY: 'secret',
};

/** The error parseConfig throws for these variables, or '' when it throws none. */
function refusal(env: Record<string, string>): string {
  try {
    parseConfig({ ...BASE, ...env });
    return '';
  } catch (error) {
    return (error as Error).message;
  }
}

Deno.test(
  'CORS_ALLOWED_ORIGINS are kept as the origins a browser sends: no trailing slash, lower-case, no default port',
  () => {
    const { CORS_ALLOWED_ORIGINS } = parseConfig({
      ...BASE,
      CORS_ALLOWED_ORIGINS:
        'https://app.harita.test/, HTTPS://Admin.Harita.test:443,http://localhost:5173',
    });
    assertEquals(CORS_ALLOWED_ORIGINS, [
      'https://app.harita.test',
      'https://admin.harita.test',
      'http://localhost:5173',
    ]);
  },
);

Deno.test(
  'a CORS_ALLOWED_ORIGINS entry with a path, a query or a fragment is refused at start',
  () => {
    for (const origin of [
      'https://app.harita.test/app',
      'https://app.harita.test/?x=1',
      'https://app.harita.test#top',
      'https://user@app.harita.test',
      'app.harita.test',
    ])
      assertMatch(refusal({ CORS_ALLOWED_ORIGINS: origin }), /CORS_ALLOWED_ORIGINS/, origin);
  },
);

Deno.test(
  'UPLOAD_URL_SECONDS is capped so the bucket never expires an upload that may still be completed',
  () => {
    assertEquals(refusal({ UPLOAD_URL_SECONDS: String(MAX_UPLOAD_URL_SECONDS) }), '');
    assertMatch(
      refusal({ UPLOAD_URL_SECONDS: String(MAX_UPLOAD_URL_SECONDS + 1) }),
      /UPLOAD_URL_SECONDS/,
    );
    assertMatch(refusal({ UPLOAD_URL_SECONDS: String(7 * 24 * 3600) }), /UPLOAD_URL_SECONDS/);
  },
);

Deno.test(
  'an empty variable is unset: its default holds (compose passes every variable as ${VAR:-})',
  () => {
    const settings = parseConfig({
      ...BASE,
      JWT_ISSUER: '',
      JWT_AUDIENCE: '',
      CORS_ALLOWED_ORIGINS: '',
      MAX_HEADER_BYTES: '',
      SYNC_INFERENCE_MAX_INSTANCES: '',
      UPLOAD_URL_SECONDS: '',
      S3_PUBLIC_ENDPOINT: '',
      MODEL_SERVING_AUTHORIZATION: '',
      S3_COPY_PART_BYTES: '',
    });
    assertEquals(
      [
        settings.JWT_ISSUER,
        settings.JWT_AUDIENCE,
        settings.CORS_ALLOWED_ORIGINS,
        settings.MAX_HEADER_BYTES,
        settings.SYNC_INFERENCE_MAX_INSTANCES,
        settings.UPLOAD_URL_SECONDS,
        settings.S3_PUBLIC_ENDPOINT,
        settings.MODEL_SERVING_AUTHORIZATION,
        settings.S3_COPY_PART_BYTES,
      ],
      [undefined, 'authenticated', [], 32 * 1024, 16, 900, undefined, undefined, 512 * 1024 ** 2],
    );
    assertMatch(refusal({ S3_BUCKET: '' }), /S3_BUCKET/);
  },
);

Deno.test('S3_COPY_PART_BYTES is a part S3 takes: 5 MiB to 5 GiB', () => {
  assertEquals(refusal({ S3_COPY_PART_BYTES: String(5 * 1024 ** 2) }), '');
  assertMatch(refusal({ S3_COPY_PART_BYTES: String(5 * 1024 ** 2 - 1) }), /S3_COPY_PART_BYTES/);
  assertMatch(refusal({ S3_COPY_PART_BYTES: String(5 * 1024 ** 3 + 1) }), /S3_COPY_PART_BYTES/);
});
