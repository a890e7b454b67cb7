import { inputChannels, remapChannels, type Expr } from '../../expr/ir.js';
import type { JoinNode, PlanNode, ProjectNode, SemiJoinNode } from '../../plan/nodes.js';
import { transformUp, type PlanRule } from '../rule.js';
import { Estimator } from '../stats.js';

/**
 * Semi joins (EXISTS, IN) move down to the relation whose columns they test: below a projection
 * that passes those columns through, into the side of an inner join (or the preserved side of an
 * outer join) that holds them. Placed above a whole FROM clause by the planner, the semi join — and
 * then, through predicate pushdown, the filter on its mark — ends up on the one table it filters,
 * before the joins rather than after (TPC-H Q18: 57 orders instead of all of them).
 */
export const pushSemiJoins: PlanRule = {
  name: 'push-semi-joins',
  apply: (root, ctx) => {
    const est = new Estimator(ctx ?? {});
    return transformUp(root, (node) => (node.kind === 'SemiJoin' && target(node, est) ? sink(node) : node));
  },
};

/**
 * Whether the semi join can go all the way down to the relation (below every join) whose columns it
 * tests, and is worth it there: only when its build side is clearly smaller than that relation, so
 * that it filters early and cheaply (a small hash table). Against a big build side (TPC-H Q21's
 * EXISTS over lineitem) it is better applied after the joins have cut the probe rows down; and a
 * semi join stopping halfway would split a tree of joins that join ordering should see whole.
 */
function target(node: SemiJoinNode, est: Estimator): boolean {
  let input = node.input;
  let used = probeChannels(node);
  if (used.length === 0) return false;
  let moved = false;
  for (;;) {
    if (input.kind === 'Project') {
      const p = input;
      const mapped = used.map((c) => {
        const e = p.exprs[c]!;
        return e.kind === 'input' ? e.channel : -1;
      });
      if (mapped.some((c) => c < 0)) return false;
      used = mapped;
      input = p.input;
    } else if (input.kind === 'Join') {
      const lw = input.input.outputs.length;
      if (used.every((c) => c < lw) && (input.joinType === 'INNER' || input.joinType === 'LEFT')) {
        input = input.input;
      } else if (used.every((c) => c >= lw) && (input.joinType === 'INNER' || input.joinType === 'RIGHT')) {
        used = used.map((c) => c - lw);
        input = input.build;
      } else return false;
      moved = true;
    } else break;
  }
  return moved && est.rows(node.build) * 2 <= est.rows(input);
}

/** The probe-side channels a semi join reads. */
function probeChannels(node: SemiJoinNode): number[] {
  const width = node.input.outputs.length;
  const own = [...node.leftKeys, ...(node.compare ? [node.compare.left] : [])];
  const fromFilter = node.filter ? [...inputChannels(node.filter)].filter((c) => c < width) : [];
  return [...own, ...fromFilter];
}

/** The same semi join over another probe input, its probe channels renumbered by `f`. */
function rebase(node: SemiJoinNode, input: PlanNode, f: (c: number) => number): SemiJoinNode {
  const width = node.input.outputs.length;
  const newWidth = input.outputs.length;
  const filter: Expr | undefined =
    node.filter && remapChannels(node.filter, (c) => (c < width ? f(c) : c - width + newWidth));
  return {
    ...node,
    input,
    leftKeys: node.leftKeys.map(f),
    ...(node.compare ? { compare: { left: f(node.compare.left), right: node.compare.right } } : {}),
    ...(filter ? { filter } : {}),
    outputs: [...input.outputs, node.outputs[width]!],
  };
}

function sink(node: SemiJoinNode): PlanNode {
  const input = node.input;
  const used = probeChannels(node);
  if (input.kind === 'Project') return throughProject(node, input, used);
  if (input.kind === 'Join') return intoJoin(node, input, used);
  return node;
}

function throughProject(node: SemiJoinNode, project: ProjectNode, used: number[]): PlanNode {
  const source = (c: number) => {
    const e = project.exprs[c]!;
    return e.kind === 'input' ? e.channel : -1;
  };
  if (used.some((c) => source(c) < 0)) return node;
  const inner = sink(rebase(node, project.input, source));
  const mark = project.input.outputs.length;
  return {
    kind: 'Project',
    input: inner,
    exprs: [
      ...project.exprs,
      { kind: 'input', channel: mark, type: node.outputs[node.outputs.length - 1]!.type },
    ],
    outputs: node.outputs,
  };
}

function intoJoin(node: SemiJoinNode, join: JoinNode, used: number[]): PlanNode {
  const lw = join.input.outputs.length;
  const markType = node.outputs[node.outputs.length - 1]!.type;
  const leftOnly = used.every((c) => c < lw);
  const rightOnly = used.every((c) => c >= lw);
  // a padded side's rows would test NULLs the semi join never saw: only inner or preserved sides
  const leftOk = join.joinType === 'INNER' || join.joinType === 'LEFT';
  const rightOk = join.joinType === 'INNER' || join.joinType === 'RIGHT';
  if (leftOnly && leftOk && used.length > 0) {
    const left = sink(rebase(node, join.input, (c) => c));
    const shifted: JoinNode = {
      ...join,
      input: left,
      ...(join.filter ? { filter: remapChannels(join.filter, (c) => (c < lw ? c : c + 1)) } : {}),
      outputs: [...left.outputs, ...join.build.outputs],
    };
    return {
      kind: 'Project',
      input: shifted,
      exprs: [
        ...join.input.outputs.map((c, i): Expr => ({ kind: 'input', channel: i, type: c.type })),
        ...join.build.outputs.map((c, i): Expr => ({ kind: 'input', channel: lw + 1 + i, type: c.type })),
        { kind: 'input', channel: lw, type: markType },
      ],
      outputs: node.outputs,
    };
  }
  if (rightOnly && rightOk && used.length > 0) {
    const right = sink(rebase(node, join.build, (c) => c - lw));
    return { ...join, build: right, outputs: [...join.input.outputs, ...right.outputs] };
  }
  return node;
}
