import { notFound } from './http.ts';

/**
 * The path within a function: what follows `/<name>` (with or without Supabase's
 * `/functions/v1` before it), split into decoded segments, uuids in their one spelling (lower
 * case).
 */
export function segments(request: Request, name: string): string[] {
  const path = new URL(request.url).pathname.replace(/^\/functions\/v1/, '');
  const prefix = `/${name}`;
  if (path !== prefix && !path.startsWith(`${prefix}/`)) return ['..'];
  return path.slice(prefix.length).split('/').filter(Boolean).map(decoded);
}

/**
 * A path segment decoded, a uuid in lower case.
 * @throws ApiError 404 for one that is not valid percent-encoding
 */
function decoded(raw: string): string {
  let value: string;
  try {
    value = decodeURIComponent(raw);
  } catch {
    throw notFound('this path');
  }
  return UUID.test(value) ? value.toLowerCase() : value;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (value: string | undefined): value is string =>
  value !== undefined && UUID.test(value);
