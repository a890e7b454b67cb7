import { QuarryError } from '@quarry/common';
import { BIGINT, DOUBLE, isIntegral, typeToString, type DataType } from '../types/types.js';

/**
 * Ranking and navigation window functions (aggregates OVER a window come from the aggregate
 * registry). Resolution gives the argument types to cast to and the result type.
 */
export interface WindowSignature {
  readonly argTypes: readonly DataType[];
  readonly resultType: DataType;
}

const isInt = (t: DataType) => isIntegral(t) || t.kind === 'unknown';

const RESOLVERS: Record<string, (args: readonly DataType[]) => WindowSignature | undefined> = {
  row_number: (a) => (a.length === 0 ? { argTypes: [], resultType: BIGINT } : undefined),
  rank: (a) => (a.length === 0 ? { argTypes: [], resultType: BIGINT } : undefined),
  dense_rank: (a) => (a.length === 0 ? { argTypes: [], resultType: BIGINT } : undefined),
  percent_rank: (a) => (a.length === 0 ? { argTypes: [], resultType: DOUBLE } : undefined),
  cume_dist: (a) => (a.length === 0 ? { argTypes: [], resultType: DOUBLE } : undefined),
  ntile: (a) => (a.length === 1 && isInt(a[0]!) ? { argTypes: [BIGINT], resultType: BIGINT } : undefined),
  first_value: (a) => (a.length === 1 ? { argTypes: a, resultType: a[0]! } : undefined),
  last_value: (a) => (a.length === 1 ? { argTypes: a, resultType: a[0]! } : undefined),
  nth_value: (a) =>
    a.length === 2 && isInt(a[1]!) ? { argTypes: [a[0]!, BIGINT], resultType: a[0]! } : undefined,
  lag: navigation,
  lead: navigation,
};

/** lag/lead(x [, offset [, default]]): the default is cast to x's type by the planner. */
function navigation(a: readonly DataType[]): WindowSignature | undefined {
  if (a.length < 1 || a.length > 3 || (a[1] && !isInt(a[1]))) return undefined;
  const x = a[0]!;
  return { argTypes: [x, ...(a.length > 1 ? [BIGINT] : []), ...(a.length > 2 ? [x] : [])], resultType: x };
}

export function isWindowFunction(name: string): boolean {
  return Object.hasOwn(RESOLVERS, name);
}

export function resolveWindowFunction(name: string, argTypes: readonly DataType[]): WindowSignature {
  const r = RESOLVERS[name]?.(argTypes);
  if (!r) {
    throw new QuarryError(
      'FUNCTION_NOT_FOUND',
      `Unexpected parameters (${argTypes.map(typeToString).join(', ')}) for window function ${name}`,
    );
  }
  return r;
}
