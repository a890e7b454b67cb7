import { QuarryError } from '@quarry/common';
import type { Expression, Query } from '../parser/ast.js';
import type { Expr, LiteralValue } from '../expr/ir.js';
import type { PlanNode } from '../plan/nodes.js';
import { BIGINT, BOOLEAN, commonSuperType, typeToString } from '../types/index.js';
import { coerce, type ExprTranslator } from './expressions.js';
import { literalOf } from './literals.js';
import { singleColumn, type PlannedQuery } from './planned-query.js';

/** `x op ANY|ALL (subquery)` for op other than = ANY and <> ALL, through min, max and counts. */
export function quantified(
  node: PlanNode,
  planned: PlannedQuery,
  sub: Extract<Expression, { kind: 'QuantifiedComparison' }>,
  t: ExprTranslator,
): { node: PlanNode; value: Expr } {
  const y = singleColumn(planned, sub.loc, 'Quantified subquery');
  const x0 = t.translate(sub.left);
  const common = commonSuperType(x0.type, y.type);
  if (!common)
    throw new QuarryError(
      'TYPE_MISMATCH',
      `Cannot compare ${typeToString(x0.type)} with ${typeToString(y.type)}`,
      {
        location: sub.loc,
      },
    );
  const yc = coerce({ kind: 'input', channel: 0, type: y.type }, common);
  const pre: PlanNode = {
    kind: 'Project',
    input: planned.node,
    exprs: [yc],
    outputs: [{ name: 'y', type: common }],
  };
  const agg: PlanNode = {
    kind: 'Aggregate',
    input: pre,
    step: 'single',
    groupBy: [],
    aggregates: [
      { fn: 'min', args: [0], argTypes: [common], distinct: false, resultType: common },
      { fn: 'max', args: [0], argTypes: [common], distinct: false, resultType: common },
      { fn: 'count', args: [], argTypes: [], distinct: false, resultType: BIGINT },
      { fn: 'count', args: [0], argTypes: [common], distinct: false, resultType: BIGINT },
    ],
    outputs: [
      { name: 'min', type: common },
      { name: 'max', type: common },
      { name: 'count', type: BIGINT },
      { name: 'count_nonnull', type: BIGINT },
    ],
  };
  const w = node.outputs.length;
  const joined: PlanNode = {
    kind: 'Join',
    joinType: 'INNER',
    input: node,
    build: agg,
    leftKeys: [],
    rightKeys: [],
    outputs: [...node.outputs, ...agg.outputs],
  };
  const x = coerce(x0, common);
  const at = (c: number, type: Expr['type']): Expr => ({ kind: 'input', channel: c, type });
  const stats: QuantifiedStats = {
    min: at(w, common),
    max: at(w + 1, common),
    count: at(w + 2, BIGINT),
    nonNull: at(w + 3, BIGINT),
  };
  return { node: joined, value: quantifiedValue(sub, t, x, stats) };
}

/** The subquery's smallest and largest values, its rows and its non-NULL values. */
interface QuantifiedStats {
  readonly min: Expr;
  readonly max: Expr;
  readonly count: Expr;
  readonly nonNull: Expr;
}

/** `x op ALL|ANY (…)` from the subquery's statistics, with SQL's NULL semantics. */
function quantifiedValue(
  sub: Extract<Expression, { kind: 'QuantifiedComparison' }>,
  t: ExprTranslator,
  x: Expr,
  { min, max, count, nonNull }: QuantifiedStats,
): Expr {
  const all = sub.quantifier === 'ALL';
  const cmp = (op: string, a: Expr, b: Expr) => t.call(`$${op}`, [a, b], op);
  const lit = (v: LiteralValue) => literalOf(v, BOOLEAN);
  const or = (...args: Expr[]): Expr => ({ kind: 'or', args, type: BOOLEAN });
  // `decided`: a comparison with some element gives the ALL/ANY answer right away
  let decided: Expr;
  switch (sub.op) {
    case '>':
      decided = all ? cmp('le', x, max) : cmp('gt', x, min);
      break;
    case '>=':
      decided = all ? cmp('lt', x, max) : cmp('ge', x, min);
      break;
    case '<':
      decided = all ? cmp('ge', x, min) : cmp('lt', x, max);
      break;
    case '<=':
      decided = all ? cmp('gt', x, min) : cmp('le', x, max);
      break;
    case '=': // = ALL
    case '<>': // <> ANY
      decided = or(cmp('ne', x, min), cmp('ne', x, max));
      break;
  }
  return {
    kind: 'case',
    whens: [
      { when: cmp('eq', count, literalOf(0, BIGINT)), then: lit(all) },
      { when: { kind: 'isNull', arg: x, type: BOOLEAN }, then: lit(null) },
      { when: decided, then: lit(!all) },
      { when: cmp('lt', nonNull, count), then: lit(null) },
    ],
    else: lit(all),
    type: BOOLEAN,
  };
}

/**
 * A correlated `x op ALL|ANY (SELECT y …)`: the subquery's count(*), count(y), min(y) and max(y) as
 * four correlated scalar subqueries (each decorrelated into an aggregation and a join).
 */
export function correlatedQuantified(
  node: PlanNode,
  sub: Extract<Expression, { kind: 'QuantifiedComparison' }>,
  t: ExprTranslator,
  scalarOf: (node: PlanNode, query: Query) => { node: PlanNode; value: Expr },
): { node: PlanNode; value: Expr } {
  const body = sub.query.body;
  const item = body.kind === 'Select' ? body.items[0] : undefined;
  if (
    body.kind !== 'Select' ||
    body.items.length !== 1 ||
    item?.kind !== 'SingleColumn' ||
    body.groupBy ||
    body.having
  )
    throw new QuarryError(
      'NOT_SUPPORTED',
      `This correlated ${sub.op} ${sub.quantifier} subquery is not supported`,
      {
        location: sub.loc,
      },
    );
  const loc = sub.loc;
  const call = (fn: string, args: Expression[], star = false): Query => ({
    ...sub.query,
    orderBy: [],
    body: {
      ...body,
      items: [
        {
          kind: 'SingleColumn',
          loc,
          expression: {
            kind: 'FunctionCall',
            loc,
            name: [{ kind: 'Identifier', value: fn, quoted: false, loc }],
            args,
            distinct: false,
            star,
            orderBy: [],
          },
        },
      ],
    },
  });
  let current = node;
  const value = (q: Query) => {
    const r = scalarOf(current, q);
    current = r.node;
    return r.value;
  };
  const x0 = t.translate(sub.left);
  const min0 = value(call('min', [item.expression]));
  const max0 = value(call('max', [item.expression]));
  const count = value(call('count', [], true));
  const nonNull = value(call('count', [item.expression]));
  const [x, min, max] = t.coerceAll([x0, min0, max0], sub.quantifier);
  return { node: current, value: quantifiedValue(sub, t, x!, { min: min!, max: max!, count, nonNull }) };
}
