import { inputChannels, remapChannels, type Expr } from '../../expr/ir.js';
import { children, withChildren, type JoinNode, type PlanNode } from '../../plan/nodes.js';
import { BOOLEAN, physicalKind } from '../../types/types.js';
import { isEquality } from '../../expr/ir.js';
import { and, conjuncts, filtered } from '../predicates.js';
import type { OptimizerContext, PlanRule } from '../rule.js';
import {
  chooseOrder,
  contains,
  only,
  within,
  type Conjunct,
  type JoinGraph,
  type RelationSet,
  type SubPlan,
} from '../join-order.js';
import { Estimator } from '../stats.js';

/**
 * Join ordering from table statistics: each tree of inner joins (comma joins included, after
 * predicate pushdown gave them their conditions) is flattened into its relations and conjuncts,
 * and rebuilt as the cheapest tree found by dynamic programming over subsets of relations (bushy
 * trees; greedy beyond 10 relations; any number of relations: `join-order.ts`). A join's cost is its probe rows, twice its build rows and its
 * output rows; the smaller input is always the build side; cross products are only considered where
 * no join condition connects the parts. A projection on top restores the original column order.
 */
export const reorderJoins: PlanRule = {
  name: 'reorder-joins',
  apply: (root, ctx = {}) => reorder(root, new Estimator(ctx), ctx),
};

interface Flat {
  readonly leaves: PlanNode[];
  /** Conjuncts over the leaves' outputs laid end to end. */
  readonly conjuncts: Expr[];
}

function reorder(node: PlanNode, est: Estimator, ctx: OptimizerContext): PlanNode {
  if (node.kind === 'Join' && node.joinType === 'INNER') {
    const flat = flatten(node);
    const leaves = flat.leaves.map((l) => reorder(l, est, ctx));
    return rebuild({ leaves, conjuncts: flat.conjuncts }, node, new Estimator(ctx));
  }
  return withChildren(
    node,
    children(node).map((c) => reorder(c, est, ctx)),
  );
}

function keyEqualities(node: JoinNode): Expr[] {
  const lw = node.input.outputs.length;
  return node.leftKeys.map((l, i) => {
    const r = node.rightKeys[i]!;
    const lt = node.input.outputs[l]!.type;
    return {
      kind: 'call',
      fn: physicalKind(lt) === 'long' ? 'eq:long' : 'eq:strict',
      args: [
        { kind: 'input', channel: l, type: lt },
        { kind: 'input', channel: lw + r, type: node.build.outputs[r]!.type },
      ],
      type: BOOLEAN,
    };
  });
}

function flatten(node: PlanNode): Flat {
  if (node.kind !== 'Join' || node.joinType !== 'INNER') return { leaves: [node], conjuncts: [] };
  const left = flatten(node.input);
  const right = flatten(node.build);
  const lw = node.input.outputs.length;
  return {
    leaves: [...left.leaves, ...right.leaves],
    conjuncts: [
      ...left.conjuncts,
      ...right.conjuncts.map((c) => remapChannels(c, (ch) => ch + lw)),
      ...conjuncts(node.filter),
      ...keyEqualities(node),
    ],
  };
}

function rebuild(flat: Flat, original: JoinNode, est: Estimator): PlanNode {
  const graph = joinGraph(flat, est);
  return buildTree(graph, chooseOrder(graph), original);
}

function leafOffsets(leaves: readonly PlanNode[]): number[] {
  const offsets: number[] = [];
  let total = 0;
  for (const l of leaves) {
    offsets.push(total);
    total += l.outputs.length;
  }
  return offsets;
}

/** The leaf a channel of the original layout belongs to. */
function leafOf(offsets: readonly number[], channel: number): number {
  let i = offsets.length - 1;
  while (offsets[i]! > channel) i--;
  return i;
}

function classify(exprs: readonly Expr[], setOf: (e: Expr) => RelationSet): Conjunct[] {
  return exprs.map((expr) => {
    const leaves = setOf(expr);
    if (expr.kind === 'call' && isEquality(expr.fn)) {
      const [a, b] = expr.args as [Expr, Expr];
      const am = setOf(a);
      const bm = setOf(b);
      if (am && bm && (am & bm) === 0n) return { expr, leaves, equi: { a, am, b, bm } };
    }
    return { expr, leaves };
  });
}

function joinGraph(flat: Flat, est: Estimator): JoinGraph {
  const { leaves } = flat;
  const offsets = leafOffsets(leaves);
  const setOf = (e: Expr) => {
    let m = 0n;
    for (const c of inputChannels(e)) m |= only(leafOf(offsets, c));
    return m;
  };
  const conj = classify(flat.conjuncts, setOf);
  const leafRows = leaves.map((l) => est.rows(l));
  const joinRows = joinRowEstimator({ leaves, offsets, conj, est });
  return {
    leaves,
    offsets,
    conj,
    leafRows,
    connected: (a, b) =>
      conj.some((c) => (c.leaves & a) !== 0n && (c.leaves & b) !== 0n && within(c.leaves, a | b)),
    combine: (a, b) => {
      const rows = joinRows(a, b);
      const [probe, build] = a.rows >= b.rows ? [a, b] : [b, a];
      return {
        set: a.set | b.set,
        order: [...probe.order, ...build.order],
        rows,
        cost: a.cost + b.cost + probe.rows + 2 * build.rows + rows,
        left: probe,
        right: build,
      };
    },
    single: (i) => ({ set: only(i), order: [i], rows: leafRows[i]!, cost: 0 }),
  };
}

