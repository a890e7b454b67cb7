import fc from 'fast-check';
import { Kind, type TSchema } from '@sinclair/typebox';

/** Longest strings and arrays generated: bounds in the schemas are far larger than tests need. */
const MAX_GENERATED = 4;

/**
 * Valid messages for a TypeBox schema, generated from the schema itself (so that a schema change
 * changes what is generated): every kind the protocol schemas use, patterns through
 * `fc.stringMatching`, bounds respected.
 */
export function arbitraryFor(schema: TSchema): fc.Arbitrary<unknown> {
  const kind = String(schema[Kind]);
  const make = GENERATORS[kind];
  if (!make) throw new Error(`no generator for schema kind ${kind}`);
  return make(schema as Schema);
}

/** The JSON Schema keywords the protocol schemas use. */
interface Schema {
  readonly pattern?: string;
  readonly maxLength?: number;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly const?: unknown;
  readonly minByteLength?: number;
  readonly maxByteLength?: number;
  readonly anyOf?: TSchema[];
  readonly items?: TSchema;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly properties?: Record<string, TSchema>;
  readonly required?: string[];
  readonly additionalProperties?: unknown;
  readonly patternProperties?: Record<string, TSchema>;
}

const GENERATORS: Record<string, (s: Schema) => fc.Arbitrary<unknown>> = {
  String: (s) =>
    s.pattern
      ? fc
          .stringMatching(new RegExp(withoutLookaheads(s.pattern)))
          .filter((x) => x.length <= (s.maxLength ?? Infinity) && new RegExp(s.pattern!).test(x))
      : fc.string({ maxLength: Math.min(s.maxLength ?? MAX_GENERATED * 4, MAX_GENERATED * 4) }),
  Integer: (s) =>
    fc.oneof(
      fc.integer({ min: s.minimum ?? 0, max: Math.min(s.maximum ?? 2 ** 31 - 1, 2 ** 31 - 1) }),
      fc.constantFrom(s.minimum ?? 0, s.maximum ?? 0),
    ),
  Number: (s) =>
    fc
      .double({ min: s.minimum ?? -1e9, max: s.maximum ?? 1e9, noNaN: true, noDefaultInfinity: true })
      .map((x) => (Object.is(x, -0) ? 0 : x)),
  QuarryAnyNumber: () =>
    fc.oneof(
      fc.double().map((x) => (Object.is(x, -0) ? 0 : x)),
      fc.integer(),
    ),
  Boolean: () => fc.boolean(),
  // a recursive schema's reference to itself (result values nest: arrays, maps, rows): one level of
  // nesting, scalars below it
  This: () =>
    fc.oneof(fc.constant(null), fc.boolean(), fc.integer(), fc.string({ maxLength: MAX_GENERATED })),
  Null: () => fc.constant(null),
  Literal: (s) => fc.constant(s.const),
  Unknown: () => fc.jsonValue({ maxDepth: 2 }).map(withoutNegativeZero).map(withoutProtoKeys),
  Uint8Array: (s) =>
    fc.uint8Array({ minLength: s.minByteLength ?? 0, maxLength: s.maxByteLength ?? MAX_GENERATED }),
  Union: (s) => fc.oneof(...(s.anyOf ?? []).map(arbitraryFor)),
  Array: (s) =>
    fc.array(arbitraryFor(s.items!), {
      minLength: s.minItems ?? 0,
      maxLength: Math.min(s.maxItems ?? MAX_GENERATED, MAX_GENERATED),
    }),
  Object: (s) => {
    const properties = s.properties ?? {};
    if (Object.keys(properties).length === 0 && s.additionalProperties !== false)
      return fc.dictionary(
        fc.string({ minLength: 1, maxLength: 6 }),
        fc.jsonValue({ maxDepth: 1 }).map(withoutProtoKeys),
        { maxKeys: 3 },
      );
    const record = Object.fromEntries(Object.entries(properties).map(([k, v]) => [k, arbitraryFor(v)]));
    return fc.record(record, { requiredKeys: s.required ?? [] });
  },
  Record: (s) => {
    const [pattern, value] = Object.entries(s.patternProperties ?? {})[0]!;
    return fc.dictionary(fc.stringMatching(new RegExp(pattern)), arbitraryFor(value), {
      maxKeys: MAX_GENERATED,
    });
  },
};

