import { MAX_UPLOAD_URL_SECONDS } from '@harita/contracts';
import { z } from 'zod';

const positive = z.coerce.number().int().positive();

/**
 * A browser origin as a browser sends it in Origin (scheme, host, port only; lower-case, no
 * default port, no trailing slash): an entry with anything more would never match one.
 */
const Origin = z.url().transform((entry, context) => {
  const url = new URL(entry);
  if (
    !['http:', 'https:'].includes(url.protocol) ||
    url.username ||
    url.password ||
    url.pathname !== '/' ||
    url.search ||
    url.hash ||
    /[?#]$/.test(entry)
  ) {
    context.addIssue({
      code: 'custom',
      message: `${entry} is not an origin: give scheme://host[:port] only, with no path, query or fragment`,
    });
    return z.NEVER;
  }
  return url.origin;
});

/** The most bytes a request copying inside the object store may copy: S3's limit. */
const MAX_COPY_PART_BYTES = 5 * 1024 ** 3;
/** The least bytes a part of a multipart copy may hold, but the last: S3's limit. */
const MIN_COPY_PART_BYTES = 5 * 1024 ** 2;

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
    .pipe(z.array(Origin)),
  /** The most bytes of request headers (names and values) a request may carry: 431 past it. */
  MAX_HEADER_BYTES: positive.default(32 * 1024),
  S3_ENDPOINT: z.url(),
  /** Where clients reach the object store, for presigned URLs (default S3_ENDPOINT). */
  S3_PUBLIC_ENDPOINT: z.url().optional(),
  S3_REGION: z.string().min(1).default('us-east-1'),
  S3_BUCKET: z.string().min(3),
  S3_ACCESS_KEY_ID: z.string().min(1),
  S3_SECRET_ACCESS_KEY: z.string().min(1),
  /**
   * The most bytes one request copies inside the store when /complete copies an upload: larger
   * uploads are copied in parts of this size, so that each request stays short.
   */
  S3_COPY_PART_BYTES: positive
    .min(MIN_COPY_PART_BYTES)
    .max(MAX_COPY_PART_BYTES)
    .default(512 * 1024 ** 2),
  MODEL_SERVING_URL: z.url().default('http://127.0.0.1:8501'),
  /** The Authorization header model serving's edge asks for (its basic auth), when it has one. */
  MODEL_SERVING_AUTHORIZATION: z.string().min(1).optional(),
  /** The model /health asks model serving about (TF Serving has no health call of its own). */
  HEALTH_MODEL: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/)
    .default('landcover'),
  MAX_UPLOAD_BYTES: positive.default(10 * 1024 ** 3),
  /** How long an upload URL is valid; capped so the bucket's rule never expires an open upload. */
  UPLOAD_URL_SECONDS: positive.max(MAX_UPLOAD_URL_SECONDS).default(900),
  RESULT_URL_SECONDS: positive.max(7 * 24 * 3600).default(3600),
  MAX_BODY_BYTES: positive.default(1024 * 1024),
  MAX_INPUT_PIXELS: positive.default(400_000_000),
  SYNC_INFERENCE_MAX_BYTES: positive.default(8 * 1024 * 1024),
  SYNC_INFERENCE_TIMEOUT_SECONDS: positive.default(30),
  /** The most instances (the batch dimension) one synchronous predict may carry. */
  SYNC_INFERENCE_MAX_INSTANCES: positive.default(16),
});

export type Config = z.infer<typeof Environment>;

/**
 * The configuration `env` gives; an empty variable counts as unset.
 * @throws Error naming the first missing or malformed variable
 */
export function parseConfig(env: Record<string, string | undefined>): Config {
  // An empty variable is an unset one, so that compose can pass each as ${VAR:-}.
  const parsed = Environment.safeParse(
    Object.fromEntries(Object.entries(env).filter(([, value]) => value !== '')),
  );
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(
      `functions: ${String(issue?.path[0])} is missing or invalid: ${issue?.message ?? ''}`,
    );
  }
  if (!parsed.data.JWT_SECRET && !parsed.data.JWKS_URL) {
    throw new Error('functions: set JWT_SECRET (HS256) or JWKS_URL (asymmetric keys), or both');
  }
  return parsed.data;
}

let cached: Config | undefined;

/**
 * The validated configuration of this process's environment, read once.
 * @throws Error naming the first missing or malformed variable
 */
export function config(): Config {
  cached ??= parseConfig(Deno.env.toObject());
  return cached;
}
