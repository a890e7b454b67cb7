import { QuarryError } from '@quarry/common';
import type { Expression } from '../parser/ast.js';
import { remapChannels, type Expr } from '../expr/ir.js';
import type { Column, PlanNode } from '../plan/nodes.js';
import { BOOLEAN, commonSuperType, typeToString } from '../types/index.js';
import { findSubqueries, type SubqueryExpression } from './ast-walk.js';
import { coerce, type ExprTranslator } from './expressions.js';
import { literalOf } from './literals.js';
import { singleColumn, type PlannedQuery, type SubqueryHost } from './planned-query.js';
import { correlatedQuantified, quantified } from './quantified.js';
import { rowIn } from './row-in.js';
import { splitCorrelated } from './correlation-keys.js';
import type { Scope } from './scope.js';

/**
 * Subqueries in expressions, decorrelated into joins as Trino does:
 * - EXISTS and IN become a SemiJoin that adds a boolean mark column (IN with SQL's NULL semantics);
 *   correlated ones join on the equality conjuncts of the subquery's WHERE, with the other
 *   correlated conjuncts as the semi join's filter;
 * - an uncorrelated scalar subquery is cross-joined through EnforceSingleRow (one row; NULLs when
 *   empty; more rows are an error);
 * - a correlated scalar subquery is aggregated by its correlation keys and LEFT-joined on them; an
 *   aggregate that is not NULL over no rows (count) gets its empty value where no group matched;
 * - `x op ANY/ALL (…)` become IN / NOT IN for `= ANY` and `<> ALL`, else comparisons with the
 *   subquery's min, max and counts.
 * The subqueries of an expression are joined to the relation first; a hook then maps each
 * subquery expression to its value.
 */

export interface AppliedSubqueries {
  readonly node: PlanNode;
  readonly hook: (ast: Expression) => Expr | undefined;
}

function identity(node: PlanNode): Expr[] {
  return node.outputs.map((c, i) => ({ kind: 'input', channel: i, type: c.type }));
}

/**
 * `node` with the expressions that are not already one of its columns appended to its outputs;
 * `channels` gives each expression's channel.
 */
function withColumns(node: PlanNode, exprs: readonly Expr[]): { node: PlanNode; channels: number[] } {
  const extra: Expr[] = [];
  const channels = exprs.map((e) => {
    if (e.kind === 'input') return e.channel;
    extra.push(e);
    return node.outputs.length + extra.length - 1;
  });
  return { node: append(node, extra), channels };
}

/** `node` with expressions appended to its outputs. */
function append(node: PlanNode, exprs: readonly Expr[], names = 'expr'): PlanNode {
  if (exprs.length === 0) return node;
  const outputs: Column[] = [
    ...node.outputs,
    ...exprs.map((e, i) => ({ name: `${names}${node.outputs.length + i}`, type: e.type })),
  ];
  return { kind: 'Project', input: node, exprs: [...identity(node), ...exprs], outputs };
}

const MARK: Column = { name: 'mark', type: BOOLEAN };

/** Where subqueries are planned: the translator for their operands and the scope they may correlate with. */
export interface SubqueryPlacement {
  readonly translator: ExprTranslator;
  /** The enclosing query's columns a correlated subquery may reference. */
  readonly outer: Scope | undefined;
  /** Subqueries already joined below (their values come through the translator's hook). */
  readonly skip?: ReadonlySet<Expression>;
}

/** Plans the subqueries of `asts` and joins them to `node` (see the module comment). */
export function applySubqueries(
  host: SubqueryHost,
  node: PlanNode,
  asts: readonly Expression[],
  placement: SubqueryPlacement,
): AppliedSubqueries {
  const { outer, skip = new Set() } = placement;
  const results = new Map<Expression, Expr>();
  const hook = (ast: Expression) => results.get(ast);
  const t = placement.translator.withHook(hook);
  for (const sub of asts.flatMap(findSubqueries)) {
    if (results.has(sub) || skip.has(sub)) continue;
    const applied = applyOne({ host, t, outer }, node, sub);
    node = applied.node;
    results.set(sub, applied.value);
  }
  return { node, hook };
}

