import { QuarryError } from '@quarry/common';
import type { AliasedRelation, Expression, Join, Lateral, Relation, Unnest } from '../parser/ast.js';
import { remapChannels, type Expr } from '../expr/ir.js';
import type { JoinType, PlanNode } from '../plan/nodes.js';
import { BIGINT, BOOLEAN, typeToString } from '../types/types.js';
import { unnestTypes } from '../types/composite.js';
import { hasSubqueries } from './ast-walk.js';
import { ExprTranslator } from './expressions.js';
import { aggregatedLateral, isGlobalAggregation } from './lateral-aggregate.js';
import type { RelationPlan } from './relation-plan.js';
import type { RelationHost } from './relation-host.js';
import { renameColumns, withRelation } from './relation-host.js';
import { Scope, type Field } from './scope.js';

/**
 * Relations in FROM that see the relations to their left: `UNNEST(…)` and `LATERAL (query)`, as
 * the right side of a CROSS, comma, INNER or LEFT join. UNNEST becomes an Unnest node over the left
 * side (a per-row operator that runs wherever the left side's rows are); LATERAL is decorrelated:
 * a subquery correlated by its WHERE joins on the correlated conjuncts, a global aggregation
 * becomes one scalar subquery per select item (each aggregated by the correlation keys and
 * LEFT-joined, as scalar subqueries are). Other forms are refused at their line and column.
 */

/** A join's right side that may reference its left side, and the alias around it. */
export interface LateralSide {
  readonly inner: Unnest | Lateral;
  readonly alias: AliasedRelation | undefined;
}

export function lateralSide(rel: Relation): LateralSide | undefined {
  if (rel.kind === 'Unnest' || rel.kind === 'Lateral') return { inner: rel, alias: undefined };
  if (rel.kind === 'AliasedRelation' && (rel.relation.kind === 'Unnest' || rel.relation.kind === 'Lateral'))
    return { inner: rel.relation, alias: rel };
  return undefined;
}

const ONE_ROW: RelationPlan = { node: { kind: 'Values', rows: [[]], outputs: [] }, scope: new Scope([]) };

/** UNNEST or LATERAL alone in FROM (or on the left of a join): over one empty row. */
export function planStandalone(host: RelationHost, rel: Unnest | Lateral): RelationPlan {
  const planned =
    rel.kind === 'Unnest'
      ? unnestOver(host, ONE_ROW, rel, false)
      : lateralOver(host, ONE_ROW, rel, { joinType: 'INNER' });
  return { node: planned.node, scope: new Scope(planned.own) };
}

/** The plan of `join`, whose right side is `side`, over the already planned left side. */
export function planLateralJoin(
  host: RelationHost,
  join: { readonly rel: Join; readonly left: RelationPlan; readonly side: LateralSide },
): RelationPlan {
  const { rel, left, side } = join;
  const what = side.inner.kind === 'Unnest' ? 'UNNEST' : 'LATERAL';
  if (rel.type === 'RIGHT' || rel.type === 'FULL')
    throw new QuarryError('NOT_SUPPORTED', `${rel.type} JOIN with ${what} is not supported`, {
      location: side.inner.loc,
    });
  const criteria = rel.criteria;
  if (criteria?.kind === 'JoinUsing')
    throw new QuarryError('NOT_SUPPORTED', `JOIN ${what} … USING is not supported`, {
      location: criteria.loc,
    });
  const condition = criteria?.condition;
  const outer = rel.type === 'LEFT';
  if (outer && condition && !isTrue(condition) && side.inner.kind === 'Unnest')
    throw new QuarryError('NOT_SUPPORTED', 'LEFT JOIN UNNEST supports only ON true', {
      location: condition.loc,
    });
  const planned =
    side.inner.kind === 'Unnest'
      ? unnestOver(host, left, side.inner, outer)
      : lateralOver(host, left, side.inner, { joinType: outer ? 'LEFT' : 'INNER', condition });
  const own = side.alias ? aliased(planned.own, side.alias) : planned.own;
  const scope = new Scope([...left.scope.fields, ...own]);
  if (!condition || isTrue(condition) || planned.conditionApplied) return { node: planned.node, scope };
  // an inner join's ON condition filters the joined rows
  const t = new ExprTranslator(scope, { now: host.now });
  if (hasSubqueries(condition))
    throw new QuarryError(
      'NOT_SUPPORTED',
      `Subqueries in the ON condition of a JOIN ${what} are not supported`,
      {
        location: condition.loc,
      },
    );
  const predicate = t.boolean(t.translate(condition), 'JOIN ON', condition.loc);
  return { node: { kind: 'Filter', input: planned.node, predicate, outputs: planned.node.outputs }, scope };
}

/** What planning the right side gives: the left's columns then its own, and its own fields. */
interface PlannedSide {
  readonly node: PlanNode;
  readonly own: readonly Field[];
  /** The ON condition became the join's own condition. */
  readonly conditionApplied?: boolean;
}

function isTrue(e: Expression): boolean {
  return e.kind === 'BooleanLiteral' && e.value;
}

