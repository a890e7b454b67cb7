import { QuarryError } from '@quarry/common';
import type {
  Expression,
  FrameBound as AstFrameBound,
  FunctionCall,
  WindowDefinition,
  WindowSpec,
} from '../parser/ast.js';
import { inputChannels, type Expr } from '../expr/ir.js';
import { evaluateConstant } from '../expr/compile.js';
import { isAggregateFunction, resolveAggregate } from '../functions/index.js';
import { isWindowFunction, resolveWindowFunction } from '../functions/window.js';
import type { Column, FrameBound, PlanNode, SortKey, WindowCall, WindowFrame } from '../plan/nodes.js';
import { isNumeric, physicalKind, type DataType } from '../types/types.js';
import { checkApproxDistinctError } from './aggregate-calls.js';
import { functionName, walkExpression } from './ast-walk.js';
import { coerce, type ExprTranslator, locate } from './expressions.js';

/**
 * Window function calls (`f(…) OVER (…)`) in the SELECT list and ORDER BY: their arguments,
 * partition and sort keys are projected as extra columns, calls sharing a window become one Window
 * node, and a hook maps each call to its result column.
 */
export function findWindowCalls(e: Expression): FunctionCall[] {
  const out: FunctionCall[] = [];
  walkExpression(e, (n) => {
    if (n.kind === 'FunctionCall' && n.window) out.push(n);
  });
  return out;
}

export interface PlannedWindows {
  readonly node: PlanNode;
  readonly hook: (ast: Expression) => Expr | undefined;
}

interface Planned {
  readonly call: FunctionCall;
  readonly key: string;
  readonly partitionBy: number[];
  readonly orderBy: SortKey[];
  readonly fn: WindowCall;
}

export function planWindows(
  input: PlanNode,
  translator: ExprTranslator,
  calls: readonly FunctionCall[],
  definitions: readonly WindowDefinition[],
): PlannedWindows {
  const exprs: Expr[] = input.outputs.map((c, i) => ({ kind: 'input', channel: i, type: c.type }));
  const index = new Map<string, number>(exprs.map((e, i) => [JSON.stringify(e), i]));
  const channelOf = (e: Expr): number => {
    const k = JSON.stringify(e);
    let c = index.get(k);
    if (c === undefined) {
      c = exprs.length;
      exprs.push(e);
      index.set(k, c);
    }
    return c;
  };
  const planned: Planned[] = [];
  for (const call of calls) {
    try {
      planned.push(planCall(call, translator, definitions, channelOf));
    } catch (e) {
      throw locate(e, call.loc);
    }
  }
  const columns: Column[] = exprs.map((e, i) => input.outputs[i] ?? { name: `expr${i}`, type: e.type });
  let node: PlanNode =
    exprs.length === input.outputs.length ? input : { kind: 'Project', input, exprs, outputs: columns };
  const result = new Map<FunctionCall, Expr>();
  const groups = new Map<string, Planned[]>();
  for (const p of planned) groups.set(p.key, [...(groups.get(p.key) ?? []), p]);
  for (const group of groups.values()) {
    const first = group[0]!;
    const base = node.outputs.length;
    node = {
      kind: 'Window',
      input: node,
      partitionBy: first.partitionBy,
      orderBy: first.orderBy,
      functions: group.map((p) => p.fn),
      outputs: [...node.outputs, ...group.map((p) => ({ name: p.fn.fn, type: p.fn.resultType }))],
    };
    group.forEach((p, i) => result.set(p.call, { kind: 'input', channel: base + i, type: p.fn.resultType }));
  }
  return { node, hook: (ast) => (ast.kind === 'FunctionCall' ? result.get(ast) : undefined) };
}

