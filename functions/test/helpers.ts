// What every functions test shares: the API served in this process over the real services
// (test/run.ts starts them), tokens as Supabase mints them, tenants, and GeoTIFFs made by GDAL.
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { AwsClient } from 'aws4fetch';
import postgres from 'postgres';

export const JWT_SECRET = 'functions-test-jwt-secret-of-at-least-32-characters';
Deno.env.set('JWT_SECRET', JWT_SECRET);
Deno.env.set('SUPABASE_URL', 'http://127.0.0.1:54321');
Deno.env.set('SYNC_INFERENCE_MAX_BYTES', String(2 * 1024 * 1024));
/** The one browser origin the API under test lets call it (CORS). */
export const BROWSER_ORIGIN = 'https://app.harita.test';
Deno.env.set('CORS_ALLOWED_ORIGINS', BROWSER_ORIGIN);

const keys = await generateKeyPair('RS256');
const publicJwk = {
  ...(await exportJWK(keys.publicKey)),
  kid: 'test-key',
  alg: 'RS256',
  use: 'sig',
};
const jwks = Deno.serve({ hostname: '127.0.0.1', port: 0, onListen: () => {} }, () =>
  Response.json({ keys: [publicJwk] }),
);
Deno.env.set(
  'JWKS_URL',
  `http://127.0.0.1:${String(jwks.addr.port)}/auth/v1/.well-known/jwks.json`,
);

const { route } = await import('../serve.ts');
const api = Deno.serve({ hostname: '127.0.0.1', port: 0, onListen: () => {} }, route);
export const ORIGIN = `http://127.0.0.1:${String(api.addr.port)}`;
export const API = `${ORIGIN}/functions/v1`;

export const admin = postgres(Deno.env.get('DATABASE_ADMIN_URL') ?? '', {
  max: 2,
  onnotice: () => {},
});

/** Deno.test without the leak checks: the API, its pools and the admin pool live across tests. */
export function test(name: string, fn: () => Promise<void>): void {
  Deno.test({ name, fn, sanitizeOps: false, sanitizeResources: false });
}

export interface TokenOptions {
  role?: string;
  tenant?: string | null;
  expiresIn?: string;
  alg?: 'HS256' | 'RS256';
  secret?: string;
  /** Claims over the usual ones: a `sub` here replaces the random user id. */
  claims?: Record<string, unknown>;
}

/** A JWT as Supabase Auth mints it: HS256 with the project secret, or RS256 with its signing key. */
export function token(options: TokenOptions = {}): Promise<string> {
  const claims: Record<string, unknown> = {
    role: options.role ?? 'authenticated',
    aud: 'authenticated',
  };
  if (options.tenant) claims['app_metadata'] = { tenant_id: options.tenant, provider: 'email' };
  const jwt = new SignJWT({ sub: crypto.randomUUID(), ...claims, ...options.claims })
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '1h');
  if (options.alg === 'RS256')
    return jwt.setProtectedHeader({ alg: 'RS256', kid: 'test-key' }).sign(keys.privateKey);
  return jwt
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .sign(new TextEncoder().encode(options.secret ?? JWT_SECRET));
}

export const serviceToken = () => token({ role: 'service_role' });

export interface Answer {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
}

/** One API call: JSON in, JSON out. */
export async function call(
  method: string,
  path: string,
  options: {
    token?: string;
    body?: unknown;
    raw?: BodyInit;
    headers?: Record<string, string>;
  } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers['authorization'] = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] ??= 'application/json';
  const response = await fetch(`${API}${path}`, {
    method,
    headers,
    ...(options.raw !== undefined
      ? { body: options.raw }
      : options.body !== undefined
        ? { body: JSON.stringify(options.body) }
        : {}),
  });
  const text = await response.text();
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    body = { text };
  }
  return { status: response.status, body, headers: response.headers };
}

