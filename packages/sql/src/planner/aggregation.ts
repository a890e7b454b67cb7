import { QuarryError } from '@quarry/common';
import type { Expression, FunctionCall, GroupBy, SelectItem } from '../parser/ast.js';
import type { Expr } from '../expr/ir.js';
import type { AggregateCall, Column, PlanNode } from '../plan/nodes.js';
import { BIGINT, BOOLEAN } from '../types/types.js';
import {
  containsAggregate,
  findAggregates,
  findSubqueries,
  functionName,
  isAggregateCall,
} from './ast-walk.js';
import { planCall } from './aggregate-calls.js';
import { ExprTranslator, locate } from './expressions.js';
import { literalOf } from './literals.js';
import { Scope } from './scope.js';

/**
 * Plans GROUP BY and aggregate calls: a projection computing the grouping keys and aggregate
 * arguments, an Aggregate node over it, and a translator for expressions above the aggregation
 * (SELECT, HAVING, ORDER BY) that maps grouping expressions and aggregate calls to its outputs.
 *
 * DISTINCT aggregates get a MarkDistinct below the aggregation, marking the first row of each
 * (keys, arguments) tuple; the aggregate then only sees marked rows, which stays correct when the
 * aggregation is split into partial and final steps. GROUPING SETS, ROLLUP and CUBE replicate rows
 * per set through a GroupId node and group by the keys plus the set's ordinal.
 */
export interface AggregationPlan {
  readonly node: PlanNode;
  readonly translator: ExprTranslator;
  /** The aggregate calls, whose results follow the `keyCount` grouping columns. */
  readonly calls: readonly AggregateCall[];
  readonly keyCount: number;
}

export interface AggregationOptions {
  readonly source: PlanNode;
  readonly sourceTranslator: ExprTranslator;
  readonly groupBy: GroupBy | undefined;
  readonly selectItems: readonly SelectItem[];
  /** Expressions that may hold aggregates: select items, HAVING, ORDER BY. */
  readonly aggregateHolders: readonly Expression[];
  readonly now: Date;
  /** Grouping keys the query did not write (correlation keys of a decorrelated subquery), first. */
  readonly extraKeys?: readonly Expr[];
  /**
   * What count(*) counts the non-NULL values of, instead of rows: the marker of the inner side of
   * an outer join, so padded rows count as none.
   */
  readonly rowMarker?: Expr;
  /** Subqueries joined below the aggregation (in keys and arguments): `sourceTranslator` has their values. */
  readonly subqueriesBelow?: ReadonlySet<Expression>;
}

/** Aggregates whose value over no rows is not NULL. */
const EMPTY_VALUES: Readonly<Record<string, number>> = { count: 0, count_if: 0, approx_distinct: 0 };

export function emptyAggregateValue(fn: string): number | null {
  return EMPTY_VALUES[fn] ?? null;
}

export function planAggregation(options: AggregationOptions): AggregationPlan {
  const grouping = groupingKeys(options);
  const { keys } = grouping;
  const aggregates = aggregateCalls(options, keys);
  const { projected, calls } = aggregates;
  const inputs: Column[] = projected.map((e, i) => ({ name: `expr${i}`, type: e.type }));
  let node: PlanNode = { kind: 'Project', input: options.source, exprs: projected, outputs: inputs };
  let groupChannels = keys.map((_, i) => i);
  const src = options.sourceTranslator;
  const keyColumns: Column[] = keys.map((e, i) => ({ name: groupName(e, src.scope, i), type: e.type }));
  if (grouping.groupingSets) {
    const gid = projected.length;
    node = {
      kind: 'GroupId',
      input: node,
      keys: groupChannels,
      sets: grouping.groupingSets,
      passThrough: projected.slice(keys.length).map((_, i) => keys.length + i),
      outputs: [...inputs, { name: 'groupid', type: BIGINT }],
    };
    groupChannels = [...groupChannels, gid];
    keyColumns.push({ name: 'groupid', type: BIGINT });
  }
  const marked = markDistinct(node, calls, groupChannels);
  const finalCalls = marked.calls;
  const outputs: Column[] = [...keyColumns, ...finalCalls.map((c) => ({ name: c.fn, type: c.resultType }))];
  node = {
    kind: 'Aggregate',
    input: marked.node,
    step: 'single',
    groupBy: groupChannels,
    aggregates: finalCalls,
    outputs,
  };
  const keyCount = groupChannels.length;
  const translator = aboveAggregation({ options, grouping, aggregates, outputs, keyCount });
  return { node, translator, calls: finalCalls, keyCount };
}

const exprKey = (e: Expr) => JSON.stringify(e);

/** The grouping keys (extra keys first), how to find one, and the grouping sets as positions among them. */
interface GroupingKeys {
  readonly keys: readonly Expr[];
  /** A key's position by its IR's JSON. */
  readonly keyIndex: ReadonlyMap<string, number>;
  /** Only when there is more than one set. */
  readonly groupingSets: number[][] | undefined;
}

