import { inputChannels, remapChannels, type Expr } from '../../expr/ir.js';
import { children, withChildren, type JoinNode, type PlanNode } from '../../plan/nodes.js';
import { BOOLEAN, physicalKind } from '../../types/types.js';
import { isEquality } from '../../expr/ir.js';
import { and, conjuncts, filtered } from '../predicates.js';
import type { OptimizerContext, PlanRule } from '../rule.js';
import { Estimator } from '../stats.js';

/**
 * Join ordering from table statistics: each tree of inner joins (comma joins included, after
 * predicate pushdown gave them their conditions) is flattened into its relations and conjuncts,
 * and rebuilt as the cheapest tree found by dynamic programming over subsets of relations (bushy
 * trees; greedy beyond 10 relations). A join's cost is its probe rows, twice its build rows and its
 * output rows; the smaller input is always the build side; cross products are only considered where
 * no join condition connects the parts. A projection on top restores the original column order.
 */
export const reorderJoins: PlanRule = {
  name: 'reorder-joins',
  apply: (root, ctx = {}) => reorder(root, new Estimator(ctx), ctx),
};

const MAX_DP_RELATIONS = 10;

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

/** A planned subset of the relations: which leaves, in output order, with its estimate and cost. */
interface SubPlan {
  readonly mask: number;
  readonly order: number[];
  readonly rows: number;
  readonly cost: number;
  readonly left?: SubPlan;
  readonly right?: SubPlan;
}

interface Conjunct {
  readonly expr: Expr;
  readonly leaves: number;
  /** For an equality between two relation sets: each side's leaf mask and expression. */
  readonly equi?: { readonly a: Expr; readonly am: number; readonly b: Expr; readonly bm: number };
}

/** The relations of a flattened join tree, their channel layout, conjuncts and cost model. */
interface JoinGraph {
  readonly leaves: readonly PlanNode[];
  /** Each leaf's first channel in the original layout (leaves' outputs laid end to end). */
  readonly offsets: readonly number[];
  readonly conj: readonly Conjunct[];
  readonly leafRows: readonly number[];
  /** Whether some conjunct spans exactly across the two leaf sets. */
  connected(a: number, b: number): boolean;
  /** The join of two subplans, the bigger one probing. */
  combine(a: SubPlan, b: SubPlan): SubPlan;
  single(i: number): SubPlan;
}

function rebuild(flat: Flat, original: JoinNode, est: Estimator): PlanNode {
  const graph = joinGraph(flat, est);
  const best = graph.leaves.length <= MAX_DP_RELATIONS ? dynamicOrder(graph) : greedyOrder(graph);
  return buildTree(graph, best, original);
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

function classify(exprs: readonly Expr[], maskOf: (e: Expr) => number): Conjunct[] {
  return exprs.map((expr) => {
    const leavesMask = maskOf(expr);
    if (expr.kind === 'call' && isEquality(expr.fn)) {
      const [a, b] = expr.args as [Expr, Expr];
      const am = maskOf(a);
      const bm = maskOf(b);
      if (am && bm && (am & bm) === 0) return { expr, leaves: leavesMask, equi: { a, am, b, bm } };
    }
    return { expr, leaves: leavesMask };
  });
}

function joinGraph(flat: Flat, est: Estimator): JoinGraph {
  const { leaves } = flat;
  const offsets = leafOffsets(leaves);
  const maskOf = (e: Expr) => {
    let m = 0;
    for (const c of inputChannels(e)) m |= 1 << leafOf(offsets, c);
    return m;
  };
  const conj = classify(flat.conjuncts, maskOf);
  const leafRows = leaves.map((l) => est.rows(l));
  const joinRows = joinRowEstimator({ leaves, offsets, conj, est });
  return {
    leaves,
    offsets,
    conj,
    leafRows,
    connected: (a, b) => conj.some((c) => c.leaves & a && c.leaves & b && (c.leaves & ~(a | b)) === 0),
    combine: (a, b) => {
      const rows = joinRows(a, b);
      const [probe, build] = a.rows >= b.rows ? [a, b] : [b, a];
      return {
        mask: a.mask | b.mask,
        order: [...probe.order, ...build.order],
        rows,
        cost: a.cost + b.cost + probe.rows + 2 * build.rows + rows,
        left: probe,
        right: build,
      };
    },
    single: (i) => ({ mask: 1 << i, order: [i], rows: leafRows[i]!, cost: 0 }),
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
  const baseOf = (mask: number) => {
    let b = 1;
    for (let i = 0; i < leaves.length; i++) if (mask & (1 << i)) b = Math.max(b, baseRows[i]!);
    return b;
  };
  return (a, b) => {
    let rows = a.rows * b.rows;
    let best = 1;
    let other = 1;
    for (const c of conj) {
      if ((c.leaves & (a.mask | b.mask)) !== c.leaves) continue;
      if ((c.leaves & a.mask) === c.leaves || (c.leaves & b.mask) === c.leaves) continue;
      if (c.equi) {
        const ra = (c.equi.am & a.mask) === c.equi.am ? a.rows : b.rows;
        const rb = (c.equi.bm & a.mask) === c.equi.bm ? a.rows : b.rows;
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
 * Dynamic programming over connected subsets only (no cross product inside one); the connected
 * components of the whole graph are cross-joined at the end, biggest first.
 */
function dynamicOrder(g: JoinGraph): SubPlan {
  const n = g.leaves.length;
  const table = new Map<number, SubPlan>();
  for (let i = 0; i < n; i++) table.set(1 << i, g.single(i));
  const full = (1 << n) - 1;
  const bySize = Array.from({ length: full }, (_, i) => i + 1).sort((x, y) => popcount(x) - popcount(y));
  for (const s of bySize) {
    if (popcount(s) < 2) continue;
    let chosen: SubPlan | undefined;
    for (let a = (s - 1) & s; a > 0; a = (a - 1) & s) {
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

/** Greedy: start from the largest relation, add the connected relation giving the fewest rows. */
function greedyOrder(g: JoinGraph): SubPlan {
  const n = g.leaves.length;
  let current = g.single(g.leafRows.indexOf(Math.max(...g.leafRows)));
  while (popcount(current.mask) < n) {
    let chosen: SubPlan | undefined;
    for (const crossAllowed of [false, true]) {
      for (let i = 0; i < n; i++) {
        if (current.mask & (1 << i)) continue;
        if (!crossAllowed && !g.connected(current.mask, 1 << i)) continue;
        const p = g.combine(current, g.single(i));
        if (!chosen || p.rows < chosen.rows) chosen = p;
      }
      if (chosen) break;
    }
    current = chosen!;
  }
  return current;
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
    const here = conj.filter((c) => !used.has(c) && c.leaves !== 0 && (c.leaves & p.mask) === c.leaves);
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

/** The largest planned (connected) subsets that partition `full`. */
function components(full: number, table: ReadonlyMap<number, SubPlan>): SubPlan[] {
  const out: SubPlan[] = [];
  let rest = full;
  while (rest) {
    let best: SubPlan | undefined;
    for (const [mask, plan] of table) {
      if ((mask & rest) === mask && (!best || popcount(mask) > popcount(best.mask))) best = plan;
    }
    out.push(best!);
    rest &= ~best!.mask;
  }
  return out;
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

function popcount(x: number): number {
  let c = 0;
  while (x) {
    x &= x - 1;
    c++;
  }
  return c;
}
