import { remapChannels, type Expr } from '../../expr/ir.js';
import type { Column, JoinNode, PlanNode, SemiJoinNode } from '../../plan/nodes.js';
import { isIntegral } from '../../types/types.js';
import { isEquality } from '../../expr/ir.js';
import { and, conjuncts, sideOf } from '../predicates.js';
import { transformUp, type PlanRule } from '../rule.js';

/**
 * Equality conjuncts between the two sides of a join's condition become hash keys. A key that is
 * an expression rather than a column is computed by a projection below the join (and a projection
 * above restores the join's columns); widening casts between integer or varchar types are dropped,
 * as values compare and hash alike either way.
 */
export const extractJoinKeys: PlanRule = {
  name: 'extract-join-keys',
  apply: (root) =>
    transformUp(root, (node) => (node.kind === 'Join' || node.kind === 'SemiJoin' ? extract(node) : node)),
};

function stripWidening(e: Expr): Expr {
  if (e.kind !== 'cast' || e.safe) return e;
  const from = e.arg.type;
  const to = e.type;
  if (isIntegral(from) && isIntegral(to)) return stripWidening(e.arg);
  if (from.kind === 'varchar' && to.kind === 'varchar' && to.length === undefined)
    return stripWidening(e.arg);
  if (
    from.kind === 'varchar' &&
    to.kind === 'varchar' &&
    from.length !== undefined &&
    to.length !== undefined &&
    to.length >= from.length
  )
    return stripWidening(e.arg);
  return e;
}

function extract(node: JoinNode | SemiJoinNode): PlanNode {
  const lw = node.input.outputs.length;
  const pairs: { l: Expr; r: Expr }[] = [];
  const rest: Expr[] = [];
  for (const c of conjuncts(node.filter)) {
    if (c.kind === 'call' && isEquality(c.fn)) {
      const [a, b] = c.args as [Expr, Expr];
      const sa = sideOf(a, lw);
      const sb = sideOf(b, lw);
      if (sa === 'left' && sb === 'right') {
        pairs.push({ l: stripWidening(a), r: stripWidening(b) });
        continue;
      }
      if (sa === 'right' && sb === 'left') {
        pairs.push({ l: stripWidening(b), r: stripWidening(a) });
        continue;
      }
    }
    rest.push(c);
  }
  if (pairs.length === 0) return node;
  const leftExtra: Expr[] = [];
  const rightExtra: Expr[] = [];
  const leftKeys = [...node.leftKeys];
  const rightKeys = [...node.rightKeys];
  for (const { l, r } of pairs) {
    if (l.kind === 'input') leftKeys.push(l.channel);
    else {
      leftKeys.push(lw + leftExtra.length);
      leftExtra.push(l);
    }
    const rr = remapChannels(r, (c) => c - lw);
    if (rr.kind === 'input') rightKeys.push(rr.channel);
    else {
      rightKeys.push(node.build.outputs.length + rightExtra.length);
      rightExtra.push(rr);
    }
  }
  const input = extend(node.input, leftExtra);
  const build = extend(node.build, rightExtra);
  const shift = leftExtra.length;
  const filter = and(rest.map((c) => remapChannels(c, (ch) => (ch < lw ? ch : ch + shift))));
  const { filter: _old, ...base } = node;
  if (node.kind === 'SemiJoin') {
    const semi: SemiJoinNode = {
      ...(base as Omit<SemiJoinNode, 'filter'>),
      input,
      build,
      leftKeys,
      rightKeys,
      ...(filter ? { filter } : {}),
      outputs: [...input.outputs, node.outputs[lw]!],
    };
    if (shift === 0) return semi;
    return restore(semi, node.outputs, (c) => (c < lw ? c : c + shift));
  }
  const join: JoinNode = {
    ...(base as Omit<JoinNode, 'filter'>),
    input,
    build,
    leftKeys,
    rightKeys,
    ...(filter ? { filter } : {}),
    outputs: [...input.outputs, ...build.outputs],
  };
  if (shift === 0 && rightExtra.length === 0) return join;
  return restore(join, node.outputs, (c) => (c < lw ? c : c + shift));
}

function extend(node: PlanNode, extra: readonly Expr[]): PlanNode {
  if (extra.length === 0) return node;
  const exprs: Expr[] = [
    ...node.outputs.map((c, i): Expr => ({ kind: 'input', channel: i, type: c.type })),
    ...extra,
  ];
  const outputs: Column[] = [...node.outputs, ...extra.map((e, i) => ({ name: `key${i}`, type: e.type }))];
  return { kind: 'Project', input: node, exprs, outputs };
}

function restore(node: PlanNode, outputs: readonly Column[], at: (c: number) => number): PlanNode {
  return {
    kind: 'Project',
    input: node,
    exprs: outputs.map((c, i) => ({ kind: 'input', channel: at(i), type: c.type })),
    outputs,
  };
}
