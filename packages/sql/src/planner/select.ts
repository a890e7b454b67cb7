import { QuarryError } from '@quarry/common';
import type { Expression, FunctionCall, Query, Select } from '../parser/ast.js';
import { inputChannels, type Expr } from '../expr/ir.js';
import type { Column, PlanNode, SortKey } from '../plan/nodes.js';
import { BOOLEAN } from '../types/types.js';
import { planAggregation } from './aggregation.js';
import { containsAggregate, findAggregates, findSubqueries, hasSubqueries } from './ast-walk.js';
import { planCorrelated } from './correlated.js';
import { itemName, type SelectHost } from './select-host.js';
import { ExprTranslator } from './expressions.js';
import { planRelation } from './relations.js';
import type { RelationPlan } from './relation-plan.js';
import { Scope, type Field } from './scope.js';
import { orderChannel, sortKey } from './ordering.js';
import { applySubqueries } from './subqueries.js';
import type { PlannedQuery, SubqueryContext } from './planned-query.js';
import { findWindowCalls, planWindows } from './windows.js';

const ONE_ROW: RelationPlan = { node: { kind: 'Values', rows: [[]], outputs: [] }, scope: new Scope([]) };

/** `a AND b AND c` as [a, b, c]. */
export function conjunctsOf(e: Expression): Expression[] {
  return e.kind === 'BinaryOp' && e.op === 'AND' ? [...conjunctsOf(e.left), ...conjunctsOf(e.right)] : [e];
}

function noAggregates(e: Expression, clause: string): void {
  if (containsAggregate(e) || findWindowCalls(e).length) {
    throw new QuarryError(
      'EXPRESSION_NOT_AGGREGATE',
      `${clause} clause cannot contain aggregations, window functions or grouping operations`,
      { location: e.loc },
    );
  }
}

/**
 * One SELECT, clause by clause: FROM, WHERE (with its subqueries joined first), GROUP BY and
 * aggregates, HAVING, window functions, the select list (and its subqueries), DISTINCT, ORDER BY,
 * OFFSET/LIMIT. In a subquery whose WHERE references the enclosing query, the correlated
 * conjuncts are set aside and the rest is planned for decorrelation (see `correlated.ts`).
 */
export function planSelect(
  host: SelectHost,
  select: Select,
  query: Query | undefined,
  ctx: SubqueryContext | undefined,
): PlannedQuery {
  const star = select.items.find((i) => i.kind === 'AllColumns');
  if (!select.from && star)
    throw new QuarryError('COLUMN_NOT_FOUND', 'SELECT * not allowed in queries without FROM clause', {
      location: star.loc,
    });
  const source = select.from ? planRelation(host, select.from) : ONE_ROW;
  const fromScope = source.scope;
  let node = source.node;
  // outside WHERE, a reference to the enclosing query is an error (correlation only in WHERE)
  const sourceScope = fromScope.withOuter(ctx?.outer, Number.MAX_SAFE_INTEGER, false);
  const sourceTranslator = new ExprTranslator(sourceScope, { now: host.now });
  if (select.where) {
    const where = planWhere(host, { select, node, fromScope, sourceTranslator, outer: ctx?.outer });
    node = where.node;
    if (where.correlated.length && ctx) {
      return planCorrelated(host, {
        select,
        query,
        ctx,
        node,
        width: where.width,
        translator: sourceTranslator,
        fromScope,
        correlated: where.correlated,
      });
    }
  }
  const body = planBody(host, { select, query, node, fromScope, sourceTranslator });
  const list = selectList(select, fromScope, body);
  const visible = list.exprs.length;
  const keys = orderKeys(select, query, body.translator, list);
  const outputs: Column[] = list.fields.map((f, i) => ({ name: f.name ?? `_col${i}`, type: f.type }));
  node = { kind: 'Project', input: body.node, exprs: list.exprs, outputs };
  if (select.distinct) {
    node = {
      kind: 'Aggregate',
      input: node,
      step: 'single',
      groupBy: outputs.map((_, i) => i),
      aggregates: [],
      outputs,
    };
  }
  return host.orderAndLimit(
    { node, scope: new Scope(list.fields) },
    Array.from({ length: visible }, (_, i) => i),
    query,
    keys,
  );
}

/** A SELECT's FROM planned, with what its clauses are translated against. */
interface FromPlan {
  readonly select: Select;
  readonly node: PlanNode;
  readonly fromScope: Scope;
  /** Translates over the FROM columns; a reference to an enclosing query is an error. */
  readonly sourceTranslator: ExprTranslator;
}