/** A tenant, as the platform registers one, and a user token for it. */
export async function newTenant(maxQueuedJobs = 100): Promise<{ id: string; token: string }> {
  const [row] = await admin<
    { id: string }[]
  >`insert into public.tenants (name, max_queued_jobs) values (${'tenant ' + crypto.randomUUID().slice(0, 8)}, ${maxQueuedJobs}) returning id`;
  return { id: row!.id, token: await token({ tenant: row!.id }) };
}

/** A small GeoTIFF from GDAL: 4 UInt16 bands, EPSG:32633 unless `crs` is false. */
export async function geotiff(
  options: { width?: number; height?: number; bands?: number; crs?: boolean } = {},
): Promise<Uint8Array<ArrayBuffer>> {
  const path = await Deno.makeTempFile({ suffix: '.tif' });
  const script = `
import sys
from osgeo import gdal, osr
gdal.UseExceptions()
w, h, b, crs = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5] == "1"
ds = gdal.GetDriverByName("GTiff").Create(sys.argv[1], w, h, b, gdal.GDT_UInt16, ["TILED=YES", "COMPRESS=DEFLATE"])
if crs:
    ds.SetGeoTransform([500000, 10, 0, 5000000, 0, -10])
    srs = osr.SpatialReference(); srs.ImportFromEPSG(32633); ds.SetProjection(srs.ExportToWkt())
for i in range(1, b + 1):
    ds.GetRasterBand(i).Fill(1000 * i)
ds = None
`;
  const output = await new Deno.Command('/usr/bin/python3', {
    args: [
      '-c',
      script,
      path,
      String(options.width ?? 64),
      String(options.height ?? 48),
      String(options.bands ?? 4),
      options.crs === false ? '0' : '1',
    ],
    stderr: 'piped',
  }).output();
  if (!output.success) throw new Error(new TextDecoder().decode(output.stderr));
  const bytes = await Deno.readFile(path);
  await Deno.remove(path);
  return bytes;
}

/** Creates a dataset, uploads `bytes` to its presigned URL and completes it. */
export async function readyDataset(
  tenantToken: string,
  bytes?: Uint8Array<ArrayBuffer>,
): Promise<{ id: string; file: string }> {
  const file = bytes ?? (await geotiff());
  const created = await call('POST', '/datasets', {
    token: tenantToken,
    body: { name: 'scene', file: 'scene.tif', bytes: file.length },
  });
  if (created.status !== 201)
    throw new Error(`create answered ${String(created.status)}: ${JSON.stringify(created.body)}`);
  const upload = created.body['upload'] as { url: string; headers: Record<string, string> };
  const put = await fetch(upload.url, { method: 'PUT', body: file, headers: upload.headers });
  await put.body?.cancel();
  if (!put.ok) throw new Error(`upload answered ${String(put.status)}`);
  const dataset = created.body['dataset'] as { id: string };
  const completed = await call('POST', `/datasets/${dataset.id}/complete`, { token: tenantToken });
  if (completed.status !== 200)
    throw new Error(
      `complete answered ${String(completed.status)}: ${JSON.stringify(completed.body)}`,
    );
  return { id: dataset.id, file: 'scene.tif' };
}

/** Writes an object straight to the store, as the worker writes results. */
export async function putObject(key: string, body: Uint8Array<ArrayBuffer>): Promise<void> {
  const s3 = new AwsClient({
    accessKeyId: Deno.env.get('S3_ACCESS_KEY_ID') ?? '',
    secretAccessKey: Deno.env.get('S3_SECRET_ACCESS_KEY') ?? '',
    region: 'us-east-1',
    service: 's3',
  });
  const response = await s3.fetch(
    `${Deno.env.get('S3_ENDPOINT') ?? ''}/${Deno.env.get('S3_BUCKET') ?? ''}/${key}`,
    { method: 'PUT', body },
  );
  await response.body?.cancel();
  if (!response.ok) throw new Error(`PUT ${key} answered ${String(response.status)}`);
}
