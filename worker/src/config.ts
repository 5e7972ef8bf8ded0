import { readFileSync } from 'node:fs';
import { RedisEnvironment, requireRedisLocation } from '@harita/queue';
import { z } from 'zod';

/** A TCP port, from its variable's text. */
export const port = z.coerce.number().int().min(1).max(65535);
/** A whole number above 0, from its variable's text. */
export const positive = z.coerce.number().int().positive();
/** pino's levels. */
export const LogLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']);

/** The worker's environment: the seed's contract plus object storage, ports and limits. */
const Environment = z
  .object({
    ...RedisEnvironment.shape,
    WORKER_CONCURRENCY: positive.max(64).default(5),
    SUPABASE_URL: z.url(),
    SUPABASE_SERVICE_ROLE_KEY: z.string().min(20),
    /** Where the key came from, when it came from a file: read again for each job event. */
    SUPABASE_SERVICE_ROLE_KEY_FILE: z.string().optional(),
    S3_ENDPOINT: z.url(),
    S3_REGION: z.string().min(1).default('us-east-1'),
    S3_BUCKET: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'an S3 bucket name'),
    S3_ACCESS_KEY_ID: z.string().min(1),
    S3_SECRET_ACCESS_KEY: z.string().min(1),
    /** TF Serving's REST root; the inference jobs' model server. */
    MODEL_SERVING_URL: z.url().default('http://127.0.0.1:8501'),
    /** TF Serving's API the worker speaks: gRPC (binary tensors) or REST (JSON). */
    MODEL_SERVING_PROTOCOL: z.enum(['grpc', 'rest']).default('grpc'),
    /** TF Serving's gRPC port on MODEL_SERVING_URL's host. */
    MODEL_SERVING_GRPC_PORT: port.default(8500),
    MODEL_REQUEST_TIMEOUT_SECONDS: positive.default(60),
    /** Further tries of a predict request the server did not answer; then the job fails or retries. */
    MODEL_REQUEST_RETRIES: z.coerce.number().int().min(0).max(10).default(3),
    /** Predict requests one inference job keeps in flight: enough for TF Serving's batcher to fill. */
    INFERENCE_REQUESTS_IN_FLIGHT: positive.max(16).default(4),
    HEALTH_PORT: port.default(9400),
    MAX_INPUT_PIXELS: positive.default(400_000_000),
    MAX_INPUT_BYTES: positive.default(8 * 1024 * 1024 * 1024),
    SHUTDOWN_GRACE_SECONDS: positive.default(30),
    /** A running job's lock; a worker that dies holding it hands the job on once it expires. */
    JOB_LOCK_SECONDS: positive.default(30),
    /** Jobs one tenant may run at once, across every worker. */
    TENANT_MAX_RUNNING: positive.default(4),
    STALLED_CHECK_SECONDS: positive.default(30),
    LOG_LEVEL: LogLevel.default('info'),
  })
  .superRefine(requireRedisLocation);

export type Config = z.infer<typeof Environment>;

/** The secrets that may come from a file instead (`<NAME>_FILE`), as Docker and Kubernetes mount them. */
const FILE_SECRETS = [
  'SUPABASE_SERVICE_ROLE_KEY',
  'REDIS_PASSWORD',
  'S3_SECRET_ACCESS_KEY',
  'DATABASE_URL',
];

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * The environment with each `<NAME>_FILE` secret read into `<NAME>` (surrounding whitespace
 * trimmed, as files end with a newline).
 * @throws ConfigError when both `<NAME>` and `<NAME>_FILE` are set, or the file cannot be read
 */
function withFileSecrets(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const resolved = { ...env };
  for (const name of FILE_SECRETS) {
    const file = env[`${name}_FILE`];
    if (!file) continue;
    if (env[name]) throw new ConfigError(`set ${name} or ${name}_FILE, not both`);
    try {
      resolved[name] = readFileSync(file, 'utf8').trim();
    } catch (error) {
      throw new ConfigError(
        `${name}_FILE cannot be read: ${(error as NodeJS.ErrnoException).code ?? String(error)} (${file})`,
      );
    }
  }
  return resolved;
}

/**
 * The secret in `file` as it is now, for secrets that change while the worker runs (a key
 * minted anew by the local stack, a Kubernetes Secret rotated in place); the last value read
 * while the file cannot be read.
 */
export function secretFromFile(file: string, initial: string): () => string {
  let last = initial;
  return () => {
    try {
      const value = readFileSync(file, 'utf8').trim();
      if (value) last = value;
    } catch {
      // Mid-rotation the file can be briefly absent: the key read last is the best there is.
    }
    return last;
  };
}

/**
 * The validated configuration, or one line naming the first variable that is missing or wrong.
 * @throws ConfigError naming the variable
 */
export function loadConfig(given: NodeJS.ProcessEnv = process.env): Config {
  return parseEnvironment(Environment, given);
}

/**
 * An environment checked against `schema`, with each `<NAME>_FILE` secret read first: the worker's
 * and the dispatcher's alike.
 * @throws ConfigError naming the first variable that is missing or wrong
 */
export function parseEnvironment<T>(schema: z.ZodType<T>, given: NodeJS.ProcessEnv): T {
  const env = withFileSecrets(given);
  const parsed = schema.safeParse(env);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const name = String(issue?.path[0] ?? 'the environment');
  const missing = env[name] === undefined || env[name] === '';
  throw new ConfigError(
    missing ? `${name} is not set` : `${name} is invalid: ${issue?.message ?? 'unknown'}`,
  );
}