function aliased(fields: readonly Field[], alias: AliasedRelation): readonly Field[] {
  const scoped = { node: ONE_ROW.node, scope: new Scope(fields) };
  const renamed = alias.columns.length
    ? renameColumns(
        scoped,
        alias.columns.map((c) => c.value),
        alias.loc,
      )
    : scoped;
  return withRelation(renamed, [alias.alias.value]).scope.fields;
}

function identity(node: PlanNode): Expr[] {
  return node.outputs.map((c, i) => ({ kind: 'input', channel: i, type: c.type }));
}

function unnestOver(host: RelationHost, left: RelationPlan, rel: Unnest, outer: boolean): PlannedSide {
  const t = new ExprTranslator(left.scope, { now: host.now });
  const width = left.node.outputs.length;
  const own: Field[] = [];
  const args = rel.args.map((arg) => {
    if (hasSubqueries(arg))
      throw new QuarryError('NOT_SUPPORTED', 'Subqueries in UNNEST arguments are not supported', {
        location: arg.loc,
      });
    const e = t.translate(arg);
    const types = unnestTypes(e.type);
    if (!types)
      throw new QuarryError('TYPE_MISMATCH', `Cannot unnest type: ${typeToString(e.type)}`, {
        location: arg.loc,
      });
    const element = e.type.kind === 'array' ? e.type.element : undefined;
    const names = element?.kind === 'row' ? element.fields.map((f) => f.name) : types.map(() => undefined);
    types.forEach((type, i) => own.push({ name: names[i], relation: undefined, type }));
    return e;
  });
  if (rel.ordinality) own.push({ name: undefined, relation: undefined, type: BIGINT });
  const projected: PlanNode = {
    kind: 'Project',
    input: left.node,
    exprs: [...identity(left.node), ...args],
    outputs: [...left.node.outputs, ...args.map((e, i) => ({ name: `unnest${i}`, type: e.type }))],
  };
  const node: PlanNode = {
    kind: 'Unnest',
    input: projected,
    replicate: left.node.outputs.map((_, i) => i),
    unnest: args.map((_, i) => width + i),
    ordinality: rel.ordinality,
    outer,
    outputs: [
      ...left.node.outputs,
      ...own.map((f, i) => ({
        name: f.name ?? (rel.ordinality && i === own.length - 1 ? 'ordinality' : `field${i}`),
        type: f.type,
      })),
    ],
  };
  return { node, own };
}

function lateralOver(
  host: RelationHost,
  left: RelationPlan,
  rel: Lateral,
  how: { readonly joinType: JoinType; readonly condition?: Expression | undefined },
): PlannedSide {
  const { joinType, condition } = how;
  const width = left.node.outputs.length;
  if (isGlobalAggregation(rel.query)) {
    if (joinType === 'LEFT' && condition && !isTrue(condition))
      throw new QuarryError('NOT_SUPPORTED', 'LEFT JOIN LATERAL with aggregation supports only ON true', {
        location: condition.loc,
      });
    // one row per left row whatever the join type
    return aggregatedLateral(host, left, rel);
  }
  const planned = host.planSubquery(rel.query, { outer: left.scope, mode: 'lateral' });
  const c = planned.correlation;
  if (c && c.kind !== 'semi')
    throw new QuarryError('NOT_SUPPORTED', 'This form of LATERAL subquery is not supported', {
      location: rel.loc,
    });
  const visible = c ? c.visible : planned.node.outputs.length;
  const own = planned.scope.fields.slice(0, visible);
  const conjuncts = c
    ? c.conjuncts.map((e) => remapChannels(e, (ch) => (ch < c.width ? width + visible + ch : ch - c.width)))
    : [];
  let conditionApplied = false;
  if (joinType === 'LEFT' && condition && !isTrue(condition)) {
    // a LEFT join's ON condition decides which rows match: it joins with the correlation
    if (hasSubqueries(condition))
      throw new QuarryError(
        'NOT_SUPPORTED',
        'Subqueries in the ON condition of a JOIN LATERAL are not supported',
        {
          location: condition.loc,
        },
      );
    const scope = new Scope([...left.scope.fields, ...own]);
    const t = new ExprTranslator(scope, { now: host.now });
    conjuncts.push(t.boolean(t.translate(condition), 'JOIN ON', condition.loc));
    conditionApplied = true;
  }
  const filter: Expr | undefined =
    conjuncts.length === 0
      ? undefined
      : conjuncts.length === 1
        ? conjuncts[0]
        : { kind: 'and', args: conjuncts, type: BOOLEAN };
  const joined: PlanNode = {
    kind: 'Join',
    joinType,
    input: left.node,
    build: planned.node,
    leftKeys: [],
    rightKeys: [],
    ...(filter ? { filter } : {}),
    outputs: [...left.node.outputs, ...planned.node.outputs],
  };
  const keep = [
    ...identity(left.node),
    ...identity(planned.node)
      .slice(0, visible)
      .map((e) => remapChannels(e, (ch) => width + ch)),
  ];
  const node: PlanNode = {
    kind: 'Project',
    input: joined,
    exprs: keep,
    outputs: joined.outputs.slice(0, width + visible),
  };
  return { node, own, conditionApplied };
}
