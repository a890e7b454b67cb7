import { inputChannels, remapChannels, replaceInputs, type Expr } from '../../expr/ir.js';
import {
  children,
  withChildren,
  type AggregateNode,
  type JoinNode,
  type JoinType,
  type PlanNode,
  type SemiJoinNode,
} from '../../plan/nodes.js';
import { and, conjuncts, filtered, rejectsNulls, sideOf } from '../predicates.js';
import type { PlanRule } from '../rule.js';

/**
 * Predicate pushdown: every filter conjunct moves as far down as it stays correct — through
 * projections (inlining their expressions), into the sides of joins (WHERE conjuncts over both sides
 * of an inner join become its join condition: that is how comma joins get their keys), below
 * aggregations when it reads only grouping keys, into every input of a union, below windows when it
 * reads only partition keys, below an UNNEST when it reads only replicated columns. A conjunct that rejects NULLs from the padded side of an outer join
 * turns the join into an inner one first. ON conditions that read only one side move into that side
 * when the join does not preserve it.
 */
export const pushPredicates: PlanRule = {
  name: 'push-predicates',
  apply: (root) => push(root, []),
};

function push(node: PlanNode, incoming: Expr[]): PlanNode {
  const predicates = incoming.flatMap(factorOr);
  switch (node.kind) {
    case 'Filter':
      return push(node.input, [...predicates, ...conjuncts(node.predicate)]);
    case 'Project': {
      const below = predicates.map((p) => replaceInputs(p, (c) => node.exprs[c]!));
      return { ...node, input: push(node.input, below) };
    }
    case 'Join':
      return pushJoin(node, predicates);
    case 'SemiJoin':
      return pushSemiJoin(node, predicates);
    case 'Aggregate':
      return pushAggregate(node, predicates);
    case 'Union':
      return { ...node, inputs: node.inputs.map((i) => push(i, predicates)) };
    case 'Window': {
      const keys = new Set(node.partitionBy);
      const down = predicates.filter((p) => [...inputChannels(p)].every((c) => keys.has(c)));
      const stay = predicates.filter((p) => !down.includes(p));
      return filtered({ ...node, input: push(node.input, down) }, stay);
    }
    case 'Unnest': {
      // a conjunct over replicated columns holds for all of an input row's output rows or none
      const r = node.replicate.length;
      const down = predicates.filter((p) => [...inputChannels(p)].every((c) => c < r));
      const stay = predicates.filter((p) => !down.includes(p));
      const below = down.map((p) => remapChannels(p, (c) => node.replicate[c]!));
      return filtered({ ...node, input: push(node.input, below) }, stay);
    }
    default:
      return filtered(
        withChildren(
          node,
          children(node).map((c) => push(c, [])),
        ),
        predicates,
      );
  }
}

/** The join type once a filter above rejected NULLs from a padded side. */
function simplify(type: JoinType, predicates: readonly Expr[], leftWidth: number): JoinType {
  const rejectsRight = predicates.some((p) => rejectsNulls(p, (c) => c >= leftWidth));
  const rejectsLeft = predicates.some((p) => rejectsNulls(p, (c) => c < leftWidth));
  let t = type;
  if (rejectsRight) t = t === 'LEFT' ? 'INNER' : t === 'FULL' ? 'RIGHT' : t;
  if (rejectsLeft) t = t === 'RIGHT' ? 'INNER' : t === 'FULL' ? 'LEFT' : t;
  return t;
}