/** Estimated output rows of joining two subplans, from the conjuncts that connect them. */
function joinRowEstimator(g: {
  readonly leaves: readonly PlanNode[];
  readonly offsets: readonly number[];
  readonly conj: readonly Conjunct[];
  readonly est: Estimator;
}): (a: SubPlan, b: SubPlan) => number {
  const { leaves, offsets, conj, est } = g;
  // a leaf's rows before its filters: a key's distinct values are bounded by them
  const baseRows = leaves.map((l) => est.rows(unfiltered(l)));
  // distinct values of an expression within a subplan: a column's when known, capped by the rows
  const distinct = (e: Expr, rows: number): number | undefined => {
    if (e.kind !== 'input') return undefined;
    const i = leafOf(offsets, e.channel);
    const d = est.distinct(leaves[i]!, e.channel - offsets[i]!);
    return d === undefined ? undefined : Math.min(rows, d);
  };
  const baseOf = (set: RelationSet) => {
    let b = 1;
    for (let i = 0; i < leaves.length; i++) if (contains(set, i)) b = Math.max(b, baseRows[i]!);
    return b;
  };
  return (a, b) => {
    let rows = a.rows * b.rows;
    let best = 1;
    let other = 1;
    for (const c of conj) {
      if (!within(c.leaves, a.set | b.set)) continue;
      if (within(c.leaves, a.set) || within(c.leaves, b.set)) continue;
      if (c.equi) {
        const ra = within(c.equi.am, a.set) ? a.rows : b.rows;
        const rb = within(c.equi.bm, a.set) ? a.rows : b.rows;
        // unknown: as a foreign key, at most as many values as the other side's table has rows
        const da = distinct(c.equi.a, ra) ?? Math.min(ra, baseOf(c.equi.bm));
        const db = distinct(c.equi.b, rb) ?? Math.min(rb, baseOf(c.equi.am));
        best = Math.min(best, 1 / Math.max(da, db, 1));
      } else other *= c.expr.kind === 'call' && c.expr.fn.startsWith('ne:') ? 0.9 : 0.5;
    }
    rows *= best * other;
    return Math.max(1, rows);
  };
}

/**
 * The join tree of a chosen plan, each conjunct placed at the lowest join covering its leaves,
 * with a projection on top restoring the original column order.
 */
function buildTree(g: JoinGraph, best: SubPlan, original: JoinNode): PlanNode {
  const { leaves, offsets, conj } = g;
  const used = new Set<Conjunct>();
  const build = (p: SubPlan): PlanNode => {
    if (!p.left || !p.right) return leaves[p.order[0]!]!;
    const input = build(p.left);
    const side = build(p.right);
    const here = conj.filter((c) => !used.has(c) && c.leaves !== 0n && within(c.leaves, p.set));
    here.forEach((c) => used.add(c));
    const at = positions(p.order, leaves, offsets);
    const filter = and(here.map((c) => remapChannels(c.expr, at)));
    return {
      kind: 'Join',
      joinType: 'INNER',
      input,
      build: side,
      leftKeys: [],
      rightKeys: [],
      ...(filter ? { filter } : {}),
      outputs: [...input.outputs, ...side.outputs],
    };
  };
  let result = build(best);
  const at = positions(best.order, leaves, offsets);
  const rest = conj.filter((c) => !used.has(c)).map((c) => remapChannels(c.expr, at));
  result = filtered(result, rest);
  const identity = best.order.every((leaf, i) => leaf === i);
  if (identity) return result;
  return {
    kind: 'Project',
    input: result,
    exprs: original.outputs.map((c, i) => ({ kind: 'input', channel: at(i), type: c.type })),
    outputs: original.outputs,
  };
}

/** A relation without the filters and projections on top of it. */
function unfiltered(node: PlanNode): PlanNode {
  return node.kind === 'Filter' || node.kind === 'Project' ? unfiltered(node.input) : node;
}

/** Channel map from the original leaf layout to the layout of `order`. */
function positions(
  order: readonly number[],
  leaves: readonly PlanNode[],
  offsets: readonly number[],
): (c: number) => number {
  const newOffset = new Map<number, number>();
  let at = 0;
  for (const leaf of order) {
    newOffset.set(leaf, at);
    at += leaves[leaf]!.outputs.length;
  }
  return (c) => {
    let i = leaves.length - 1;
    while (offsets[i]! > c) i--;
    const base = newOffset.get(i);
    if (base === undefined) throw new Error(`channel ${c} of a relation outside the join`);
    return base + (c - offsets[i]!);
  };
}
