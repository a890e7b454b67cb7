import {
  BIGINT,
  BOOLEAN,
  UNKNOWN,
  VARCHAR,
  arrayType,
  commonSuperType,
  isComparable,
  isIntegral,
  isOrderable,
  mapType,
  rowType,
  type DataType,
} from '../types/index.js';
import * as A from './array-values.js';
import {
  defineFamily,
  defineGenerator,
  type Generator,
  type GeneratorOptions,
  type Resolution,
} from './registry.js';

/**
 * Constructors, subscripts and functions of arrays, maps and rows. Resolution picks the element
 * types; the generated code calls the helpers of `array-values.ts` with the types bound by `ref`.
 */

type Resolver = (types: readonly DataType[]) => Omit<Resolution, 'id'> | undefined;

/** Registers a family with one implementation (id = name). */
function define(
  name: string,
  spec: { resolve: Resolver; signatures: string[]; gen: Generator; options?: GeneratorOptions },
): void {
  defineFamily(name, {
    resolve: (types) => {
      const r = spec.resolve(types);
      return r && { id: name, ...r };
    },
    signatures: spec.signatures,
  });
  defineGenerator(name, spec.gen, spec.options);
}

const element = (t: DataType | undefined) => (t?.kind === 'array' ? t.element : undefined);
const isIndex = (t: DataType | undefined) => t !== undefined && (isIntegral(t) || t.kind === 'unknown');
const MAX_ARGS = 254;

define('$array', {
  resolve: (types) => {
    const t = types.reduce<DataType | undefined>((a, b) => a && commonSuperType(a, b), types[0] ?? UNKNOWN);
    return t && { argTypes: types.map(() => t), returnType: arrayType(t) };
  },
  signatures: ['ARRAY[T, …]'],
  gen: (args) => `[${args.join(', ')}]`,
  options: { handlesNulls: true, arity: [0, MAX_ARGS] },
});

define('$row', {
  resolve: (types) =>
    types.length === 0
      ? undefined
      : { argTypes: types, returnType: rowType(types.map((type) => ({ type }))) },
  signatures: ['ROW(T1, …)'],
  gen: (args) => `[${args.join(', ')}]`,
  options: { handlesNulls: true, arity: [1, MAX_ARGS] },
});

/** The element an array position or a map key picks: `a[i]`, `element_at(a, i)`. */
function elementOf([a, i, ...rest]: readonly DataType[]) {
  if (rest.length || !a) return undefined;
  if (a.kind === 'array' && isIndex(i)) return { argTypes: [a, BIGINT], returnType: a.element };
  if (a.kind === 'map' && i && commonSuperType(a.key, i))
    return { argTypes: [a, a.key], returnType: a.value };
  return undefined;
}

define('$subscript', {
  resolve: elementOf,
  signatures: ['array(T)[bigint]', 'map(K, V)[K]'],
  gen: ([a, i], [t], _r, ctx) =>
    t!.kind === 'map'
      ? `${ctx.ref(A.mapSubscript)}(${ctx.ref(t)}, ${a}, ${i})`
      : `${ctx.ref(A.arraySubscript)}(${a}, ${i})`,
  options: { mayReturnNull: true },
});

define('element_at', {
  resolve: elementOf,
  signatures: ['element_at(array(T), bigint)', 'element_at(map(K, V), K)'],
  gen: ([a, i], [t], _r, ctx) =>
    t!.kind === 'map'
      ? `${ctx.ref(A.mapElementAt)}(${ctx.ref(t)}, ${a}, ${i})`
      : `${ctx.ref(A.arrayElementAt)}(${a}, ${i})`,
  options: { mayReturnNull: true },
});

/** A row field by its 0-based position (a constant the analyzer adds): `r.name`, `r[1]`. */
define('$field', {
  resolve: ([r, i, ...rest]) =>
    r?.kind === 'row' && i && isIntegral(i) && !rest.length
      ? { argTypes: [r, BIGINT], returnType: UNKNOWN }
      : undefined,
  signatures: ['row.field'],
  gen: ([r, i]) => `(${r}[${i}] ?? null)`,
  options: { mayReturnNull: true },
});

define('map', {
  resolve: (types) => {
    if (types.length === 0) return { argTypes: [], returnType: mapType(UNKNOWN, UNKNOWN) };
    const [k, v] = types;
    if (types.length !== 2 || k?.kind !== 'array' || v?.kind !== 'array' || !isComparable(k.element))
      return undefined;
    return { argTypes: [k, v], returnType: mapType(k.element, v.element) };
  },
  signatures: ['map()', 'map(array(K), array(V))'],
  gen: (args, _t, r, ctx) =>
    args.length === 0
      ? `({ keys: [], values: [] })`
      : `${ctx.ref(A.makeMap)}(${ctx.ref(r)}, ${args[0]}, ${args[1]})`,
});

define('cardinality', {
  resolve: ([a, ...rest]) =>
    !rest.length && (a?.kind === 'array' || a?.kind === 'map')
      ? { argTypes: [a], returnType: BIGINT }
      : undefined,
  signatures: ['cardinality(array(T))', 'cardinality(map(K, V))'],
  gen: ([a], [t]) => (t!.kind === 'map' ? `${a}.keys.length` : `${a}.length`),
});

