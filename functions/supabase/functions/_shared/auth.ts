import {
  createRemoteJWKSet,
  decodeProtectedHeader,
  errors,
  jwtVerify,
  type JWTPayload,
} from 'jose';
import type { Config } from './config.ts';
import type { Transaction } from './db.ts';
import { ApiError } from './http.ts';

/** Who is calling: a tenant's user, or the service role (the worker, the platform). */
export type Caller =
  | { role: 'authenticated'; tenantId: string; userId: string | null; claims: JWTPayload }
  | { role: 'service_role'; tenantId: null; userId: null; claims: JWTPayload };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ASYMMETRIC = ['RS256', 'ES256', 'EdDSA'];

const unauthorized = (message: string) =>
  new ApiError(401, 'unauthorized', message, { 'www-authenticate': 'Bearer' });

let jwks: { url: string; keys: ReturnType<typeof createRemoteJWKSet> } | undefined;

function keySet(url: string) {
  if (jwks?.url !== url) jwks = { url, keys: createRemoteJWKSet(new URL(url)) };
  return jwks.keys;
}

async function verified(token: string, config: Config): Promise<JWTPayload> {
  let alg: string | undefined;
  try {
    alg = decodeProtectedHeader(token).alg;
  } catch {
    throw unauthorized('the token is malformed');
  }
  try {
    if (alg === 'HS256') {
      if (!config.JWT_SECRET) throw unauthorized('this project does not accept HS256 tokens');
      const secret = new TextEncoder().encode(config.JWT_SECRET);
      return (await jwtVerify(token, secret, { algorithms: ['HS256'] })).payload;
    }
    if (alg && ASYMMETRIC.includes(alg)) {
      if (!config.JWKS_URL) throw unauthorized(`this project does not accept ${alg} tokens`);
      return (await jwtVerify(token, keySet(config.JWKS_URL), { algorithms: ASYMMETRIC })).payload;
    }
    throw unauthorized(
      alg === 'none'
        ? 'unsigned tokens are refused'
        : `tokens signed with ${String(alg)} are refused`,
    );
  } catch (error) {
    if (error instanceof ApiError) throw error;
    if (error instanceof errors.JWTExpired) throw unauthorized('the token has expired');
    if (
      error instanceof errors.JWSSignatureVerificationFailed ||
      error instanceof errors.JWKSNoMatchingKey
    ) {
      throw unauthorized("the token's signature does not verify");
    }
    if (error instanceof errors.JWTClaimValidationFailed)
      throw unauthorized(`the token is not valid: ${error.message}`);
    throw unauthorized('the token is malformed');
  }
}

/**
 * A user token's own checks, past its signature: it expires (`exp`), it is meant for this API
 * (`aud`, JWT_AUDIENCE) and, when JWT_ISSUER is set, it comes from that issuer (`iss`). The service
 * role's key is the project's own and long-lived, so it is held to none of them.
 * @throws ApiError 401 naming the claim that fails
 */
function checkUserClaims(claims: JWTPayload, config: Config): void {
  if (typeof claims.exp !== 'number') throw unauthorized('the token has no expiry (exp)');
  const audiences = typeof claims.aud === 'string' ? [claims.aud] : (claims.aud ?? []);
  if (!audiences.includes(config.JWT_AUDIENCE))
    throw unauthorized(
      `the token is not meant for this API (aud must name ${config.JWT_AUDIENCE})`,
    );
  if (config.JWT_ISSUER !== undefined && claims.iss !== config.JWT_ISSUER)
    throw unauthorized(`the token was not issued by ${config.JWT_ISSUER} (iss)`);
}

/**
 * The caller of a request, from its Supabase JWT (`Authorization: Bearer ...`). A user's tenant
 * id is canonical, a lower-case uuid, here and in the claims the database sees.
 * @throws ApiError 401 for a missing, malformed, expired, wrongly signed or mis-addressed token
 */
export async function authenticate(request: Request, config: Config): Promise<Caller> {
  const header = request.headers.get('authorization') ?? '';
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match?.[1]) throw unauthorized('send a Supabase JWT as "Authorization: Bearer <token>"');
  const claims = await verified(match[1], config);
  if (claims['role'] === 'service_role')
    return { role: 'service_role', tenantId: null, userId: null, claims };
  if (claims['role'] !== 'authenticated')
    throw unauthorized('sign in: only authenticated users and the service role may call this API');
  checkUserClaims(claims, config);
  const metadata = claims['app_metadata'] as Record<string, unknown> | undefined;
  const tenant = metadata?.['tenant_id'];
  if (typeof tenant !== 'string' || !UUID.test(tenant)) {
    throw unauthorized('the token names no tenant (app_metadata.tenant_id)');
  }
  const tenantId = tenant.toLowerCase();
  return {
    role: 'authenticated',
    tenantId,
    userId: typeof claims.sub === 'string' ? claims.sub : null,
    claims: { ...claims, app_metadata: { ...metadata, tenant_id: tenantId } },
  };
}

/**
 * A tenant's user; the service role is refused where an endpoint acts for a tenant.
 * @throws ApiError 401 as authenticate, 403 for the service role
 */
export async function authenticateUser(request: Request, config: Config) {
  const caller = await authenticate(request, config);
  if (caller.role !== 'authenticated') {
    throw new ApiError(
      403,
      'forbidden',
      'this endpoint acts for a tenant: call it with a user token',
    );
  }
  return caller;
}

/** The service role only. @throws ApiError 403 for a user token */
export async function authenticateService(request: Request, config: Config): Promise<void> {
  const caller = await authenticate(request, config);
  if (caller.role !== 'service_role')
    throw new ApiError(403, 'forbidden', 'only the service role may call this endpoint');
}

/**
 * Refuses a tenant the platform never registered, as POST /jobs does: a token can name any uuid.
 * Runs as the user, where row-level security shows a tenant its own row only.
 * @throws ApiError 403 `forbidden` when the caller's tenant has no row
 */
export async function assertRegisteredTenant(tx: Transaction): Promise<void> {
  const [row] = await tx.unsafe<{ id: string }[]>(
    'select id from public.tenants where id = public.current_tenant_id()',
  );
  if (!row) throw new ApiError(403, 'forbidden', 'your tenant is not registered');
}
