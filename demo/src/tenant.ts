import { SignJWT } from 'jose';
import pg from 'pg';

/** The demo tenant's id: the same on every run, so the demo adds to one tenant's history. */
export const DEMO_TENANT = '00000000-0000-4000-8000-00000000d3a0';

/** Registers the demo tenant, as the platform registers tenants, if it is not there yet. */
export async function seedTenant(databaseUrl: string): Promise<string> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(
      `insert into public.tenants (id, name, max_queued_jobs) values ($1, 'Demo tenant', 100) on conflict (id) do nothing`,
      [DEMO_TENANT],
    );
  } finally {
    await client.end();
  }
  return DEMO_TENANT;
}

/** A user token for the tenant, as Supabase Auth would mint it (HS256, the project's secret). */
export function userToken(secret: string, tenantId: string): Promise<string> {
  return new SignJWT({
    role: 'authenticated',
    aud: 'authenticated',
    app_metadata: { tenant_id: tenantId },
  })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject('00000000-0000-4000-8000-0000000d3a05')
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode(secret));
}
