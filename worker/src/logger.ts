import { pino, type Logger } from 'pino';

/** JSON logs; secrets are redacted wherever they appear in a logged object. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'worker' },
    redact: {
      paths: [
        '*.SUPABASE_SERVICE_ROLE_KEY',
        '*.REDIS_PASSWORD',
        '*.S3_SECRET_ACCESS_KEY',
        '*.authorization',
        '*.apikey',
      ],
      censor: '[redacted]',
    },
  });
}