function groupingKeys(options: AggregationOptions): GroupingKeys {
  const src = options.sourceTranslator;
  const keys: Expr[] = [...(options.extraKeys ?? [])];
  const keyIndex = new Map<string, number>(keys.map((e, i) => [exprKey(e), i]));
  const extra = keys.map((_, i) => i);
  const keyOf = (ast: Expression): number => {
    const target = groupingTarget(ast, options.selectItems);
    if (containsAggregate(target)) {
      throw new QuarryError(
        'EXPRESSION_NOT_AGGREGATE',
        'GROUP BY clause cannot contain aggregations or window functions',
        { location: ast.loc },
      );
    }
    const ir = src.translate(target);
    let k = keyIndex.get(exprKey(ir));
    if (k === undefined) {
      k = keys.length;
      keys.push(ir);
      keyIndex.set(exprKey(ir), k);
    }
    return k;
  };
  let sets: number[][] = [extra];
  for (const element of options.groupBy?.elements ?? []) {
    const elementSets =
      element.kind === 'SimpleGrouping'
        ? [element.expressions.map(keyOf)]
        : expandGroupingSets(
            element.type,
            element.sets.map((s) => s.map(keyOf)),
          );
    sets = sets.flatMap((a) => elementSets.map((b) => sortedUnique([...a, ...b])));
  }
  if (options.groupBy?.distinct) {
    const seen = new Set<string>();
    sets = sets.filter((s) => !seen.has(s.join(',')) && (seen.add(s.join(',')), true));
  }
  return { keys, keyIndex, groupingSets: sets.length > 1 ? sets : undefined };
}

/** The aggregate calls, deduplicated, with their arguments as extra projected channels after the keys. */
interface AggregateCalls {
  readonly projected: readonly Expr[];
  readonly calls: readonly AggregateCall[];
  /** Each aggregate call of the AST → its index in `calls`. */
  readonly callKeys: ReadonlyMap<FunctionCall, number>;
}

function aggregateCalls(options: AggregationOptions, keys: readonly Expr[]): AggregateCalls {
  const projected: Expr[] = [...keys];
  const projectedIndex = new Map<string, number>(keys.map((e, i) => [exprKey(e), i]));
  const channelOf = (e: Expr) => {
    let c = projectedIndex.get(exprKey(e));
    if (c === undefined) {
      c = projected.length;
      projected.push(e);
      projectedIndex.set(exprKey(e), c);
    }
    return c;
  };
  const calls: AggregateCall[] = [];
  const callIndex = new Map<string, number>();
  const callKeys = new Map<FunctionCall, number>();
  for (const holder of options.aggregateHolders) {
    for (const call of findAggregates(holder)) {
      try {
        const planned = planCall(call, options.sourceTranslator, channelOf, options.rowMarker);
        const k = JSON.stringify([planned.call, planned.argExprs]);
        let idx = callIndex.get(k);
        if (idx === undefined) {
          idx = calls.length;
          calls.push(planned.call);
          callIndex.set(k, idx);
        }
        callKeys.set(call, idx);
      } catch (e) {
        throw locate(e, call.loc);
      }
    }
  }
  return { projected, calls, callKeys };
}

/** DISTINCT aggregates: one MarkDistinct per distinct (arguments, mask), the aggregate masked by it. */
function markDistinct(
  input: PlanNode,
  calls: readonly AggregateCall[],
  groupChannels: readonly number[],
): { node: PlanNode; calls: AggregateCall[] } {
  let node = input;
  const marks = new Map<string, number>();
  const finalCalls = calls.map((c) => {
    if (!c.distinct) return c;
    const k = JSON.stringify([c.args, c.mask]);
    let marker = marks.get(k);
    if (marker === undefined) {
      marker = node.outputs.length;
      node = {
        kind: 'MarkDistinct',
        input: node,
        distinct: [...groupChannels, ...c.args],
        ...(c.mask !== undefined ? { mask: c.mask } : {}),
        outputs: [...node.outputs, { name: `distinct${marks.size}`, type: BOOLEAN }],
      };
      marks.set(k, marker);
    }
    return { ...c, distinct: false, mask: marker };
  });
  return { node, calls: finalCalls };
}

/**
 * The translator above the aggregation: grouping expressions and aggregate calls read its outputs,
 * grouping() is computed from the group id, other column references are errors.
 */
