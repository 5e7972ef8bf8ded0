// Mints the service role's key, a Supabase-style JWT (HS256 with the project's JWT_SECRET, role
// service_role), into the file given as the argument. The local stack runs it as a one-shot at
// every start, so compose alone makes the key the worker presents, and it can never disagree
// with the secret the API checks it against. In production Supabase issues the key.
//   deno run --allow-env=JWT_SECRET --allow-read=DIR --allow-write=DIR mint-service-role-key.ts DIR/FILE
import { SignJWT } from 'jose';

const file = Deno.args[0];
const secret = Deno.env.get('JWT_SECRET') ?? '';
if (!file) {
  console.error('mint-service-role-key: give the file to write the key to');
  Deno.exit(2);
}
if (secret.length < 32) {
  console.error('mint-service-role-key: JWT_SECRET is not set or shorter than 32 characters');
  Deno.exit(1);
}
const key = await new SignJWT({ role: 'service_role', iss: 'harita-hive' })
  .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
  .setIssuedAt()
  .sign(new TextEncoder().encode(secret));
// Written beside, then renamed: a reader never sees half a key.
await Deno.writeTextFile(`${file}.tmp`, key, { mode: 0o644 });
await Deno.rename(`${file}.tmp`, file);
console.log(`mint-service-role-key: the service role's key is in ${file}`);
