import { badRequest } from './http.ts';
import { isUuid } from './route.ts';

export interface Page {
  limit: number;
  after: { created_at: string; id: string } | null;
}

// A cursor's time as Postgres printed it: checked to the day of the month, so that the query's
// cast of a forged cursor cannot fail.
const TIMESTAMP =
  /^([1-9]\d{3})-(\d{2})-(\d{2})T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d{1,6})?(?:Z|[+-](?:0\d|1[0-5]):[0-5]\d)$/;

function isTimestamp(value: unknown): value is string {
  const match = typeof value === 'string' ? TIMESTAMP.exec(value) : null;
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** ?limit (1-100, default 20) and ?cursor (opaque: the last row's time and id, base64url). */
export function pageOf(url: URL): Page {
  const limit = Number(url.searchParams.get('limit') ?? 20);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100)
    throw badRequest('limit must be an integer from 1 to 100');
  const cursor = url.searchParams.get('cursor');
  if (!cursor) return { limit, after: null };
  try {
    const decoded = JSON.parse(atob(cursor.replaceAll('-', '+').replaceAll('_', '/'))) as {
      t?: unknown;
      i?: unknown;
    };
    if (!isTimestamp(decoded.t) || typeof decoded.i !== 'string' || !isUuid(decoded.i))
      throw new Error();
    return { limit, after: { created_at: decoded.t, id: decoded.i } };
  } catch {
    throw badRequest('the cursor is not one this API gave out');
  }
}

/**
 * The page's rows and the cursor of the next page, given up to limit + 1 rows that carry
 * `cursor_at`: their created_at as Postgres prints it, to the microsecond, which a JS Date is not.
 */
export function pageFrom<T extends { cursor_at: string; id: string }>(
  rows: T[],
  limit: number,
): { items: Omit<T, 'cursor_at'>[]; next_cursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const items = page.map(({ cursor_at: _, ...item }) => item);
  if (rows.length <= limit || !last) return { items, next_cursor: null };
  const cursor = btoa(JSON.stringify({ t: last.cursor_at, i: last.id }))
    .replaceAll('+', '-')
    .replaceAll('/', '_')
    .replace(/=+$/, '');
  return { items, next_cursor: cursor };
}
