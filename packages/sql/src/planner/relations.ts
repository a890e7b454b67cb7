import { QuarryError } from '@quarry/common';
import type { Join, Relation, Select } from '../parser/ast.js';
import type { Expr } from '../expr/ir.js';
import type { JoinType, PlanNode } from '../plan/nodes.js';
import { commonSuperType, typeToString } from '../types/index.js';
import { coerce, ExprTranslator } from './expressions.js';
import { planNamedRelation } from './named-relations.js';
import type { RelationPlan } from './relation-plan.js';
import { Scope, type Field } from './scope.js';
import { findSubqueries, hasSubqueries } from './ast-walk.js';
import { applySubqueries } from './subqueries.js';
import { renameColumns, withRelation, type RelationHost } from './relation-host.js';
import { lateralSide, planLateralJoin, planStandalone } from './lateral.js';

export { renameColumns, withRelation, type RelationHost };

/**
 * FROM: tables (or WITH queries), aliases with column lists, subqueries and joins. A join keeps
 * its ON condition whole as the join's filter: the optimizer extracts equi-join keys, pushes
 * single-side conjuncts into the inputs and orders the joins.
 */
export function planRelation(host: RelationHost, rel: Relation): RelationPlan {
  switch (rel.kind) {
    case 'Table': {
      const cteName = rel.name.length === 1 ? rel.name[0]!.value.toLowerCase() : undefined;
      const cte = cteName !== undefined ? host.cte(cteName) : undefined;
      if (cte) return withRelation(cte, [cteName!]);
      return planNamedRelation(host, host.metadata.relation(rel.name, rel.loc), rel.loc);
    }
    case 'AliasedRelation': {
      const inner = planRelation(host, rel.relation);
      const renamed = rel.columns.length
        ? renameColumns(
            inner,
            rel.columns.map((c) => c.value),
            rel.loc,
          )
        : inner;
      return withRelation(renamed, [rel.alias.value]);
    }
    case 'SubqueryRelation':
      return host.planQuery(rel.query);
    case 'Join':
      return planJoin(host, rel);
    case 'Unnest':
    case 'Lateral':
      return planStandalone(host, rel);
  }
}

const JOIN_TYPES: Record<Join['type'], JoinType> = {
  INNER: 'INNER',
  LEFT: 'LEFT',
  RIGHT: 'RIGHT',
  FULL: 'FULL',
  CROSS: 'INNER',
  IMPLICIT: 'INNER',
};

function planJoin(host: RelationHost, rel: Join): RelationPlan {
  const left = planRelation(host, rel.left);
  const side = lateralSide(rel.right);
  if (side) return planLateralJoin(host, { rel, left, side });
  const right = planRelation(host, rel.right);
  const joinType = JOIN_TYPES[rel.type];
  const join = (
    l: PlanNode,
    r: PlanNode,
    extra: Partial<Pick<Extract<PlanNode, { kind: 'Join' }>, 'leftKeys' | 'rightKeys' | 'filter'>>,
  ): PlanNode => ({
    kind: 'Join',
    joinType,
    input: l,
    build: r,
    leftKeys: extra.leftKeys ?? [],
    rightKeys: extra.rightKeys ?? [],
    ...(extra.filter ? { filter: extra.filter } : {}),
    outputs: [...l.outputs, ...r.outputs],
  });
  const scope = new Scope([...left.scope.fields, ...right.scope.fields]);
  const criteria = rel.criteria;
  if (!criteria) return { node: join(left.node, right.node, {}), scope };
  if (criteria.kind === 'JoinOn') {
    const t = new ExprTranslator(scope, { now: host.now });
    if (hasSubqueries(criteria.condition))
      return { node: joinOnSubqueries(host, { rel, joinType, t }, join(left.node, right.node, {})), scope };
    const filter = t.boolean(t.translate(criteria.condition), 'JOIN ON', criteria.loc);
    return { node: join(left.node, right.node, { filter }), scope };
  }
  return planUsing(
    { left, right },
    joinType,
    criteria.columns.map((c) => ({ name: c.value, loc: c.loc })),
    join,
  );
}

/**
 * An inner join whose ON condition has subqueries: the subqueries are joined to the cross product
 * of the two sides, as WHERE's are, and the condition filters it (predicate pushdown then moves the
 * conjuncts without subqueries into the join); the added columns are projected away. In an outer
 * join the condition cannot filter after the join, and such subqueries are refused.
 */