/**
 * WHERE with its subqueries joined first: the local conjuncts as a Filter, the conjuncts that
 * reference the enclosing query (channels from `width` on) set aside for decorrelation.
 */
function planWhere(
  host: SelectHost,
  from: FromPlan & { readonly outer: Scope | undefined },
): { node: PlanNode; width: number; correlated: Expr[] } {
  const where = from.select.where!;
  noAggregates(where, 'WHERE');
  // the subqueries see this query's columns; the scopes around it only to name them in an error
  const applied = applySubqueries(host, from.node, [where], {
    translator: from.sourceTranslator,
    outer: from.sourceTranslator.scope,
  });
  let node = applied.node;
  const width = node.outputs.length;
  const t = new ExprTranslator(from.fromScope.withOuter(from.outer, width), {
    now: host.now,
    hook: applied.hook,
  });
  const local: Expr[] = [];
  const correlated: Expr[] = [];
  for (const c of conjunctsOf(where)) {
    const e = t.boolean(t.translate(c), 'WHERE', c.loc);
    if ([...inputChannels(e)].some((ch) => ch >= width)) correlated.push(e);
    else local.push(e);
  }
  if (local.length) {
    const predicate: Expr = local.length === 1 ? local[0]! : { kind: 'and', args: local, type: BOOLEAN };
    node = { kind: 'Filter', input: node, predicate, outputs: node.outputs };
  }
  return { node, width, correlated };
}

/** The plan after WHERE up to the select list, and the translator for the select list and ORDER BY. */
interface Body {
  readonly node: PlanNode;
  readonly translator: ExprTranslator;
  readonly aggregated: boolean;
}

/** GROUP BY and aggregates, HAVING, window functions, and the subqueries of the select list and ORDER BY. */
function planBody(host: SelectHost, from: FromPlan & { readonly query: Query | undefined }): Body {
  const { select, fromScope } = from;
  const orderBy = from.query?.orderBy ?? [];
  const itemExprs = select.items.flatMap((i) => (i.kind === 'SingleColumn' ? [i.expression] : []));
  const later = [...itemExprs, ...orderBy.map((o) => o.expression)];
  const holders = [
    ...itemExprs,
    ...(select.having ? [select.having] : []),
    ...orderBy.map((o) => o.expression),
  ];
  const aggregated =
    select.groupBy !== undefined || select.having !== undefined || holders.some(containsAggregate);
  let node = from.node;
  let translator = from.sourceTranslator;
  // the columns correlated subqueries above this point may reference
  let visibleScope = fromScope;
  let grouped: ReadonlySet<Expression> = new Set();
  if (aggregated) {
    const agg = planGrouped(host, from, holders);
    ({ node, translator, grouped } = agg);
    visibleScope = agg.translator.scope;
  }
  const windowCalls = later.flatMap(findWindowCalls);
  const joined = new Set(grouped);
  if (windowCalls.length) {
    // subqueries in window arguments and keys are joined before the windows are computed
    if (windowCalls.some(hasSubqueries)) {
      const applied = applySubqueries(host, node, windowCalls, {
        translator,
        outer: visibleScope,
        skip: joined,
      });
      ({ node } = applied);
      translator = translator.withHook(applied.hook);
      for (const sub of windowCalls.flatMap(findSubqueries)) joined.add(sub);
    }
    const w = planWindows(node, translator, windowCalls, select.windows);
    node = w.node;
    translator = translator.withHook(w.hook);
  }
  if (later.some(hasSubqueries)) {
    const applied = applySubqueries(host, node, later, { translator, outer: visibleScope, skip: joined });
    node = applied.node;
    translator = translator.withHook(applied.hook);
  }
  return { node, translator, aggregated };
}

/**
 * The aggregation and HAVING; subqueries in GROUP BY keys (by ordinal or alias too) join before
 * the aggregation, and `grouped` lists them so that they are not joined again above it.
 */