define('contains', {
  resolve: ([a, x, ...rest]) => {
    const e = element(a);
    const t = e && x && commonSuperType(e, x);
    if (rest.length || !t || !isComparable(t)) return undefined;
    return { argTypes: [arrayType(t), t], returnType: BOOLEAN };
  },
  signatures: ['contains(array(T), T)'],
  gen: ([a, x], [t], _r, ctx) => `${ctx.ref(A.arrayContains)}(${ctx.ref(element(t))}, ${a}, ${x})`,
  options: { mayReturnNull: true },
});

define('array_join', {
  resolve: ([a, d, n, ...rest]) => {
    const text = (t: DataType | undefined) =>
      t?.kind === 'varchar' || t?.kind === 'char' || t?.kind === 'unknown';
    if (rest.length || !element(a) || !text(d) || (n !== undefined && !text(n))) return undefined;
    return { argTypes: [a!, VARCHAR, ...(n ? [VARCHAR] : [])], returnType: VARCHAR };
  },
  signatures: ['array_join(array(T), varchar)', 'array_join(array(T), varchar, varchar)'],
  gen: ([a, d, n], [t], _r, ctx) =>
    `${ctx.ref(A.arrayJoin)}(${ctx.ref(element(t))}, ${a}, ${d}, ${n ?? 'null'})`,
});

for (const [name, field] of [
  ['map_keys', 'key'],
  ['map_values', 'value'],
] as const) {
  define(name, {
    resolve: ([m, ...rest]) =>
      m?.kind === 'map' && !rest.length ? { argTypes: [m], returnType: arrayType(m[field]) } : undefined,
    signatures: [`${name}(map(K, V))`],
    gen: ([m]) => `[...${m}.${field === 'key' ? 'keys' : 'values'}]`,
  });
}

/** One-array functions whose result type follows from the element type. */
function arrayFunction(
  name: string,
  result: (e: DataType) => DataType | undefined,
  gen: Generator,
  options?: GeneratorOptions,
): void {
  define(name, {
    resolve: ([a, ...rest]) => {
      const e = element(a);
      const r = e && !rest.length ? result(e) : undefined;
      return r && { argTypes: [a!], returnType: r };
    },
    signatures: [`${name}(array(T))`],
    gen,
    ...(options ? { options } : {}),
  });
}

arrayFunction(
  'array_distinct',
  (e) => (isComparable(e) ? arrayType(e) : undefined),
  ([a], [t], _r, ctx) => `${ctx.ref(A.arrayDistinct)}(${ctx.ref(element(t))}, ${a})`,
);
arrayFunction(
  'array_sort',
  (e) => (isOrderable(e) || e.kind === 'unknown' ? arrayType(e) : undefined),
  ([a], [t], _r, ctx) => `${ctx.ref(A.arraySort)}(${ctx.ref(element(t))}, ${a})`,
);
for (const [name, sign] of [
  ['array_max', 1],
  ['array_min', -1],
] as const) {
  arrayFunction(
    name,
    (e) => (isOrderable(e) || e.kind === 'unknown' ? e : undefined),
    ([a], [t], _r, ctx) => `${ctx.ref(A.arrayExtreme)}(${ctx.ref(element(t))}, ${a}, ${sign})`,
    { mayReturnNull: true },
  );
}

/** `array || array`, `array || element`, `element || array`, `concat(array, …)`. */
export function resolveArrayConcat(types: readonly DataType[]): Resolution | undefined {
  if (!types.some((t) => t.kind === 'array')) return undefined;
  let e: DataType | undefined = UNKNOWN;
  for (const t of types) e = e && commonSuperType(e, t.kind === 'array' ? t.element : t);
  if (!e) return undefined;
  const arrays = types.map((t) => (t.kind === 'array' ? arrayType(e) : e));
  return { id: 'concat:array', argTypes: arrays, returnType: arrayType(e) };
}
defineGenerator(
  'concat:array',
  (args, types, _r, ctx) =>
    `${ctx.ref(A.concatArrays)}(${args.map((a, i) => (types[i]!.kind === 'array' ? a : `[${a}]`)).join(', ')})`,
  { arity: [2, MAX_ARGS] },
);

/** Comparison operators on composite values: `compare:<op>`. */
export function resolveCompositeComparison(op: string, t: DataType): Resolution | undefined {
  const ok = op === 'eq' || op === 'ne' ? isComparable(t) : isOrderable(t);
  return ok ? { id: `compare:${op}`, argTypes: [t, t], returnType: BOOLEAN } : undefined;
}
for (const op of ['eq', 'ne', 'lt', 'le', 'gt', 'ge']) {
  defineGenerator(
    `compare:${op}`,
    ([a, b], [t], _r, ctx) => `${ctx.ref(A.compareComposite)}(${ctx.ref(t)}, ${ctx.ref(op)}, ${a}, ${b})`,
    { mayReturnNull: true },
  );
}
