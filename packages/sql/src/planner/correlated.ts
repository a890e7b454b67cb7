import { QuarryError } from '@quarry/common';
import type { Query, Select, SingleColumn } from '../parser/ast.js';
import { evaluateConstant } from '../expr/compile.js';
import { remapChannels, replaceInputs, type Expr } from '../expr/ir.js';
import type { AggregateCall, Column, PlanNode } from '../plan/nodes.js';
import { BIGINT, BOOLEAN } from '../types/types.js';
import { emptyAggregateValue, planAggregation } from './aggregation.js';
import { containsAggregate, hasSubqueries } from './ast-walk.js';
import type { ExprTranslator } from './expressions.js';
import { literalOf } from './literals.js';
import { Scope, type Field } from './scope.js';
import { itemName, type SelectHost } from './select-host.js';
import { limitCount, sortKey } from './ordering.js';
import { applySubqueries } from './subqueries.js';
import { rowInWithAggregation, splitCorrelated } from './correlation-keys.js';
import type { PlannedQuery, SubqueryContext } from './planned-query.js';
import { findWindowCalls } from './windows.js';

export interface CorrelatedSelect {
  readonly select: Select;
  readonly query: Query | undefined;
  readonly ctx: SubqueryContext;
  /** FROM and the uncorrelated WHERE conjuncts. */
  readonly node: PlanNode;
  /** Channels of `node`; correlated conjuncts read the outer query's channel c as `width + c`. */
  readonly width: number;
  readonly translator: ExprTranslator;
  readonly fromScope: Scope;
  readonly correlated: readonly Expr[];
}

/**
 * The rest of a correlated subquery's SELECT, shaped for the join that replaces it (see
 * `Correlation` in subqueries.ts). EXISTS and IN: the select list plus the columns the correlated
 * conjuncts read. Scalar: grouped by the inner sides of the correlation equalities, with the value,
 * the keys, and a marker when the value over no rows is not NULL (count).
 */
export function planCorrelated(host: SelectHost, s: CorrelatedSelect): PlannedQuery {
  const { select, query, ctx } = s;
  const items = select.items;
  const exprsOf = items.flatMap((i) => (i.kind === 'SingleColumn' ? [i.expression] : []));
  if (exprsOf.some((e) => findWindowCalls(e).length))
    throw new QuarryError('NOT_SUPPORTED', 'Window functions in correlated subqueries are not supported', {
      location: select.loc,
    });
  const aggregated =
    select.groupBy !== undefined || select.having !== undefined || exprsOf.some(containsAggregate);
  const globalAggregate = aggregated && select.groupBy === undefined && select.having === undefined;
  const limit = limitCount(query?.limit);
  if (query?.offset)
    throw new QuarryError('NOT_SUPPORTED', 'OFFSET in correlated subqueries is not supported', {
      location: query.offset.loc,
    });
  if (ctx.mode === 'exists') {
    // LIMIT 0 finds nothing; a global aggregation always returns its one row; other LIMITs do not matter
    if (limit === 0) return constant(s, false);
    if (globalAggregate || (limit !== undefined && aggregated)) return constant(s, true);
    return semi(host, s, aggregated);
  }
  if (limit !== undefined && (ctx.mode !== 'scalar' || aggregated))
    throw new QuarryError(
      'NOT_SUPPORTED',
      `LIMIT in correlated ${ctx.mode === 'lateral' ? 'LATERAL' : 'IN'} or aggregating subqueries is not supported`,
      {
        location: query!.limit!.loc,
      },
    );
  if (ctx.mode === 'in' && globalAggregate && items.length > 1) throw rowInWithAggregation(select.loc);
  // IN over a global aggregation compares with its one value: a scalar subquery
  if (ctx.mode === 'scalar' || globalAggregate) return scalar(host, s, aggregated, limit);
  return semi(host, s, aggregated);
}

const SEMI_WHAT = {
  exists: 'EXISTS and IN',
  in: 'EXISTS and IN',
  scalar: 'scalar',
  lateral: 'LATERAL',
} as const;

/** EXISTS known without running the subquery. */
function constant(s: CorrelatedSelect, value: boolean): PlannedQuery {
  return { node: s.node, scope: new Scope([]), correlation: { kind: 'constant', value } };
}