function resolveSpec(call: FunctionCall, definitions: readonly WindowDefinition[]): WindowSpec {
  const named = (name: string, loc: FunctionCall['loc']): WindowSpec => {
    const def = definitions.find((d) => d.name.value.toLowerCase() === name.toLowerCase());
    if (!def)
      throw new QuarryError('INVALID_ARGUMENTS', `Window '${name}' is not defined`, { location: loc });
    return resolveNamed(def.spec);
  };
  const resolveNamed = (spec: WindowSpec): WindowSpec => {
    if (!spec.existingName) return spec;
    const base = named(spec.existingName.value, spec.loc);
    return {
      ...spec,
      partitionBy: base.partitionBy,
      orderBy: spec.orderBy.length ? spec.orderBy : base.orderBy,
      ...((spec.frame ?? base.frame) ? { frame: spec.frame ?? base.frame } : {}),
    };
  };
  const w = call.window!;
  return w.kind === 'WindowRef' ? named(w.name.value, w.loc) : resolveNamed(w);
}

function planCall(
  call: FunctionCall,
  translator: ExprTranslator,
  definitions: readonly WindowDefinition[],
  channelOf: (e: Expr) => number,
): Planned {
  const name = functionName(call);
  const spec = resolveSpec(call, definitions);
  if (call.filter) throw new QuarryError('NOT_SUPPORTED', 'FILTER is not supported for window functions');
  if (call.distinct) throw new QuarryError('NOT_SUPPORTED', 'DISTINCT is not supported for window functions');
  if (call.orderBy.length)
    throw new QuarryError(
      'NOT_SUPPORTED',
      `${name}() with an ORDER BY of its own is not supported as a window function`,
    );
  const partitionBy = spec.partitionBy.map((e) => channelOf(translator.translate(e)));
  const orderExprs = spec.orderBy.map((item) => translator.translate(item.expression));
  const orderBy: SortKey[] = spec.orderBy.map((item, i) => ({
    channel: channelOf(orderExprs[i]!),
    ascending: item.ordering === 'ASC',
    nullsFirst: item.nulls === 'FIRST',
  }));
  const args = call.args.map((a) => translator.translate(a));
  let fn: WindowCall;
  const frame = planFrame(
    spec,
    orderExprs.map((e) => e.type),
    translator,
  );
  if (isWindowFunction(name)) {
    const sig = resolveWindowFunction(
      name,
      args.map((a) => a.type),
    );
    fn = {
      fn: name,
      aggregate: false,
      args: args.map((a, i) => channelOf(coerce(a, sig.argTypes[i]!))),
      argTypes: sig.argTypes,
      resultType: sig.resultType,
      frame,
    };
  } else if (isAggregateFunction(name)) {
    if (name === 'approx_distinct' && call.args.length === 2)
      checkApproxDistinctError(translator, call.args[1]!);
    if (call.star && name !== 'count')
      throw new QuarryError('INVALID_ARGUMENTS', `${name}(*) is not allowed; only count(*)`);
    const sig = resolveAggregate(
      name,
      args.map((a) => a.type),
    );
    fn = {
      fn: name,
      aggregate: true,
      args: args.map((a, i) => channelOf(coerce(a, sig.argTypes[i]!))),
      argTypes: sig.argTypes,
      resultType: sig.resultType,
      frame,
    };
  } else {
    throw new QuarryError('FUNCTION_NOT_FOUND', `Not a window function: ${name}`);
  }
  if (call.nullTreatment) {
    if (!VALUE_FUNCTIONS.has(name))
      throw new QuarryError(
        'NULL_TREATMENT_NOT_ALLOWED',
        `Cannot specify null treatment clause for ${name} function`,
      );
    if (call.nullTreatment === 'IGNORE') fn = { ...fn, ignoreNulls: true };
  }
  const key = JSON.stringify([partitionBy, orderBy]);
  return { call, key, partitionBy, orderBy, fn };
}

/** The functions that take IGNORE NULLS or RESPECT NULLS. */
const VALUE_FUNCTIONS = new Set(['lag', 'lead', 'first_value', 'last_value', 'nth_value']);

const DEFAULT_START: FrameBound = { type: 'UNBOUNDED_PRECEDING' };
const CURRENT_ROW: FrameBound = { type: 'CURRENT_ROW' };