function aboveAggregation(a: {
  readonly options: AggregationOptions;
  readonly grouping: GroupingKeys;
  readonly aggregates: AggregateCalls;
  readonly outputs: readonly Column[];
  readonly keyCount: number;
}): ExprTranslator {
  const { options, grouping, outputs, keyCount } = a;
  const { keys, keyIndex } = grouping;
  const { calls, callKeys } = a.aggregates;
  const src = options.sourceTranslator;
  const below = options.subqueriesBelow ?? new Set();
  // grouping columns stay reachable by name (correlated subqueries above the aggregation use them)
  const scope = new Scope(
    outputs.map((c, i) => {
      const key = i < keys.length ? keys[i]! : undefined;
      return {
        name: key ? c.name : undefined,
        relation: key?.kind === 'input' ? src.scope.fields[key.channel]?.relation : undefined,
        type: c.type,
      };
    }),
  );
  return new ExprTranslator(scope, {
    now: options.now,
    hook: (ast) => {
      if (ast.kind === 'FunctionCall' && functionName(ast) === 'grouping' && !ast.window) {
        return groupingFunction(ast, src, grouping);
      }
      if (isAggregateCall(ast)) {
        const idx = callKeys.get(ast);
        if (idx === undefined)
          throw new QuarryError('NESTED_AGGREGATION', 'Cannot nest aggregations inside aggregation');
        return { kind: 'input', channel: keyCount + idx, type: calls[idx]!.resultType };
      }
      if (containsAggregate(ast) || isConstantAst(ast)) return undefined;
      // subqueries joined above the aggregation: their operands are translated one by one
      if (findSubqueries(ast).some((s) => !below.has(s))) return undefined;
      const ir = src.translate(ast);
      const g = keyIndex.get(exprKey(ir));
      if (g !== undefined) return { kind: 'input', channel: g, type: keys[g]!.type };
      if (ast.kind === 'ColumnRef') {
        const name = ast.parts.map((p) => p.value).join('.');
        throw new QuarryError(
          'EXPRESSION_NOT_AGGREGATE',
          `'${name}' must be an aggregate expression or appear in GROUP BY clause`,
          {
            location: ast.loc,
          },
        );
      }
      return undefined;
    },
  });
}

function sortedUnique(xs: readonly number[]): number[] {
  return [...new Set(xs)].sort((a, b) => a - b);
}

/** ROLLUP (a, b) is (a, b), (a), (); CUBE (a, b) every subset; GROUPING SETS the sets listed. */
function expandGroupingSets(type: 'ROLLUP' | 'CUBE' | 'EXPLICIT', sets: number[][]): number[][] {
  switch (type) {
    case 'EXPLICIT':
      return sets.map(sortedUnique);
    case 'ROLLUP':
      return Array.from({ length: sets.length + 1 }, (_, n) =>
        sortedUnique(sets.slice(0, sets.length - n).flat()),
      );
    case 'CUBE': {
      if (sets.length > 12)
        throw new QuarryError('NOT_SUPPORTED', 'CUBE over more than 12 elements is not supported');
      const out: number[][] = [];
      for (let mask = (1 << sets.length) - 1; mask >= 0; mask--)
        out.push(sortedUnique(sets.filter((_, i) => (mask & (1 << i)) !== 0).flat()));
      return out;
    }
  }
}

/**
 * `grouping(a, b)`: a bit per argument, set when the row's grouping set does not group by it; the
 * group id follows the keys in the aggregation's output.
 */
function groupingFunction(ast: FunctionCall, src: ExprTranslator, grouping: GroupingKeys): Expr {
  const { keyIndex, groupingSets: sets } = grouping;
  const gidChannel = grouping.keys.length;
  const positions = ast.args.map((a) => {
    const k = keyIndex.get(JSON.stringify(src.translate(a)));
    if (k === undefined)
      throw new QuarryError(
        'INVALID_ARGUMENTS',
        'The arguments to GROUPING() must be expressions referenced by the GROUP BY',
        {
          location: a.loc,
        },
      );
    return k;
  });
  const valueFor = (set: readonly number[]) =>
    positions.reduce((bits, k) => bits * 2 + (set.includes(k) ? 0 : 1), 0);
  if (!sets) return literalOf(0, BIGINT);
  const gid: Expr = { kind: 'input', channel: gidChannel, type: BIGINT };
  return {
    kind: 'case',
    whens: sets.map((set, i) => ({
      when: {
        kind: 'call',
        fn: 'eq:long',
        args: [gid, literalOf(i, BIGINT)],
        type: BOOLEAN,
      } as Expr,
      then: literalOf(valueFor(set), BIGINT),
    })),
    else: undefined,
    type: BIGINT,
  };
}

/** `GROUP BY 2` means the second select item. */
function groupingTarget(ast: Expression, items: readonly SelectItem[]): Expression {
  if (ast.kind !== 'NumericLiteral' || ast.numericType !== 'integer') return ast;
  const n = Number(ast.text);
  const item = items[n - 1];
  if (!item || n < 1) {
    throw new QuarryError('INVALID_COLUMN_REFERENCE', `GROUP BY position ${n} is not in select list`, {
      location: ast.loc,
    });
  }
  if (item.kind !== 'SingleColumn') {
    throw new QuarryError('INVALID_COLUMN_REFERENCE', `GROUP BY position ${n} refers to '*'`, {
      location: ast.loc,
    });
  }
  return item.expression;
}

function groupName(e: Expr, scope: Scope, i: number): string {
  if (e.kind === 'input') return scope.fields[e.channel]?.name ?? `group${i}`;
  return `group${i}`;
}

function isConstantAst(ast: Expression): boolean {
  return (
    ast.kind === 'NumericLiteral' ||
    ast.kind === 'StringLiteral' ||
    ast.kind === 'BooleanLiteral' ||
    ast.kind === 'NullLiteral' ||
    ast.kind === 'TypedLiteral' ||
    ast.kind === 'IntervalLiteral'
  );
}