/** What planning one subquery needs besides the node it joins to. */
interface ApplyContext {
  readonly host: SubqueryHost;
  readonly t: ExprTranslator;
  readonly outer: Scope | undefined;
}

function applyOne(
  ctx: ApplyContext,
  node: PlanNode,
  sub: SubqueryExpression,
): { node: PlanNode; value: Expr } {
  const { host, t, outer } = ctx;
  switch (sub.kind) {
    case 'Exists': {
      const planned = host.planSubquery(sub.query, { outer, mode: 'exists' });
      if (planned.correlation?.kind === 'constant')
        return { node, value: literalOf(planned.correlation.value, BOOLEAN) };
      return semiJoin(node, planned, undefined, sub.loc);
    }
    case 'InSubquery': {
      const planned = host.planSubquery(sub.query, { outer, mode: 'in' });
      const c = planned.correlation;
      // IN over a correlated global aggregation: equality with its one value
      const r =
        c?.kind === 'scalar' || c?.kind === 'perRow'
          ? compareWith(node, planned, { x: t.translate(sub.operand), t, loc: sub.loc })
          : membership(t, node, { operand: sub.operand, planned, loc: sub.loc });
      return sub.negated ? { ...r, value: { kind: 'not', arg: r.value, type: BOOLEAN } } : r;
    }
    case 'QuantifiedComparison': {
      const any = sub.quantifier !== 'ALL';
      if ((sub.op === '=' && any) || (sub.op === '<>' && !any)) {
        const planned = host.planSubquery(sub.query, { outer, mode: 'in' });
        const r = membership(t, node, { operand: sub.left, planned, loc: sub.loc });
        return any ? r : { ...r, value: { kind: 'not', arg: r.value, type: BOOLEAN } };
      }
      const planned = host.planSubquery(sub.query, { outer, mode: 'in' });
      if (planned.correlation)
        return correlatedQuantified(node, sub, t, (n, q) =>
          scalarValue(n, host.planSubquery(q, { outer, mode: 'scalar' }), sub.loc),
        );
      return quantified(node, planned, sub, t);
    }
    case 'Subquery':
      return scalarValue(node, host.planSubquery(sub.query, { outer, mode: 'scalar' }), sub.loc);
  }
}

/** `operand IN (subquery)`: a row IN when the operand is a row and the subquery has several columns. */
function membership(
  t: ExprTranslator,
  node: PlanNode,
  m: { readonly operand: Expression; readonly planned: PlannedQuery; readonly loc: Expression['loc'] },
): { node: PlanNode; value: Expr } {
  const { operand, planned, loc } = m;
  const c = planned.correlation;
  const columns = c?.kind === 'semi' ? c.visible : c ? 1 : planned.node.outputs.length;
  if (operand.kind === 'Row' && columns > 1)
    return rowIn(node, planned, { fields: operand.items.map((item) => t.translate(item)), t, loc });
  return semiJoin(node, planned, t.translate(operand), loc);
}