function planFrame(
  spec: WindowSpec,
  orderTypes: readonly DataType[],
  translator: ExprTranslator,
): WindowFrame {
  const f = spec.frame;
  if (!f) return { unit: 'RANGE', start: DEFAULT_START, end: CURRENT_ROW };
  if (f.unit === 'GROUPS' && orderTypes.length === 0)
    throw new QuarryError('INVALID_ARGUMENTS', 'Window frame of type GROUPS requires ORDER BY', {
      location: f.loc,
    });
  const start = bound(f.start, f.unit, orderTypes, translator);
  const end = f.end ? bound(f.end, f.unit, orderTypes, translator) : CURRENT_ROW;
  if (start.type === 'UNBOUNDED_FOLLOWING')
    throw new QuarryError('INVALID_ARGUMENTS', 'Window frame start cannot be UNBOUNDED FOLLOWING', {
      location: f.loc,
    });
  if (end.type === 'UNBOUNDED_PRECEDING')
    throw new QuarryError('INVALID_ARGUMENTS', 'Window frame end cannot be UNBOUNDED PRECEDING', {
      location: f.loc,
    });
  const rank = { UNBOUNDED_PRECEDING: 0, PRECEDING: 1, CURRENT_ROW: 2, FOLLOWING: 3, UNBOUNDED_FOLLOWING: 4 };
  if (rank[start.type] > rank[end.type])
    throw new QuarryError(
      'INVALID_ARGUMENTS',
      `Window frame starting from ${start.type.replace('_', ' ')} cannot end with ${end.type.replace('_', ' ')}`,
      { location: f.loc },
    );
  return { unit: f.unit, start, end };
}

function bound(
  b: AstFrameBound,
  unit: 'ROWS' | 'RANGE' | 'GROUPS',
  orderTypes: readonly DataType[],
  translator: ExprTranslator,
): FrameBound {
  if (b.type !== 'PRECEDING' && b.type !== 'FOLLOWING') return { type: b.type };
  const e = translator.translate(b.offset);
  if (e.kind !== 'literal' && !isFoldable(e))
    throw new QuarryError('NOT_SUPPORTED', 'Window frame offsets must be constants', { location: b.loc });
  const raw = evaluateConstant(e);
  if (raw === null)
    throw new QuarryError('INVALID_ARGUMENTS', 'Window frame offset must not be null', { location: b.loc });
  let offset: number;
  if (unit === 'ROWS' || unit === 'GROUPS') {
    if (physicalKind(e.type) === 'string' || (e.type.kind === 'decimal' && e.type.scale > 0))
      throw new QuarryError('TYPE_MISMATCH', 'Window frame ROWS offset must be an integer', {
        location: b.loc,
      });
    offset = Number(raw);
  } else {
    if (orderTypes.length !== 1)
      throw new QuarryError(
        'INVALID_ARGUMENTS',
        'Window frame of type RANGE PRECEDING or FOLLOWING requires single sort item in ORDER BY',
        { location: b.loc },
      );
    offset = rangeOffset(raw, e.type, orderTypes[0]!, b.loc);
  }
  if (!(offset >= 0))
    throw new QuarryError('INVALID_ARGUMENTS', 'Window frame offset value must not be negative or null', {
      location: b.loc,
    });
  return { type: b.type, offset };
}

function isFoldable(e: Expr): boolean {
  return inputChannels(e).size === 0;
}

/** A RANGE offset in the units the sort key is stored in (days, µs, unscaled decimal, plain number). */
function rangeOffset(
  raw: unknown,
  offsetType: DataType,
  keyType: DataType,
  loc: AstFrameBound['loc'],
): number {
  const interval = offsetType.kind === 'interval_day_time';
  if (keyType.kind === 'date' || keyType.kind === 'timestamp') {
    if (!interval)
      throw new QuarryError(
        'TYPE_MISMATCH',
        'Window frame RANGE offset for a date or timestamp key must be an interval',
        {
          location: loc,
        },
      );
    return keyType.kind === 'date' ? Number(raw) / 86_400_000 : Number(raw) * 1000;
  }
  if (interval || !isNumeric(keyType) || !(isNumeric(offsetType) || offsetType.kind === 'unknown'))
    throw new QuarryError('TYPE_MISMATCH', 'Window frame RANGE offset type does not match the sort key', {
      location: loc,
    });
  const value = offsetType.kind === 'decimal' ? Number(raw) / 10 ** offsetType.scale : Number(raw);
  return keyType.kind === 'decimal' ? value * 10 ** keyType.scale : value;
}
