import type { Expr } from '../../expr/ir.js';
import type { AggregateNode, JoinNode, PlanNode } from '../../plan/nodes.js';
import { BOOLEAN } from '../../types/types.js';
import { transformUp, type PlanRule } from '../rule.js';
import { Estimator } from '../stats.js';

/**
 * Semi-join reduction of aggregations: when an inner join matches an aggregation grouped by the
 * join keys against a small relation, only the groups whose keys that relation holds survive the
 * join — so the aggregation's input is first filtered by a semi join on those keys, taken from the
 * table (with its filters) the small relation has them from, computed a second time for it. A correlated subquery decorrelated into "aggregate
 * all of lineitem by part, then join" (TPC-H Q2, Q17, Q20) thus aggregates only the rows of the few
 * parts the outer query keeps. Phased execution makes this the static cousin of Trino's dynamic
 * filtering.
 */
export const REDUCTION_MAX_ROWS = 100_000;
const MIN_GAIN = 2;

export const semiJoinReduction: PlanRule = {
  name: 'semi-join-reduction',
  apply: (root, ctx) => {
    const est = new Estimator(ctx ?? {});
    return transformUp(root, (node) => (node.kind === 'Join' ? reduce(node, est) : node));
  },
};

function reduce(join: JoinNode, est: Estimator): PlanNode {
  if (join.leftKeys.length === 0) return join;
  // the aggregated side's rows without a partner must not matter: inner joins, or the build side of a LEFT join
  const buildOk = join.joinType === 'INNER' || join.joinType === 'LEFT';
  const probeOk = join.joinType === 'INNER' || join.joinType === 'RIGHT';
  if (buildOk) {
    const build = reduceSide(
      { node: join.build, keys: join.rightKeys },
      { node: join.input, keys: join.leftKeys },
      est,
    );
    if (build) return { ...join, build };
  }
  if (probeOk) {
    const input = reduceSide(
      { node: join.input, keys: join.leftKeys },
      { node: join.build, keys: join.rightKeys },
      est,
    );
    if (input) return { ...join, input };
  }
  return join;
}

/**
 * Where a key column of a relation comes from: followed down through projections, joins and semi
 * joins to the relation (a table, with its filters) that holds it. Its values there are a
 * superset of those in `node`, and it is usually far cheaper to compute again.
 */
function keySource(node: PlanNode, channel: number): { node: PlanNode; channel: number } {
  switch (node.kind) {
    case 'Project': {
      const e = node.exprs[channel]!;
      return e.kind === 'input' ? keySource(node.input, e.channel) : { node, channel };
    }
    case 'Join': {
      const lw = node.input.outputs.length;
      return channel < lw ? keySource(node.input, channel) : keySource(node.build, channel - lw);
    }
    case 'SemiJoin':
      return channel < node.input.outputs.length ? keySource(node.input, channel) : { node, channel };
    default:
      return { node, channel };
  }
}

/** One input of a join with its join key channels. */
interface JoinSide {
  readonly node: PlanNode;
  readonly keys: readonly number[];
}

/** `side` with its aggregation's input semi-joined to `other`'s keys, or undefined when not worth it. */
function reduceSide(side: JoinSide, other: JoinSide, est: Estimator): PlanNode | undefined {
  const { node: otherNode, keys: otherKeys } = other;
  if (est.rows(otherNode) > REDUCTION_MAX_ROWS) return undefined;
  return rewrite(side.node, side.keys, (agg, groupKeys) => {
    const input = agg.input;
    // the other side's key columns, once per key the aggregation groups by, from one relation
    const traced = groupKeys.flatMap((g, i) =>
      g === undefined ? [] : [{ g, source: keySource(otherNode, otherKeys[i]!) }],
    );
    const from = traced[0]?.source.node;
    const usable = traced.filter((t) => t.source.node === from);
    if (!from || usable.length === 0) return undefined;
    if (est.rows(input) < MIN_GAIN * est.rows(from)) return undefined;
    // worth it only when that relation holds clearly fewer keys than there are groups
    let keyValues = 1;
    for (const { source } of usable) keyValues *= est.distinct(from, source.channel) ?? est.rows(from);
    if (Math.min(keyValues, est.rows(from)) * MIN_GAIN > est.rows(agg)) return undefined;
    const filterSide: PlanNode = {
      kind: 'Project',
      input: from,
      exprs: usable.map(({ source }): Expr => ({
        kind: 'input',
        channel: source.channel,
        type: from.outputs[source.channel]!.type,
      })),
      outputs: usable.map(({ source }) => from.outputs[source.channel]!),
    };
    const mark = input.outputs.length;
    const semi: PlanNode = {
      kind: 'SemiJoin',
      input,
      build: filterSide,
      leftKeys: usable.map(({ g }) => agg.groupBy[g]!),
      rightKeys: usable.map((_, i) => i),
      outputs: [...input.outputs, { name: 'reduced', type: BOOLEAN }],
    };
    const filtered: PlanNode = {
      kind: 'Filter',
      input: semi,
      predicate: { kind: 'input', channel: mark, type: BOOLEAN },
      outputs: semi.outputs,
    };
    return { ...agg, input: filtered };
  });
}

/**
 * Follows `keys` (channels of `node`) down through projections and filters to an aggregation; hands
 * `f` the aggregation and, per key, the grouping position it is (or undefined), and rebuilds the
 * path around what `f` returns.
 */
function rewrite(
  node: PlanNode,
  keys: readonly (number | undefined)[],
  f: (agg: AggregateNode, groupKeys: readonly (number | undefined)[]) => PlanNode | undefined,
): PlanNode | undefined {
  switch (node.kind) {
    case 'Project': {
      const mapped = keys.map((k) => {
        const e = k === undefined ? undefined : node.exprs[k];
        return e?.kind === 'input' ? e.channel : undefined;
      });
      const input = rewrite(node.input, mapped, f);
      return input && { ...node, input };
    }
    case 'Filter': {
      const input = rewrite(node.input, keys, f);
      return input && { ...node, input };
    }
    case 'Aggregate': {
      if (node.input.kind === 'GroupId' || node.groupBy.length === 0) return undefined;
      const groupKeys = keys.map((k) => (k !== undefined && k < node.groupBy.length ? k : undefined));
      return f(node, groupKeys);
    }
    default:
      return undefined;
  }
}