function semi(host: SelectHost, s: CorrelatedSelect, aggregated: boolean): PlannedQuery {
  const { select, fromScope, width, correlated } = s;
  if (aggregated)
    throw new QuarryError(
      'NOT_SUPPORTED',
      `Correlated ${SEMI_WHAT[s.ctx.mode]} subqueries with aggregation are not supported`,
      { location: select.loc },
    );
  let node = s.node;
  let t = s.translator;
  const itemExprs = select.items.flatMap((i) => (i.kind === 'SingleColumn' ? [i.expression] : []));
  if (itemExprs.some(hasSubqueries)) {
    const applied = applySubqueries(host, node, itemExprs, { translator: t, outer: fromScope });
    node = applied.node;
    t = t.withHook(applied.hook);
  }
  const exprs: Expr[] = [];
  const fields: Field[] = [];
  for (const item of select.items) {
    if (item.kind === 'AllColumns') {
      for (const c of fromScope.expandStar(
        item.qualifier?.map((q) => q.value),
        item.loc,
      )) {
        const f = fromScope.fields[c]!;
        exprs.push({ kind: 'input', channel: c, type: f.type });
        fields.push({ name: f.name, relation: undefined, type: f.type });
      }
      continue;
    }
    const e = t.translate(item.expression);
    exprs.push(e);
    fields.push({ name: itemName(item, fields.length), relation: undefined, type: e.type });
  }
  const visible = exprs.length;
  const passed: Expr[] = Array.from({ length: width }, (_, c) => ({
    kind: 'input',
    channel: c,
    type: node.outputs[c]!.type,
  }));
  const outputs: Column[] = [
    ...fields.map((f, i) => ({ name: f.name ?? `_col${i}`, type: f.type })),
    ...passed.map((e, i) => ({ name: `corr${i}`, type: e.type })),
  ];
  return {
    node: { kind: 'Project', input: node, exprs: [...exprs, ...passed], outputs },
    scope: new Scope(fields),
    correlation: { kind: 'semi', visible, width, conjuncts: correlated },
  };
}

/** The grouping side of a correlated scalar subquery: its inner correlation keys and its one item. */
interface ScalarShape {
  readonly item: SingleColumn;
  readonly innerKeys: readonly Expr[];
  readonly keyRefs: readonly Expr[];
  readonly keyColumns: readonly Column[];
  readonly name: string;
}

/** The planned scalar: value, keys, then a marker or count; `value` reads it from the joined row. */
interface ScalarPlan {
  readonly node: PlanNode;
  readonly value: (base: number) => Expr;
}

function scalar(
  host: SelectHost,
  s: CorrelatedSelect,
  aggregated: boolean,
  limit: number | undefined,
): PlannedQuery {
  const { select, width, correlated } = s;
  const { pairs, residual } = splitCorrelated(correlated, width);
  const item = scalarItem(select, residual.length > 0, aggregated);
  if (residual.length) return perOuterRow(host, s, item);
  const innerKeys = pairs.map((p) => p.inner);
  const shape: ScalarShape = {
    item,
    innerKeys,
    keyRefs: innerKeys.map((e, i) => ({ kind: 'input', channel: i, type: e.type })),
    keyColumns: innerKeys.map((e, i) => ({ name: `key${i}`, type: e.type })),
    name: itemName(item, 0),
  };
  const { node, value } = aggregated ? aggregatedScalar(host, s, shape) : rowScalar(s, shape, limit);
  return {
    node,
    scope: new Scope([{ name: shape.name, relation: undefined, type: node.outputs[0]!.type }]),
    correlation: { kind: 'scalar', outerKeys: pairs.map((p) => p.outer), value },
  };
}

/** The one select item of a correlated scalar subquery, after rejecting the shapes not supported. */
function scalarItem(select: Select, hasResidual: boolean, aggregated: boolean): SingleColumn {
  if (hasResidual && !aggregated)
    throw new QuarryError(
      'NOT_SUPPORTED',
      'Correlated scalar subqueries without aggregation are only supported with equality conditions between the subquery and the outer query',
      { location: select.where?.loc ?? select.loc },
    );
  if (select.groupBy || select.having)
    throw new QuarryError(
      'NOT_SUPPORTED',
      'GROUP BY and HAVING in correlated scalar subqueries are not supported',
      {
        location: select.loc,
      },
    );
  const item = select.items[0];
  if (select.items.length !== 1 || item?.kind !== 'SingleColumn')
    throw new QuarryError('TYPE_MISMATCH', 'Scalar subquery must return exactly one column', {
      location: select.loc,
    });
  if (hasSubqueries(item.expression))
    throw new QuarryError(
      'NOT_SUPPORTED',
      'Subqueries in the select list of a correlated scalar subquery are not supported',
      {
        location: item.loc,
      },
    );
  return item;
}

