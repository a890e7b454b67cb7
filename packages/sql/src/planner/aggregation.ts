import { QuarryError } from '@quarry/common';
import type { Expression, FunctionCall, GroupBy, SelectItem } from '../parser/ast.js';
import type { Expr } from '../expr/ir.js';
import { resolveAggregate } from '../functions/index.js';
import type { AggregateCall, Column, PlanNode } from '../plan/nodes.js';
import { containsAggregate, findAggregates, functionName, isAggregateCall } from './ast-walk.js';
import { coerce, ExprTranslator, locate } from './expressions.js';
import { Scope } from './scope.js';

/**
 * Plans GROUP BY and aggregate calls: a projection computing the grouping keys and aggregate
 * arguments, an Aggregate node over it, and a translator for expressions above the aggregation
 * (SELECT, HAVING, ORDER BY) that maps grouping expressions and aggregate calls to its outputs.
 */
export interface AggregationPlan {
  readonly node: PlanNode;
  readonly translator: ExprTranslator;
}

export function planAggregation(options: {
  source: PlanNode;
  sourceTranslator: ExprTranslator;
  groupBy: GroupBy | undefined;
  selectItems: readonly SelectItem[];
  /** Expressions that may hold aggregates: select items, HAVING, ORDER BY. */
  aggregateHolders: readonly Expression[];
  now: Date;
}): AggregationPlan {
  const { source, sourceTranslator: src } = options;
  const key = (e: Expr) => JSON.stringify(e);

  // grouping keys
  const groupExprs: Expr[] = [];
  const groupIndex = new Map<string, number>();
  for (const element of options.groupBy?.elements ?? []) {
    if (element.kind === 'GroupingSets') {
      throw new QuarryError(
        'NOT_SUPPORTED',
        `${element.type === 'EXPLICIT' ? 'GROUPING SETS' : element.type} is not supported yet`,
        {
          location: element.loc,
        },
      );
    }
    for (const ast of element.expressions) {
      const target = groupingTarget(ast, options.selectItems);
      if (containsAggregate(target)) {
        throw new QuarryError(
          'EXPRESSION_NOT_AGGREGATE',
          'GROUP BY clause cannot contain aggregations or window functions',
          {
            location: ast.loc,
          },
        );
      }
      const ir = src.translate(target);
      if (!groupIndex.has(key(ir))) {
        groupIndex.set(key(ir), groupExprs.length);
        groupExprs.push(ir);
      }
    }
  }

  // aggregate calls, deduplicated, with their arguments as extra projected channels
  const projected: Expr[] = [...groupExprs];
  const projectedIndex = new Map<string, number>(groupExprs.map((e, i) => [key(e), i]));
  const channelOf = (e: Expr) => {
    let c = projectedIndex.get(key(e));
    if (c === undefined) {
      c = projected.length;
      projected.push(e);
      projectedIndex.set(key(e), c);
    }
    return c;
  };
  const calls: AggregateCall[] = [];
  const callIndex = new Map<string, number>();
  const callKeys = new Map<FunctionCall, number>();
  for (const holder of options.aggregateHolders) {
    for (const call of findAggregates(holder)) {
      try {
        const planned = planCall(call, src, channelOf);
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

  const inputs: Column[] = projected.map((e, i) => ({ name: `expr${i}`, type: e.type }));
  const pre: PlanNode = { kind: 'Project', input: source, exprs: projected, outputs: inputs };
  const outputs: Column[] = [
    ...groupExprs.map((e, i) => ({ name: groupName(e, src.scope, i), type: e.type })),
    ...calls.map((c) => ({ name: c.fn, type: c.resultType })),
  ];
  const node: PlanNode = {
    kind: 'Aggregate',
    input: pre,
    step: 'single',
    groupBy: groupExprs.map((_, i) => i),
    aggregates: calls,
    outputs,
  };
  const scope = new Scope(outputs.map((c) => ({ name: c.name, relation: undefined, type: c.type })));
  const translator = new ExprTranslator(scope, {
    now: options.now,
    hook: (ast) => {
      if (isAggregateCall(ast)) {
        const idx = callKeys.get(ast);
        if (idx === undefined)
          throw new QuarryError('NESTED_AGGREGATION', 'Cannot nest aggregations inside aggregation');
        return { kind: 'input', channel: groupExprs.length + idx, type: calls[idx]!.resultType };
      }
      if (containsAggregate(ast) || isConstantAst(ast)) return undefined;
      const ir = src.translate(ast);
      const g = groupIndex.get(key(ir));
      if (g !== undefined) return { kind: 'input', channel: g, type: groupExprs[g]!.type };
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
  return { node, translator };
}

function planCall(
  call: FunctionCall,
  src: ExprTranslator,
  channelOf: (e: Expr) => number,
): { call: AggregateCall; argExprs: Expr[] } {
  const fn = functionName(call);
  if (call.window) throw new QuarryError('NOT_SUPPORTED', 'Window functions are not supported yet');
  if (call.distinct) throw new QuarryError('NOT_SUPPORTED', `${fn}(DISTINCT …) is not supported yet`);
  if (call.orderBy.length) throw new QuarryError('NOT_SUPPORTED', `ORDER BY inside ${fn}() is not supported`);
  for (const a of call.args) {
    if (containsAggregate(a))
      throw new QuarryError('NESTED_AGGREGATION', 'Cannot nest aggregations inside aggregation', {
        location: a.loc,
      });
  }
  if (call.star && fn !== 'count')
    throw new QuarryError('INVALID_ARGUMENTS', `${fn}(*) is not allowed; only count(*)`);
  const args = call.args.map((a) => src.translate(a));
  const sig = resolveAggregate(
    fn,
    args.map((a) => a.type),
  );
  const argExprs = args.map((a, i) => coerce(a, sig.argTypes[i]!));
  let mask: number | undefined;
  if (call.filter) {
    const f = src.boolean(src.translate(call.filter), 'FILTER', call.filter.loc);
    mask = channelOf(f);
  }
  return {
    call: {
      fn,
      args: argExprs.map(channelOf),
      argTypes: sig.argTypes,
      distinct: false,
      ...(mask !== undefined ? { mask } : {}),
      resultType: sig.resultType,
    },
    argExprs,
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