function joinOnSubqueries(
  host: RelationHost,
  on: { readonly rel: Join; readonly joinType: JoinType; readonly t: ExprTranslator },
  crossed: PlanNode,
): PlanNode {
  const { rel, joinType, t } = on;
  const condition = (rel.criteria as Extract<Join['criteria'], { kind: 'JoinOn' }>).condition;
  if (joinType !== 'INNER')
    throw new QuarryError(
      'NOT_SUPPORTED',
      `Subqueries in the ON condition of a ${rel.type} join are not supported (only in inner joins)`,
      { location: findSubqueries(condition)[0]!.loc },
    );
  const applied = applySubqueries(host, crossed, [condition], { translator: t, outer: t.scope });
  const withValues = t.withHook(applied.hook);
  const predicate = withValues.boolean(withValues.translate(condition), 'JOIN ON', condition.loc);
  const filtered: PlanNode = {
    kind: 'Filter',
    input: applied.node,
    predicate,
    outputs: applied.node.outputs,
  };
  return {
    kind: 'Project',
    input: filtered,
    exprs: crossed.outputs.map((c, i): Expr => ({ kind: 'input', channel: i, type: c.type })),
    outputs: crossed.outputs,
  };
}

/**
 * `JOIN … USING (k)`: the keys (cast to a common type) join, and the output is each key once
 * (the left's, the right's for RIGHT joins, coalesced for FULL), then the other columns of each side;
 * a side's own copy stays reachable when qualified (`a.k`).
 */
function planUsing(
  inputs: { readonly left: RelationPlan; readonly right: RelationPlan },
  joinType: JoinType,
  columns: readonly { name: string; loc: Select['loc'] }[],
  join: (l: PlanNode, r: PlanNode, extra: { leftKeys: number[]; rightKeys: number[] }) => PlanNode,
): RelationPlan {
  const { left, right } = inputs;
  const ident = (name: string, loc: Select['loc']) => [
    { kind: 'Identifier' as const, value: name, quoted: true, loc },
  ];
  const lExtra: Expr[] = [];
  const rExtra: Expr[] = [];
  const pairs = columns.map(({ name, loc }) => {
    const lc = left.scope.resolve(ident(name, loc), loc);
    const rc = right.scope.resolve(ident(name, loc), loc);
    const lt = left.scope.typeOf(lc);
    const rt = right.scope.typeOf(rc);
    const common = commonSuperType(lt, rt);
    if (!common)
      throw new QuarryError(
        'TYPE_MISMATCH',
        `Column types of USING column '${name}' do not match: ${typeToString(lt)} vs ${typeToString(rt)}`,
        { location: loc },
      );
    const lk = left.node.outputs.length + lExtra.length;
    const rk = right.node.outputs.length + rExtra.length;
    lExtra.push(coerce({ kind: 'input', channel: lc, type: lt }, common));
    rExtra.push(coerce({ kind: 'input', channel: rc, type: rt }, common));
    return { name, lc, rc, lk, rk, type: common };
  });
  const extend = (p: RelationPlan, extra: Expr[]): PlanNode => ({
    kind: 'Project',
    input: p.node,
    exprs: [...p.node.outputs.map((c, i): Expr => ({ kind: 'input', channel: i, type: c.type })), ...extra],
    outputs: [...p.node.outputs, ...extra.map((e, i) => ({ name: `key${i}`, type: e.type }))],
  });
  const l = extend(left, lExtra);
  const r = extend(right, rExtra);
  const joined = join(l, r, { leftKeys: pairs.map((p) => p.lk), rightKeys: pairs.map((p) => p.rk) });
  const lw = l.outputs.length;
  const keyExprs = pairs.map((p): Expr => {
    const lv: Expr = { kind: 'input', channel: p.lk, type: p.type };
    const rv: Expr = { kind: 'input', channel: lw + p.rk, type: p.type };
    if (joinType === 'RIGHT') return rv;
    if (joinType === 'FULL') return { kind: 'coalesce', args: [lv, rv], type: p.type };
    return lv;
  });
  const sideFields = (p: RelationPlan, keys: Set<number>, offset: number) =>
    p.scope.fields.map((f, i) => ({
      field: keys.has(i) ? { ...f, hidden: true, qualifiedOnly: true } : f,
      expr: { kind: 'input', channel: offset + i, type: f.type } as Expr,
    }));
  const sides = [
    ...sideFields(left, new Set(pairs.map((p) => p.lc)), 0),
    ...sideFields(right, new Set(pairs.map((p) => p.rc)), lw),
  ];
  const fields: Field[] = [
    ...pairs.map((p) => ({ name: p.name, relation: undefined, type: p.type })),
    ...sides.map((s) => s.field),
  ];
  const exprs = [...keyExprs, ...sides.map((s) => s.expr)];
  const node: PlanNode = {
    kind: 'Project',
    input: joined,
    exprs,
    outputs: fields.map((f, i) => ({ name: f.name ?? `_col${i}`, type: f.type })),
  };
  return { node, scope: new Scope(fields) };
}