/** A correlated global aggregation, grouped by the inner keys. */
function aggregatedScalar(host: SelectHost, s: CorrelatedSelect, shape: ScalarShape): ScalarPlan {
  const { item, innerKeys, keyRefs, keyColumns, name } = shape;
  const { select } = s;
  const k = innerKeys.length;
  const agg = planAggregation({
    source: s.node,
    sourceTranslator: s.translator,
    groupBy: undefined,
    selectItems: select.items,
    aggregateHolders: [item.expression],
    now: host.now,
    extraKeys: innerKeys,
  });
  const v = agg.translator.translate(item.expression);
  const empty = emptyValue(v, agg.calls, k);
  const exprs = [v, ...keyRefs, ...(empty ? [literalOf(true, BOOLEAN)] : [])];
  const node: PlanNode = {
    kind: 'Project',
    input: agg.node,
    exprs,
    outputs: [{ name, type: v.type }, ...keyColumns, ...(empty ? [{ name: 'marker', type: BOOLEAN }] : [])],
  };
  // no group matched (the marker is NULL): the value over no rows, as count gives 0
  const value = (base: number): Expr => {
    const at: Expr = { kind: 'input', channel: base, type: v.type };
    if (!empty) return at;
    const marker: Expr = { kind: 'input', channel: base + 1 + k, type: BOOLEAN };
    return {
      kind: 'case',
      whens: [{ when: { kind: 'isNull', arg: marker, type: BOOLEAN }, then: empty }],
      else: at,
      type: v.type,
    };
  };
  return { node, value };
}

/** A correlated non-aggregating scalar subquery: one row per key, more is an error after the join. */
function rowScalar(s: CorrelatedSelect, shape: ScalarShape, limit: number | undefined): ScalarPlan {
  const { item, innerKeys, keyRefs, keyColumns, name } = shape;
  const k = innerKeys.length;
  // ORDER BY … LIMIT n: the first n rows of each key, numbered by a window
  const source = limit !== undefined ? firstRows(s, innerKeys, limit) : s.node;
  // one value per key, checked after the join: more than one row for an outer row is an error
  const v = s.translator.translate(item.expression);
  const pre: PlanNode = {
    kind: 'Project',
    input: source,
    exprs: [...innerKeys, v],
    outputs: [...keyColumns, { name: 'value', type: v.type }],
  };
  const calls: AggregateCall[] = [
    { fn: 'arbitrary', args: [k], argTypes: [v.type], distinct: false, resultType: v.type },
    { fn: 'count', args: [], argTypes: [], distinct: false, resultType: BIGINT },
  ];
  const aggregate: PlanNode = {
    kind: 'Aggregate',
    input: pre,
    step: 'single',
    groupBy: keyRefs.map((_, i) => i),
    aggregates: calls,
    outputs: [...keyColumns, { name: 'arbitrary', type: v.type }, { name: 'count', type: BIGINT }],
  };
  const node: PlanNode = {
    kind: 'Project',
    input: aggregate,
    exprs: [
      { kind: 'input', channel: k, type: v.type },
      ...keyRefs,
      { kind: 'input', channel: k + 1, type: BIGINT },
    ],
    outputs: [{ name, type: v.type }, ...keyColumns, { name: 'count', type: BIGINT }],
  };
  const value = (base: number): Expr => ({
    kind: 'case',
    whens: [
      {
        when: {
          kind: 'call',
          fn: 'gt:long',
          args: [{ kind: 'input', channel: base + 1 + k, type: BIGINT }, literalOf(1, BIGINT)],
          type: BOOLEAN,
        },
        then: { kind: 'call', fn: 'fail_subquery_rows', args: [], type: v.type },
      },
    ],
    else: { kind: 'input', channel: base, type: v.type },
    type: v.type,
  });
  return { node, value };
}

/** The subquery's value over no rows (count is 0, most aggregates NULL), when it is not NULL. */
function emptyValue(value: Expr, calls: readonly AggregateCall[], keys: number): Expr | undefined {
  const substituted = replaceInputs(value, (channel, type) =>
    channel < keys ? literalOf(null, type) : literalOf(emptyAggregateValue(calls[channel - keys]!.fn), type),
  );
  try {
    const v = evaluateConstant(substituted);
    return v === null ? undefined : literalOf(v, value.type);
  } catch {
    return undefined;
  }
}

/**
 * A correlated scalar aggregate whose correlation is not (only) equalities, decorrelated as Trino
 * does: each outer row gets a unique id, is LEFT-joined to the subquery's rows on all the correlated
 * conditions (a marker column tells matched rows), and the subquery's aggregates are computed per
 * outer row, grouped by its id and its columns; count(*) counts the marker, so an outer row without
 * matches counts 0, as over no rows.
 */
