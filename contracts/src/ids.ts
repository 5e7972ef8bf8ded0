import { z } from 'zod';

/**
 * Tenants, datasets and jobs are named by UUIDs; the BullMQ job id is the job's UUID. Read in
 * either case and kept in one spelling, lower case, as Postgres writes them: an id compared or
 * put in an object key after parsing is the same string however the client spelt it.
 */
export const Uuid = z.uuid().toLowerCase();
export type Uuid = z.infer<typeof Uuid>;

/** The longest file or artifact name: the datasets table's `file` column holds as many. */
export const OBJECT_NAME_MAX = 255;

/**
 * A file or artifact name inside a dataset or job folder: one path segment, no traversal, no
 * characters that need escaping in an S3 key or a URL.
 */
export const ObjectName = z
  .string()
  .max(OBJECT_NAME_MAX)
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$/,
    'must be 1-255 characters of letters, digits, ".", "_" or "-", starting with a letter or digit',
  )
  .refine((name) => !name.includes('..'), 'must not contain ".."');
export type ObjectName = z.infer<typeof ObjectName>;
