import { z } from 'zod';

const positive = z.coerce.number().int().positive();

/** The functions' environment: what Supabase gives every function, plus the kit's services. */
const Environment = z.object({
  SUPABASE_URL: z.url(),
  SUPABASE_DB_URL: z.string().min(1),
  /** The project's JWT secret (HS256); tokens signed with asymmetric keys are checked with JWKS_URL. */
  JWT_SECRET: z.string().min(32).optional(),
  JWKS_URL: z.url().optional(),
  /** The audience a user token must name in `aud` (Supabase Auth's is `authenticated`). */
  JWT_AUDIENCE: z.string().min(1).default('authenticated'),
  /** The issuer a user token must name in `iss`, when set (Supabase Auth's is `<SUPABASE_URL>/auth/v1`). */
  JWT_ISSUER: z.string().min(1).optional(),
  /** Browser origins allowed to call the API (CORS), comma-separated; none by default. */
  CORS_ALLOWED_ORIGINS: z
    .string()
    .default('')
    .transform((list) =>
      list
        .split(',')
        .map((origin) => origin.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.url())),
  /** The most bytes of request headers (names and values) a request may carry: 431 past it. */
  MAX_HEADER_BYTES: positive.default(32 * 1024),
  S3_ENDPOINT: z.url(),
  /** Where clients reach the object store, for presigned URLs (default S3_ENDPOINT). */
  S3_PUBLIC_ENDPOINT: z.url().optional(),
  S3_REGION: z.string().min(1).default('us-east-1'),
  S3_BUCKET: z.string().min(3),
  S3_ACCESS_KEY_ID: z.string().min(1),
  S3_SECRET_ACCESS_KEY: z.string().min(1),
  MODEL_SERVING_URL: z.url().default('http://127.0.0.1:8501'),
  /** The Authorization header model serving's edge asks for (its basic auth), when it has one. */
  MODEL_SERVING_AUTHORIZATION: z.string().min(1).optional(),
  MAX_UPLOAD_BYTES: positive.default(10 * 1024 ** 3),
  UPLOAD_URL_SECONDS: positive.max(7 * 24 * 3600).default(900),
  RESULT_URL_SECONDS: positive.max(7 * 24 * 3600).default(3600),
  MAX_BODY_BYTES: positive.default(1024 * 1024),
  MAX_INPUT_PIXELS: positive.default(400_000_000),
  SYNC_INFERENCE_MAX_BYTES: positive.default(8 * 1024 * 1024),
  SYNC_INFERENCE_TIMEOUT_SECONDS: positive.default(30),
  /** The most instances (the batch dimension) one synchronous predict may carry. */
  SYNC_INFERENCE_MAX_INSTANCES: positive.default(16),
});

export type Config = z.infer<typeof Environment>;

let cached: Config | undefined;

/** The validated configuration; a missing or malformed variable is named in the error. */
export function config(env: Record<string, string | undefined> = Deno.env.toObject()): Config {
  if (cached) return cached;
  const parsed = Environment.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(
      `functions: ${String(issue?.path[0])} is missing or invalid: ${issue?.message ?? ''}`,
    );
  }
  if (!parsed.data.JWT_SECRET && !parsed.data.JWKS_URL) {
    throw new Error('functions: set JWT_SECRET (HS256) or JWKS_URL (asymmetric keys), or both');
  }
  cached = parsed.data;
  return cached;
}