/** fast-check cannot generate from lookaheads: generate without them, then keep what matches. */
function withoutLookaheads(pattern: string): string {
  let out = pattern;
  for (let i = out.indexOf('(?!'); i >= 0; i = out.indexOf('(?!')) {
    let depth = 0;
    let j = i;
    for (; j < out.length; j++) {
      if (out[j] === '\\') j++;
      else if (out[j] === '(') depth++;
      else if (out[j] === ')' && --depth === 0) break;
    }
    out = out.slice(0, i) + out.slice(j + 1);
  }
  return out;
}

/** msgpack and JSON have one zero: -0 comes back as 0. */
export function withoutNegativeZero(v: unknown): unknown {
  if (typeof v === 'number') return Object.is(v, -0) ? 0 : v;
  if (Array.isArray(v)) return v.map(withoutNegativeZero);
  if (v instanceof Uint8Array) return new Uint8Array(v);
  if (v && typeof v === 'object')
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, withoutNegativeZero(x)]));
  return v;
}

/**
 * The value without `__proto__` keys: msgpack decoders rename them (a guard against prototype
 * pollution), so an opaque value holding one cannot come back unchanged — and fast-check's JSON
 * values include it on purpose. What a decoder does with such keys is tested with hostile input.
 */
export function withoutProtoKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutProtoKeys);
  if (v && typeof v === 'object' && !(v instanceof Uint8Array))
    return Object.fromEntries(
      Object.entries(v)
        .filter(([k]) => k !== '__proto__')
        .map(([k, x]) => [k, withoutProtoKeys(x)]),
    );
  return v;
}

/** A path to some value inside `v` (objects and arrays), as keys. */
function paths(v: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const here = [prefix];
  if (Array.isArray(v)) return [...here, ...v.flatMap((x, i) => paths(x, [...prefix, i]))];
  if (v && typeof v === 'object' && !(v instanceof Uint8Array))
    return [...here, ...Object.entries(v).flatMap(([k, x]) => paths(x, [...prefix, k]))];
  return here;
}

/** A copy of `v` with the value at `path` replaced by `f(old)` (undefined: the key is deleted). */
function replaceAt(v: unknown, path: (string | number)[], f: (old: unknown) => unknown): unknown {
  if (path.length === 0) return f(v);
  const [head, ...rest] = path;
  if (Array.isArray(v)) return v.map((x, i) => (i === head ? replaceAt(x, rest, f) : x));
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    const next = k === head ? replaceAt(x, rest, f) : x;
    if (next !== undefined || k !== head || rest.length > 0) out[k] = next;
  }
  return out;
}

const HOSTILE = fc.oneof(
  fc.anything({ maxDepth: 2, withBigInt: true, withTypedArray: true, withNullPrototype: true }),
  fc.constantFrom('>', '*', 'a.b', '..', '../../etc', 'x'.repeat(300), -1, 1.5, 2 ** 60, NaN, Infinity),
  fc.constantFrom(null, undefined, [], {}, '', 0, true),
);

/** A valid message broken in one random place: a value replaced, a key dropped or added, a wrap. */
export function mutationOf(valid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return valid.chain((v) => {
    const all = paths(v);
    return fc
      .tuple(fc.constantFrom(...all), fc.nat(3), HOSTILE, fc.string({ maxLength: 8 }))
      .map(([path, how, value, key]) => {
        switch (how) {
          case 0:
            return replaceAt(v, path, () => value);
          case 1:
            return replaceAt(v, path, () => undefined);
          case 2:
            return replaceAt(v, path, (old) =>
              old && typeof old === 'object' && !Array.isArray(old) ? { ...old, [key || 'x']: value } : [old],
            );
          default:
            return replaceAt(v, path, (old) => [old, value]);
        }
      });
  });
}
