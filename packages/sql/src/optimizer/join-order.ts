import type { Expr } from '../expr/ir.js';
import type { PlanNode } from '../plan/nodes.js';

/**
 * Choosing the order of a tree of inner joins, over the relations of the tree: dynamic programming
 * over connected subsets up to `MAX_DP_RELATIONS`, a greedy order beyond. Sets of relations are
 * bitsets in a bigint (relation i is bit i), so a join may have any number of relations.
 */

/** A set of a join's relations: relation i is bit i. */
export type RelationSet = bigint;

/** Beyond this many relations, the greedy order (dynamic programming is exponential in them). */
export const MAX_DP_RELATIONS = 10;

export function only(i: number): RelationSet {
  return 1n << BigInt(i);
}

export function contains(set: RelationSet, i: number): boolean {
  return ((set >> BigInt(i)) & 1n) === 1n;
}

/** Whether every relation of `a` is in `b`. */
export function within(a: RelationSet, b: RelationSet): boolean {
  return (a & b) === a;
}

export function size(set: RelationSet): number {
  let n = 0;
  for (let x = set; x; x &= x - 1n) n++;
  return n;
}

/** A planned subset of the relations: which leaves, in output order, with its estimate and cost. */
export interface SubPlan {
  readonly set: RelationSet;
  readonly order: number[];
  readonly rows: number;
  readonly cost: number;
  readonly left?: SubPlan;
  readonly right?: SubPlan;
}

export interface Conjunct {
  readonly expr: Expr;
  /** The relations it reads. */
  readonly leaves: RelationSet;
  /** For an equality between two relation sets: each side's relations and expression. */
  readonly equi?: { readonly a: Expr; readonly am: RelationSet; readonly b: Expr; readonly bm: RelationSet };
}

/** The relations of a flattened join tree, their channel layout, conjuncts and cost model. */
export interface JoinGraph {
  readonly leaves: readonly PlanNode[];
  /** Each leaf's first channel in the original layout (leaves' outputs laid end to end). */
  readonly offsets: readonly number[];
  readonly conj: readonly Conjunct[];
  readonly leafRows: readonly number[];
  /** Whether some conjunct spans exactly across the two relation sets. */
  connected(a: RelationSet, b: RelationSet): boolean;
  /** The join of two subplans, the bigger one probing. */
  combine(a: SubPlan, b: SubPlan): SubPlan;
  single(i: number): SubPlan;
}

export function chooseOrder(g: JoinGraph): SubPlan {
  return g.leaves.length <= MAX_DP_RELATIONS ? dynamicOrder(g) : greedyOrder(g);
}

/**
 * Dynamic programming over connected subsets only (no cross product inside one); the connected
 * components of the whole graph are cross-joined at the end, biggest first.
 */
function dynamicOrder(g: JoinGraph): SubPlan {
  const n = g.leaves.length;
  const table = new Map<RelationSet, SubPlan>();
  for (let i = 0; i < n; i++) table.set(only(i), g.single(i));
  const full = only(n) - 1n;
  const subsets: RelationSet[] = [];
  for (let s = 1n; s <= full; s++) subsets.push(s);
  subsets.sort((x, y) => size(x) - size(y));
  for (const s of subsets) {
    if (size(s) < 2) continue;
    let chosen: SubPlan | undefined;
    for (let a = (s - 1n) & s; a > 0n; a = (a - 1n) & s) {
      const b = s & ~a;
      if (a < b) continue;
      const pa = table.get(a);
      const pb = table.get(b);
      if (!pa || !pb || !g.connected(a, b)) continue;
      const p = g.combine(pa, pb);
      if (!chosen || p.cost < chosen.cost) chosen = p;
    }
    if (chosen) table.set(s, chosen);
  }
  return (
    table.get(full) ??
    components(full, table)
      .sort((x, y) => y.rows - x.rows)
      .reduce((acc, c) => g.combine(acc, c))
  );
}

/**
 * Greedy: start from the largest relation, add the connected relation giving the fewest rows (a
 * cross product only when nothing left is connected).
 */
function greedyOrder(g: JoinGraph): SubPlan {
  const n = g.leaves.length;
  let current = g.single(g.leafRows.indexOf(Math.max(...g.leafRows)));
  for (let joined = 1; joined < n; joined++) {
    let chosen: SubPlan | undefined;
    for (const crossAllowed of [false, true]) {
      for (let i = 0; i < n; i++) {
        if (contains(current.set, i)) continue;
        if (!crossAllowed && !g.connected(current.set, only(i))) continue;
        const p = g.combine(current, g.single(i));
        if (!chosen || p.rows < chosen.rows) chosen = p;
      }
      if (chosen) break;
    }
    current = chosen!;
  }
  return current;
}

/** The largest planned (connected) subsets that partition `full`. */
function components(full: RelationSet, table: ReadonlyMap<RelationSet, SubPlan>): SubPlan[] {
  const out: SubPlan[] = [];
  let rest = full;
  while (rest) {
    let best: SubPlan | undefined;
    for (const [set, plan] of table) {
      if (within(set, rest) && (!best || size(set) > size(best.set))) best = plan;
    }
    out.push(best!);
    rest &= ~best!.set;
  }
  return out;
}