function planGrouped(
  host: SelectHost,
  from: FromPlan,
  holders: readonly Expression[],
): { node: PlanNode; translator: ExprTranslator; grouped: Set<Expression> } {
  const { select } = from;
  let node = from.node;
  let sourceTranslator = from.sourceTranslator;
  const grouped = new Set<Expression>();
  // subqueries in grouping keys, aggregate arguments and FILTERs are joined below the aggregation
  const below = [...groupingExpressions(select), ...holders.flatMap(findAggregates).flatMap(aggregateInputs)];
  if (below.some(hasSubqueries)) {
    const applied = applySubqueries(host, node, below, {
      translator: sourceTranslator,
      outer: from.fromScope,
    });
    node = applied.node;
    sourceTranslator = sourceTranslator.withHook(applied.hook);
    for (const sub of below.flatMap(findSubqueries)) grouped.add(sub);
  }
  const agg = planAggregation({
    source: node,
    sourceTranslator,
    groupBy: select.groupBy,
    selectItems: select.items,
    aggregateHolders: holders,
    now: host.now,
    subqueriesBelow: grouped,
  });
  node = agg.node;
  const translator = agg.translator;
  if (select.having) {
    const applied = applySubqueries(host, node, [select.having], { translator, outer: translator.scope });
    const t = translator.withHook(applied.hook);
    const predicate = t.boolean(t.translate(select.having), 'HAVING', select.having.loc);
    node = { kind: 'Filter', input: applied.node, predicate, outputs: applied.node.outputs };
  }
  return { node, translator, grouped };
}

/** The select list's expressions and fields; ORDER BY may append hidden ones. */
interface SelectList {
  readonly exprs: Expr[];
  readonly fields: Field[];
}

function selectList(select: Select, fromScope: Scope, body: Body): SelectList {
  const { translator, aggregated } = body;
  const exprs: Expr[] = [];
  const fields: Field[] = [];
  select.items.forEach((item) => {
    if (item.kind === 'AllColumns') {
      const qualifier = item.qualifier?.map((q) => q.value);
      for (const channel of fromScope.expandStar(qualifier, item.loc)) {
        const f = fromScope.fields[channel]!;
        exprs.push(
          aggregated
            ? translator.translate(starColumn(f, item.loc))
            : { kind: 'input', channel, type: f.type },
        );
        fields.push({ name: f.name, relation: f.relation, type: f.type });
      }
      return;
    }
    const e = translator.translate(item.expression);
    exprs.push(e);
    fields.push({
      name: itemName(item, fields.length),
      relation:
        !item.alias && item.expression.kind === 'ColumnRef' && e.kind === 'input' && !aggregated
          ? fromScope.fields[e.channel]?.relation
          : undefined,
      type: e.type,
    });
  });
  return { exprs, fields };
}

/** A column a `*` expands to, as a reference translated over an aggregation's output. */
function starColumn(f: Field, loc: Expression['loc']): Expression {
  return {
    kind: 'ColumnRef',
    parts: [
      ...(f.relation ?? []).map((value) => ({ kind: 'Identifier' as const, value, quoted: true, loc })),
      { kind: 'Identifier', value: f.name ?? '', quoted: true, loc },
    ],
    loc,
  };
}

/** ORDER BY keys: output columns by ordinal or name, else expressions (appended as hidden columns). */
function orderKeys(
  select: Select,
  query: Query | undefined,
  translator: ExprTranslator,
  list: SelectList,
): SortKey[] {
  const { exprs, fields } = list;
  const visible = exprs.length;
  const keys: SortKey[] = [];
  for (const item of query?.orderBy ?? []) {
    let channel = orderChannel(item, fields.slice(0, visible));
    if (channel === undefined) {
      const e = translator.translate(item.expression);
      const k = JSON.stringify(e);
      channel = exprs.findIndex((x) => JSON.stringify(x) === k);
      if (channel < 0) {
        if (select.distinct) {
          throw new QuarryError(
            'EXPRESSION_NOT_AGGREGATE',
            'For SELECT DISTINCT, ORDER BY expressions must appear in select list',
            { location: item.loc },
          );
        }
        channel = exprs.length;
        exprs.push(e);
        fields.push({ name: undefined, relation: undefined, type: e.type, hidden: true });
      }
    }
    keys.push(sortKey(item, channel));
  }
  return keys;
}

/** What an aggregate call reads below the aggregation: its arguments and its FILTER. */
function aggregateInputs(call: FunctionCall): Expression[] {
  return [...call.args, ...(call.filter ? [call.filter] : [])];
}

/** The GROUP BY expressions, ordinals resolved to the select items they name. */
function groupingExpressions(select: Select): Expression[] {
  const out: Expression[] = [];
  for (const element of select.groupBy?.elements ?? []) {
    const exprs = element.kind === 'SimpleGrouping' ? element.expressions : element.sets.flat();
    for (const e of exprs) {
      const item =
        e.kind === 'NumericLiteral' && e.numericType === 'integer'
          ? select.items[Number(e.text) - 1]
          : undefined;
      out.push(item?.kind === 'SingleColumn' ? item.expression : e);
    }
  }
  return out;
}
