// Values drawn from the JSON Schemas of the OpenAPI document (what zod's toJSONSchema writes:
// objects, arrays and tuples, strings with patterns and formats, bounded numbers, enums,
// consts, unions and intersections), and the mutations a careless or hostile client makes.
import fc from 'fast-check';

/** A JSON Schema, as far as this reads one. */
export type JsonSchema = { [keyword: string]: unknown };

/** Arrays and strings are drawn short: the point is their shape, not their size. */
const MAX_ITEMS = 4;
const MAX_STRING = 24;
const MAX_DEPTH = 8;

const asSchema = (value: unknown): JsonSchema => (value ?? {}) as JsonSchema;
const numberOr = (value: unknown, fallback: number): number =>
  typeof value === 'number' ? value : fallback;

/**
 * An arbitrary of values that mostly satisfy `schema` (`$ref`s resolved in `schemas`): what a
 * client reading the document would send.
 */
export function arbitraryOf(
  schema: JsonSchema,
  schemas: Record<string, JsonSchema>,
  depth = 0,
): fc.Arbitrary<unknown> {
  if (depth > MAX_DEPTH) return fc.constant(null);
  const next = (s: unknown) => arbitraryOf(asSchema(s), schemas, depth + 1);
  if (typeof schema['$ref'] === 'string')
    return arbitraryOf(schemas[schema['$ref'].split('/').at(-1) ?? ''] ?? {}, schemas, depth + 1);
  if ('const' in schema) return fc.constant(schema['const']);
  if (Array.isArray(schema['enum'])) return fc.constantFrom(...(schema['enum'] as unknown[]));
  const union = (schema['oneOf'] ?? schema['anyOf']) as unknown[] | undefined;
  if (union) return fc.oneof(...union.map(next));
  if (Array.isArray(schema['allOf']))
    return fc
      .tuple(...(schema['allOf'] as unknown[]).map(next))
      .map((parts) =>
        Object.assign({}, ...parts.filter((p) => p !== null && typeof p === 'object')),
      );
  const type = schema['type'];
  if (Array.isArray(type))
    return fc.oneof(...type.map((t) => arbitraryOf({ ...schema, type: t }, schemas, depth + 1)));
  switch (type) {
    case 'object': {
      const properties = (schema['properties'] ?? {}) as Record<string, unknown>;
      const required = (schema['required'] ?? []) as string[];
      const record = fc.record(
        Object.fromEntries(Object.entries(properties).map(([key, s]) => [key, next(s)])),
        { requiredKeys: required.filter((key) => key in properties) },
      );
      const extra = schema['additionalProperties'];
      if (!extra || typeof extra !== 'object') return record;
      const keys = arbitraryOf(asSchema(schema['propertyNames'] ?? { type: 'string' }), schemas);
      return fc
        .tuple(record, fc.dictionary(keys as fc.Arbitrary<string>, next(extra), { maxKeys: 3 }))
        .map(([known, more]) => ({ ...more, ...known }));
    }
    case 'array': {
      const prefix = ((schema['prefixItems'] ?? []) as unknown[]).map(next);
      const rest = fc.array(next(schema['items']), {
        minLength: Math.max(0, numberOr(schema['minItems'], 0) - prefix.length),
        maxLength: Math.max(
          0,
          Math.min(numberOr(schema['maxItems'], MAX_ITEMS), MAX_ITEMS) - prefix.length,
        ),
      });
      return fc.tuple(fc.tuple(...prefix), rest).map(([head, tail]) => [...head, ...tail]);
    }
    case 'string': {
      if (schema['format'] === 'uuid') return fc.uuid();
      if (typeof schema['pattern'] === 'string')
        return fc.stringMatching(new RegExp(schema['pattern']), { size: 'xsmall' });
      const minLength = numberOr(schema['minLength'], 0);
      return fc.string({
        minLength,
        maxLength: Math.max(
          minLength,
          Math.min(numberOr(schema['maxLength'], MAX_STRING), MAX_STRING),
        ),
      });
    }
    case 'integer':
      return fc.integer({
        min: numberOr(schema['minimum'], -1e6),
        max: numberOr(schema['maximum'], 1e6),
      });
    case 'number':
      return fc.double({
        min: numberOr(schema['minimum'], -1e6),
        max: numberOr(schema['maximum'], 1e6),
        noNaN: true,
      });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/** Every place in a JSON value: the path of keys and indices to it. */
function places(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  const here = [path];
  if (Array.isArray(value))
    return here.concat(...value.map((item, i) => places(item, [...path, i])));
  if (value !== null && typeof value === 'object')
    return here.concat(...Object.entries(value).map(([key, item]) => places(item, [...path, key])));
  return here;
}

/** One mutation: what it does to the value found at a place (undefined: remove it). */
export type Mutation = (current: unknown) => unknown;

const deep = (levels: number): unknown => {
  let value: unknown = 1;
  for (let i = 0; i < levels; i++) value = [value];
  return value;
};

/**
 * The mutations a client makes of a valid body: a wrong type, a huge or deep value, a NUL, any
 * unicode (lone surrogates too), a field removed or added, a malformed uuid, or an id from
 * `ids` (the tenant's own, another tenant's, none's).
 */
export function mutationOf(ids: readonly string[]): fc.Arbitrary<Mutation> {
  const replace = (value: fc.Arbitrary<unknown>) => value.map((v) => () => v);
  return fc.oneof(
    replace(fc.constantFrom(0, -1, 1.5, 1e308, -0, true, null, [], {}, 'text', '')),
    replace(fc.constantFrom('x'.repeat(100_000), 9_007_199_254_740_993, deep(2000))),
    replace(fc.constantFrom('a\u0000b', '\u0000', 'name\u0000.tif')),
    replace(fc.string({ unit: 'binary', maxLength: 16 })),
    replace(fc.string({ unit: 'grapheme', maxLength: 16 })),
    fc.constant(() => undefined),
    fc
      .tuple(
        fc.constantFrom('extra', 'constructor', '__proto__', 'toString', ''),
        fc.jsonValue({ maxDepth: 1 }),
      )
      .map(
        ([key, v]) =>
          (current: unknown) =>
            current !== null && typeof current === 'object' && !Array.isArray(current)
              ? { ...current, [key]: v }
              : current,
      ),
    replace(
      fc.constantFrom(
        'not-a-uuid',
        '00000000-0000-0000-0000-00000000000g',
        'FFFFFFFF-FFFF-4FFF-8FFF-FFFFFFFFFFFF',
        '{00000000-0000-4000-8000-000000000000}',
      ),
    ),
    replace(fc.constantFrom(...ids)),
  );
}

/** `value` with `mutation` applied at the place `pick` (a fraction of the places) chooses. */
export function mutate(value: unknown, pick: number, mutation: Mutation): unknown {
  const all = places(value);
  const path = all[Math.min(all.length - 1, Math.floor(pick * all.length))] ?? [];
  if (path.length === 0) return mutation(value);
  const copy = structuredClone(value) as Record<string | number, unknown>;
  let parent = copy;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const last = path.at(-1)!;
  const changed = mutation(parent[last]);
  if (changed !== undefined) parent[last] = changed;
  else if (Array.isArray(parent)) parent.splice(Number(last), 1);
  else delete parent[last];
  return copy;
}