function perOuterRow(host: SelectHost, s: CorrelatedSelect, item: SingleColumn): PlannedQuery {
  const { width, correlated } = s;
  const name = itemName(item, 0);
  const build = (outer: PlanNode): { node: PlanNode; value: Expr } => {
    const w = outer.outputs.length;
    const withId: PlanNode = {
      kind: 'AssignUniqueId',
      input: outer,
      outputs: [...outer.outputs, { name: 'unique', type: BIGINT }],
    };
    const inner: PlanNode = {
      kind: 'Project',
      input: s.node,
      exprs: [
        ...s.node.outputs.map((c, i): Expr => ({ kind: 'input', channel: i, type: c.type })),
        literalOf(true, BOOLEAN),
      ],
      outputs: [...s.node.outputs, { name: 'matched', type: BOOLEAN }],
    };
    // the correlated conjuncts read subquery channel c as w + 1 + c, outer channel c as c
    const conjuncts = correlated.map((e) => remapChannels(e, (c) => (c < width ? w + 1 + c : c - width)));
    const filter: Expr =
      conjuncts.length === 1 ? conjuncts[0]! : { kind: 'and', args: conjuncts, type: BOOLEAN };
    const joined: PlanNode = {
      kind: 'Join',
      joinType: 'LEFT',
      input: withId,
      build: inner,
      leftKeys: [],
      rightKeys: [],
      filter,
      outputs: [...withId.outputs, ...inner.outputs],
    };
    // names resolve to the subquery's columns only
    const scope = new Scope([
      ...withId.outputs.map((c) => ({ name: undefined, relation: undefined, type: c.type })),
      ...s.fromScope.fields,
      ...Array.from({ length: s.node.outputs.length - s.fromScope.fields.length }, (_, i) => ({
        name: undefined,
        relation: undefined,
        type: s.node.outputs[s.fromScope.fields.length + i]!.type,
      })),
      { name: undefined, relation: undefined, type: BOOLEAN },
    ]);
    // group by the id first, then every outer column (to carry them through)
    const keys: Expr[] = withId.outputs.map((_, i) => {
      const channel = (i + w) % (w + 1);
      return { kind: 'input', channel, type: withId.outputs[channel]!.type };
    });
    const agg = planAggregation({
      source: joined,
      sourceTranslator: s.translator.withScope(scope),
      groupBy: undefined,
      selectItems: [item],
      aggregateHolders: [item.expression],
      now: host.now,
      extraKeys: keys,
      rowMarker: { kind: 'input', channel: joined.outputs.length - 1, type: BOOLEAN },
    });
    const value = agg.translator.translate(item.expression);
    // aggregation outputs: the id, the outer columns, the aggregates
    const node: PlanNode = {
      kind: 'Project',
      input: agg.node,
      exprs: [...outer.outputs.map((c, i): Expr => ({ kind: 'input', channel: 1 + i, type: c.type })), value],
      outputs: [...outer.outputs, { name, type: value.type }],
    };
    return { node, value: { kind: 'input', channel: w, type: value.type } };
  };
  return {
    node: s.node,
    scope: new Scope([{ name, relation: undefined, type: BIGINT }]),
    correlation: { kind: 'perRow', build },
  };
}

/**
 * The subquery's rows ranked by its ORDER BY within each correlation key, the first `limit` kept:
 * `(SELECT x FROM t WHERE t.k = o.k ORDER BY y LIMIT 1)`.
 */
function firstRows(s: CorrelatedSelect, keys: readonly Expr[], limit: number): PlanNode {
  const width = s.node.outputs.length;
  const order = (s.query?.orderBy ?? []).map((item) => {
    const e = item.expression;
    const byPosition =
      e.kind === 'NumericLiteral' && e.numericType === 'integer'
        ? s.select.items[Number(e.text) - 1]
        : undefined;
    const target = byPosition?.kind === 'SingleColumn' ? byPosition.expression : e;
    return { expr: s.translator.translate(target), item };
  });
  const extra = [...keys, ...order.map((o) => o.expr)];
  const projected: PlanNode = {
    kind: 'Project',
    input: s.node,
    exprs: [...s.node.outputs.map((c, i): Expr => ({ kind: 'input', channel: i, type: c.type })), ...extra],
    outputs: [...s.node.outputs, ...extra.map((e, i) => ({ name: `rank${i}`, type: e.type }))],
  };
  const window: PlanNode = {
    kind: 'Window',
    input: projected,
    partitionBy: keys.map((_, i) => width + i),
    orderBy: order.map((o, i) => sortKey(o.item, width + keys.length + i)),
    functions: [
      {
        fn: 'row_number',
        aggregate: false,
        args: [],
        argTypes: [],
        resultType: BIGINT,
        frame: { unit: 'ROWS', start: { type: 'UNBOUNDED_PRECEDING' }, end: { type: 'CURRENT_ROW' } },
      },
    ],
    outputs: [...projected.outputs, { name: 'row_number', type: BIGINT }],
  };
  const rn: Expr = { kind: 'input', channel: projected.outputs.length, type: BIGINT };
  return {
    kind: 'Filter',
    input: window,
    predicate: { kind: 'call', fn: 'le:long', args: [rn, literalOf(limit, BIGINT)], type: BOOLEAN },
    outputs: window.outputs,
  };
}
