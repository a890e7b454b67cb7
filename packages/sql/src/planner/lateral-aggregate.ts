import { internalError } from '@quarry/common';
import type { Expression, Lateral, Query, SingleColumn } from '../parser/ast.js';
import type { Expr } from '../expr/ir.js';
import type { PlanNode } from '../plan/nodes.js';
import { containsAggregate } from './ast-walk.js';
import { ExprTranslator } from './expressions.js';
import type { RelationPlan } from './relation-plan.js';
import type { RelationHost } from './relation-host.js';
import type { Field } from './scope.js';
import { itemName } from './select-host.js';
import { applySubqueries } from './subqueries.js';
import { findWindowCalls } from './windows.js';

/**
 * `LATERAL (SELECT agg(…), … FROM … WHERE <correlated>)`: a global aggregation returns exactly one
 * row per left row, so each select item is the scalar subquery of the same FROM and WHERE, and the
 * scalar subquery planner decorrelates it (grouped by the correlation keys, LEFT-joined, with the
 * value over no rows — 0 for count — where no group matched).
 */
export function isGlobalAggregation(query: Query): boolean {
  const select = query.body;
  if (select.kind !== 'Select' || query.with.length > 0 || query.limit || query.offset) return false;
  if (select.groupBy || select.having || select.distinct) return false;
  const items = select.items;
  if (!items.every((i): i is SingleColumn => i.kind === 'SingleColumn')) return false;
  const exprs = items.map((i) => i.expression);
  return exprs.some(containsAggregate) && !exprs.some((e) => findWindowCalls(e).length > 0);
}

/** The left side's columns then one value per select item (see {@link isGlobalAggregation}). */
export function aggregatedLateral(
  host: RelationHost,
  left: RelationPlan,
  rel: Lateral,
): { node: PlanNode; own: readonly Field[] } {
  const query = rel.query;
  const select = query.body;
  if (select.kind !== 'Select') throw internalError('LATERAL aggregation over a non-SELECT');
  const items = select.items as readonly SingleColumn[];
  const subqueries: Expression[] = items.map((item) => ({
    kind: 'Subquery',
    loc: item.loc,
    query: { ...query, orderBy: [], body: { ...select, items: [item] } },
  }));
  const t = new ExprTranslator(left.scope, { now: host.now });
  const applied = applySubqueries(host, left.node, subqueries, { translator: t, outer: left.scope });
  const values = subqueries.map((s) => applied.hook(s)!);
  const exprs: Expr[] = [
    ...left.node.outputs.map((c, i): Expr => ({ kind: 'input', channel: i, type: c.type })),
    ...values,
  ];
  const own = items.map((item, i): Field => ({
    name: itemName(item, i),
    relation: undefined,
    type: values[i]!.type,
  }));
  const node: PlanNode = {
    kind: 'Project',
    input: applied.node,
    exprs,
    outputs: [...left.node.outputs, ...own.map((f, i) => ({ name: f.name ?? `_col${i}`, type: f.type }))],
  };
  return { node, own };
}
