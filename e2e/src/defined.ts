/**
 * The value, which the suite expects to be there.
 * @throws naming `what` when it is undefined, so a failure says what was missing
 */
export function defined<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`expected ${what}`);
  return value;
}
