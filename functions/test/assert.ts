// The few assertions the tests use (jsr's @std/assert is not reachable from every machine).
export class AssertionError extends Error {
  override name = 'AssertionError';
}

export function assert(
  condition: unknown,
  message = 'expected a true condition',
): asserts condition {
  if (!condition) throw new AssertionError(message);
}

export function assertEquals(actual: unknown, expected: unknown, message?: string): void {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new AssertionError(`${message ? `${message}: ` : ''}expected ${e}, got ${a}`);
}

export function assertMatch(actual: string, pattern: RegExp, message?: string): void {
  if (!pattern.test(actual))
    throw new AssertionError(
      `${message ? `${message}: ` : ''}${JSON.stringify(actual)} does not match ${String(pattern)}`,
    );
}