/** EXISTS (value undefined) or `value IN (subquery)`, as a SemiJoin adding a mark. */
function semiJoin(
  node: PlanNode,
  planned: PlannedQuery,
  value: Expr | undefined,
  loc: Expression['loc'],
): { node: PlanNode; value: Expr } {
  let build = planned.node;
  let left = node;
  let compare: { left: number; right: number } | undefined;
  if (value) {
    const y = singleColumn(planned, loc, 'Subquery in IN');
    const common = commonSuperType(value.type, y.type);
    if (!common)
      throw new QuarryError(
        'TYPE_MISMATCH',
        `IN value and list items must be the same type: ${typeToString(value.type)} vs ${typeToString(y.type)}`,
        { location: loc },
      );
    const l = withColumns(left, [coerce(value, common)]);
    const r = withColumns(build, [coerce({ kind: 'input', channel: 0, type: y.type }, common)]);
    compare = { left: l.channels[0]!, right: r.channels[0]! };
    left = l.node;
    build = r.node;
  }
  const c = planned.correlation;
  if (c && c.kind !== 'semi')
    throw new QuarryError('GENERIC_INTERNAL_ERROR', 'scalar plan for a semi join (this is a bug in quarry)');
  let leftKeys: number[] = [];
  let rightKeys: number[] = [];
  let filter: Expr | undefined;
  if (!c) {
    // uncorrelated EXISTS only needs to know whether a row exists
    if (!value) build = { kind: 'Limit', input: build, count: 1, offset: 0, outputs: build.outputs };
  } else {
    const { pairs, residual } = splitCorrelated(c.conjuncts, c.width);
    const inner = (e: Expr) => remapChannels(e, (ch) => c.visible + ch);
    const l = withColumns(
      left,
      pairs.map((p) => p.outer),
    );
    const r = withColumns(
      build,
      pairs.map((p) => inner(p.inner)),
    );
    leftKeys = l.channels;
    rightKeys = r.channels;
    left = l.node;
    build = r.node;
    if (residual.length) {
      const leftWidth = left.outputs.length;
      const conj = residual.map((r) =>
        remapChannels(r, (ch) => (ch < c.width ? leftWidth + c.visible + ch : ch - c.width)),
      );
      filter = conj.length === 1 ? conj[0]! : { kind: 'and', args: conj, type: BOOLEAN };
    }
  }
  const mark = left.outputs.length;
  const joined: PlanNode = {
    kind: 'SemiJoin',
    input: left,
    build,
    leftKeys,
    rightKeys,
    ...(compare ? { compare } : {}),
    ...(filter ? { filter } : {}),
    outputs: [...left.outputs, MARK],
  };
  return { node: joined, value: { kind: 'input', channel: mark, type: BOOLEAN } };
}

/** A scalar subquery's value joined to `node`, however it was planned. */
function scalarValue(
  node: PlanNode,
  planned: PlannedQuery,
  loc: Expression['loc'],
): { node: PlanNode; value: Expr } {
  if (planned.correlation?.kind === 'perRow') return planned.correlation.build(node);
  return scalar(node, planned, loc);
}

/** `x = (subquery value)`: IN over a subquery that returns one row. */
function compareWith(
  node: PlanNode,
  planned: PlannedQuery,
  operand: { readonly x: Expr; readonly t: ExprTranslator; readonly loc: Expression['loc'] },
): { node: PlanNode; value: Expr } {
  const { x, t, loc } = operand;
  const r = scalarValue(node, planned, loc);
  const [a, b] = t.coerceAll([x, r.value], 'IN');
  return { node: r.node, value: t.call('$eq', [a!, b!], '=') };
}

function scalar(
  node: PlanNode,
  planned: PlannedQuery,
  loc: Expression['loc'],
): { node: PlanNode; value: Expr } {
  const c = planned.correlation;
  const column = singleColumn(planned, loc, 'Scalar subquery');
  const width = node.outputs.length;
  if (!c) {
    const build: PlanNode = { kind: 'EnforceSingleRow', input: planned.node, outputs: planned.node.outputs };
    const joined: PlanNode = {
      kind: 'Join',
      joinType: 'INNER',
      input: node,
      build,
      leftKeys: [],
      rightKeys: [],
      outputs: [...node.outputs, ...build.outputs],
    };
    return { node: joined, value: { kind: 'input', channel: width, type: column.type } };
  }
  if (c.kind !== 'scalar')
    throw new QuarryError(
      'GENERIC_INTERNAL_ERROR',
      'semi plan for a scalar subquery (this is a bug in quarry)',
    );
  const { node: left, channels } = withColumns(node, c.outerKeys);
  const joined: PlanNode = {
    kind: 'Join',
    joinType: 'LEFT',
    input: left,
    build: planned.node,
    leftKeys: channels,
    rightKeys: c.outerKeys.map((_, i) => 1 + i),
    outputs: [...left.outputs, ...planned.node.outputs],
  };
  return { node: joined, value: c.value(left.outputs.length) };
}
