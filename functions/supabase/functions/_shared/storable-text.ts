import { ApiError } from './http.ts';

// Postgres refuses the NUL character in text and in jsonb (\u0000), and jsonb refuses a lone
// UTF-16 surrogate (an escape JSON allows but Unicode has no character for). Either would fail
// the statement that stores it: such input is refused at the edge, naming where it is.
const unstorable = (text: string): boolean => text.includes('\u0000') || !text.isWellFormed();

/**
 * Where in a JSON value (keys included) the first string Postgres cannot store is, as a dotted
 * path (`''` for the value itself), or undefined when every string can be stored.
 */
export function unstorableTextAt(value: unknown, path = ''): string | undefined {
  if (typeof value === 'string') return unstorable(value) ? path : undefined;
  if (value === null || typeof value !== 'object') return undefined;
  for (const [key, item] of Object.entries(value)) {
    const at = path ? `${path}.${key}` : key;
    if (unstorable(key)) return at;
    const found = unstorableTextAt(item, at);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * Refuses a JSON value holding text Postgres cannot store (NUL, lone surrogates).
 * @param what what the value is, for the message: 'the body', "the token's claims"
 * @throws ApiError 422 `unsupported_text` naming the field
 */
export function refuseUnstorableText(value: unknown, what: string): void {
  const at = unstorableTextAt(value);
  if (at === undefined) return;
  throw new ApiError(
    422,
    'unsupported_text',
    `${at ? `${at}: ` : ''}${what} holds a NUL character or a lone UTF-16 surrogate, which cannot be stored`,
  );
}
