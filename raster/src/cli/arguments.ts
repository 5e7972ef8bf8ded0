import { parseArgs } from 'node:util';

export class UsageError extends Error {
  override name = 'UsageError';
}

export type Options = Record<string, string | boolean | string[] | undefined>;

/** Parses a command's arguments, turning node:util's errors into usage errors. */
export function parse(
  args: string[],
  options: NonNullable<Parameters<typeof parseArgs>[0]>['options'],
): { values: Options; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({
      args,
      options: options ?? {},
      allowPositionals: true,
      strict: true,
    });
    return { values: values as Options, positionals };
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

export function positiveInteger(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1)
    throw new UsageError(`--${name} takes a positive integer, not ${JSON.stringify(value)}`);
  return number;
}

export function positionals(list: string[], names: string[]): string[] {
  if (list.length !== names.length) {
    throw new UsageError(
      `expected ${names.map((n) => `<${n}>`).join(' ')}, got ${String(list.length)} argument${list.length === 1 ? '' : 's'}`,
    );
  }
  return list;
}
