import { QuarryError } from '@quarry/common';
import { BOOLEAN, arrayType, mapType, type DataType } from '../types/index.js';
import type { MapValue } from '../types/composite.js';
import { defineFamily, defineGenerator, type Resolution } from './registry.js';

/**
 * Higher-order functions: their lambda arguments arrive as JS functions (see `emitLambda` in
 * `expr/codegen.ts`) returning a native value or null. The analyzer (planner/lambdas.ts) types each
 * lambda's parameters from the other arguments before it resolves the call here.
 */

type Fn = (...args: unknown[]) => unknown;

function transform(a: readonly unknown[], f: Fn): unknown[] {
  return a.map((x) => f(x));
}

function filter(a: readonly unknown[], f: Fn): unknown[] {
  return a.filter((x) => f(x) === true);
}

/** any_match: true if some element gives true; else NULL if some gave NULL; else false. */
function anyMatch(a: readonly unknown[], f: Fn): boolean | null {
  let unknown = false;
  for (const x of a) {
    const r = f(x);
    if (r === true) return true;
    if (r === null) unknown = true;
  }
  return unknown ? null : false;
}

function allMatch(a: readonly unknown[], f: Fn): boolean | null {
  let unknown = false;
  for (const x of a) {
    const r = f(x);
    if (r === false) return false;
    if (r === null) unknown = true;
  }
  return unknown ? null : true;
}

function noneMatch(a: readonly unknown[], f: Fn): boolean | null {
  const r = anyMatch(a, f);
  return r === null ? null : !r;
}

function reduce(a: readonly unknown[], initial: unknown, step: Fn, finish: Fn): unknown {
  let state = initial;
  for (const x of a) state = step(state, x);
  return finish(state);
}

function transformValues(m: MapValue, f: Fn): MapValue {
  return { keys: m.keys, values: m.keys.map((k, i) => f(k, m.values[i] ?? null)) };
}

function mapFilter(m: MapValue, f: Fn): MapValue {
  const keys: unknown[] = [];
  const values: unknown[] = [];
  m.keys.forEach((k, i) => {
    if (f(k, m.values[i] ?? null) === true) {
      keys.push(k);
      values.push(m.values[i] ?? null);
    }
  });
  return { keys, values };
}

/** The parameter types of each lambda argument, given the types of the arguments before it. */
export function lambdaParameterTypes(
  name: string,
  before: readonly DataType[],
): readonly DataType[] | undefined {
  const [first, second] = before;
  switch (name) {
    case 'transform':
    case 'filter':
    case 'any_match':
    case 'all_match':
    case 'none_match':
      return first?.kind === 'array' ? [first.element] : undefined;
    case 'transform_values':
    case 'map_filter':
      return first?.kind === 'map' ? [first.key, first.value] : undefined;
    case 'reduce':
      if (first?.kind !== 'array' || !second) return undefined;
      return before.length === 2 ? [second, first.element] : [second];
    default:
      return undefined;
  }
}

export function takesLambdas(name: string): boolean {
  return [
    'transform',
    'filter',
    'any_match',
    'all_match',
    'none_match',
    'reduce',
    'transform_values',
    'map_filter',
  ].includes(name);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- helpers of several shapes, bound by reference
type Helper = (...args: any[]) => unknown;

function family(
  name: string,
  resolve: (types: readonly DataType[]) => Omit<Resolution, 'id'> | undefined,
  fn: Helper,
  signature: string,
): void {
  defineFamily(name, {
    resolve: (types) => {
      const r = resolve(types);
      return r && { id: name, ...r };
    },
    signatures: [signature],
  });
  defineGenerator(name, (args, _t, _r, ctx) => `${ctx.ref(fn)}(${args.join(', ')})`, {
    mayReturnNull: true,
    arity: [name === 'reduce' ? 4 : 2, name === 'reduce' ? 4 : 2],
  });
}

family(
  'transform',
  ([a, u, ...rest]) =>
    a?.kind === 'array' && u && !rest.length ? { argTypes: [a, u], returnType: arrayType(u) } : undefined,
  transform,
  'transform(array(T), function(T, U))',
);
family(
  'filter',
  ([a, b, ...rest]) =>
    a?.kind === 'array' && b?.kind === 'boolean' && !rest.length
      ? { argTypes: [a, BOOLEAN], returnType: a }
      : undefined,
  filter,
  'filter(array(T), function(T, boolean))',
);
for (const [name, fn] of [
  ['any_match', anyMatch],
  ['all_match', allMatch],
  ['none_match', noneMatch],
] as const)
  family(
    name,
    ([a, b, ...rest]) =>
      a?.kind === 'array' && b?.kind === 'boolean' && !rest.length
        ? { argTypes: [a, BOOLEAN], returnType: BOOLEAN }
        : undefined,
    fn,
    `${name}(array(T), function(T, boolean))`,
  );
family(
  'reduce',
  ([a, s, step, out, ...rest]) =>
    a?.kind === 'array' && s && step && out && !rest.length
      ? { argTypes: [a, s, step, out], returnType: out }
      : undefined,
  reduce,
  'reduce(array(T), S, function(S, T, S), function(S, R))',
);
family(
  'transform_values',
  ([m, v, ...rest]) =>
    m?.kind === 'map' && v && !rest.length ? { argTypes: [m, v], returnType: mapType(m.key, v) } : undefined,
  transformValues,
  'transform_values(map(K, V), function(K, V, V2))',
);
family(
  'map_filter',
  ([m, b, ...rest]) =>
    m?.kind === 'map' && b?.kind === 'boolean' && !rest.length
      ? { argTypes: [m, BOOLEAN], returnType: m }
      : undefined,
  mapFilter,
  'map_filter(map(K, V), function(K, V, boolean))',
);

export function lambdaError(message: string): QuarryError {
  return new QuarryError('TYPE_MISMATCH', message);
}