function pushJoin(node: JoinNode, predicates: Expr[]): PlanNode {
  const lw = node.input.outputs.length;
  const type = simplify(node.joinType, predicates, lw);
  const leftDown: Expr[] = [];
  const rightDown: Expr[] = [];
  const inJoin: Expr[] = [];
  const above: Expr[] = [];
  const keepsLeft = type === 'LEFT' || type === 'FULL';
  const keepsRight = type === 'RIGHT' || type === 'FULL';
  // conjuncts from above: a side's own conjuncts go down unless the other side pads it
  for (const p of predicates) {
    const side = sideOf(p, lw);
    if (side === 'left' && !keepsRight) leftDown.push(p);
    else if (side === 'right' && !keepsLeft) rightDown.push(p);
    else if (side === 'both' && type === 'INNER') {
      inJoin.push(p);
      // a disjunction over both sides implies the disjunction of each side's own parts
      const l = impliedFor(p, (c) => c < lw);
      if (l) leftDown.push(l);
      const r = impliedFor(p, (c) => c >= lw);
      if (r) rightDown.push(r);
    } else above.push(p);
  }
  // the join's own condition: one-side conjuncts go down into a side the join does not preserve
  for (const p of conjuncts(node.filter)) {
    const side = sideOf(p, lw);
    if (side === 'left' && !keepsLeft) leftDown.push(p);
    else if (side === 'right' && !keepsRight) rightDown.push(p);
    else inJoin.push(p);
  }
  const filter = and(inJoin);
  const joined: JoinNode = {
    kind: 'Join',
    joinType: type,
    input: push(node.input, leftDown),
    build: push(
      node.build,
      rightDown.map((p) => remapChannels(p, (c) => c - lw)),
    ),
    leftKeys: node.leftKeys,
    rightKeys: node.rightKeys,
    ...(filter ? { filter } : {}),
    ...(node.distribution ? { distribution: node.distribution } : {}),
    outputs: node.outputs,
  };
  return filtered(joined, above);
}

function pushSemiJoin(node: SemiJoinNode, predicates: Expr[]): PlanNode {
  const mark = node.input.outputs.length;
  const down = predicates.filter((p) => !inputChannels(p).has(mark));
  const stay = predicates.filter((p) => inputChannels(p).has(mark));
  const buildOnly: Expr[] = [];
  const rest: Expr[] = [];
  for (const p of conjuncts(node.filter)) (sideOf(p, mark) === 'right' ? buildOnly : rest).push(p);
  const filter = and(rest);
  const { filter: _old, ...base } = node;
  const joined: SemiJoinNode = {
    ...base,
    input: push(node.input, down),
    build: push(
      node.build,
      buildOnly.map((p) => remapChannels(p, (c) => c - mark)),
    ),
    ...(filter ? { filter } : {}),
  };
  return filtered(joined, stay);
}

function pushAggregate(node: AggregateNode, predicates: Expr[]): PlanNode {
  const keys = node.groupBy.length;
  const canPush = keys > 0 && node.input.kind !== 'GroupId';
  const down: Expr[] = [];
  const stay: Expr[] = [];
  for (const p of predicates) {
    const cs = [...inputChannels(p)];
    if (canPush && cs.length > 0 && cs.every((c) => c < keys)) {
      down.push(remapChannels(p, (c) => node.groupBy[c]!));
    } else stay.push(p);
  }
  return filtered({ ...node, input: push(node.input, down) }, stay);
}

/**
 * `(a AND b) OR (a AND c)` is `a AND (b OR c)`: conjuncts common to every disjunct are pulled out
 * (TPC-H Q19 keeps its join condition inside each disjunct).
 */
function factorOr(p: Expr): Expr[] {
  if (p.kind !== 'or') return [p];
  const lists = p.args.map(conjuncts);
  const key = (e: Expr) => JSON.stringify(e);
  const common = lists[0]!.filter((c) => lists.every((l) => l.some((x) => key(x) === key(c))));
  if (common.length === 0) return [p];
  const commonKeys = new Set(common.map(key));
  const rests = lists.map((l) => l.filter((c) => !commonKeys.has(key(c))));
  // a disjunct with nothing left is TRUE: so is the whole disjunction
  if (rests.some((r) => r.length === 0)) return common;
  return [...common, { ...p, args: rests.map((r) => and(r)!) }];
}

/** For a disjunction, the disjunction of each disjunct's conjuncts that read only `side` (if all have some). */
function impliedFor(p: Expr, side: (c: number) => boolean): Expr | undefined {
  if (p.kind !== 'or') return undefined;
  const parts: Expr[] = [];
  for (const d of p.args) {
    const own = conjuncts(d).filter((c) => {
      const cs = [...inputChannels(c)];
      return cs.length > 0 && cs.every(side);
    });
    if (own.length === 0) return undefined;
    parts.push(and(own)!);
  }
  return { ...p, args: parts };
}
