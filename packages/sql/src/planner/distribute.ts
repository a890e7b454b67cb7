import { resolveAggregate } from '../functions/index.js';
import {
  children,
  withChildren,
  type AggregateCall,
  type AggregateNode,
  type Column,
  type ExchangeNode,
  type JoinNode,
  type PlanNode,
  type SemiJoinNode,
} from '../plan/nodes.js';

/**
 * Places exchanges into a logical plan: where a node needs its input's rows together (a final
 * aggregation, a window partition, a sort, the query result) or joined with another input, the
 * input is redistributed. Aggregations are split into a partial step before the exchange and a
 * final step after it, so only partial states travel. Joins either broadcast their build side to
 * the probe side's tasks or hash-partition both sides on the join keys; a side already partitioned
 * on the right keys is not exchanged again.
 */
type Distribution = 'source' | 'hash' | 'single';

interface Distributed {
  readonly node: PlanNode;
  readonly distribution: Distribution;
  /**
   * For `hash`: the output channels the rows are known to be partitioned on — several equivalent
   * lists after an inner join, whose two sides' keys are equal.
   */
  readonly partitionedOn?: readonly (readonly number[])[];
}

export function addExchanges(root: PlanNode): PlanNode {
  const d = distribute(root);
  return d.distribution === 'single' ? d.node : gather(d.node);
}

function exchange(node: PlanNode, partitioning: ExchangeNode['partitioning']): ExchangeNode {
  return { kind: 'Exchange', input: node, partitioning, outputs: node.outputs };
}

function gather(node: PlanNode): ExchangeNode {
  return exchange(node, { kind: 'single' });
}

function single(d: Distributed): PlanNode {
  return d.distribution === 'single' ? d.node : gather(d.node);
}

/** The rows of `d` hash-partitioned on `keys` (channels of its output). */
function hashOn(d: Distributed, keys: readonly number[]): Distributed {
  if (d.distribution === 'hash' && d.partitionedOn?.some((on) => sameChannels(on, keys))) return d;
  return {
    node: exchange(d.node, { kind: 'hash', channels: keys }),
    distribution: 'hash',
    partitionedOn: [keys],
  };
}

function sameChannels(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((c, i) => c === b[i]);
}

/** A partitioning of `d` under which rows equal on `keys` are in one task (each of its channels is a key). */
function coveredBy(d: Distributed, keys: readonly number[]): readonly number[] | undefined {
  if (d.distribution !== 'hash') return undefined;
  return d.partitionedOn?.find((on) => on.length > 0 && on.every((c) => keys.includes(c)));
}

/** A subtree that computes its rows from nothing (VALUES): every task can run its own copy. */
function isLocal(node: PlanNode): boolean {
  if (node.kind === 'TableScan' || node.kind === 'RemoteSource' || node.kind === 'Exchange') return false;
  return children(node).every(isLocal);
}

/** Places exchanges in one node kind's subtree. */
type Distributor<N extends PlanNode> = (node: N) => Distributed;
type NodeOf<K extends PlanNode['kind']> = Extract<PlanNode, { kind: K }>;

function distribute(node: PlanNode): Distributed {
  // The table is keyed by kind, so the distributor picked here always receives its own node kind.
  const distributor = DISTRIBUTORS[node.kind] as Distributor<PlanNode>;
  return distributor(node);
}

/** Nodes that keep their input's rows where they are. */
const inPlace: Distributor<NodeOf<'Filter' | 'AssignUniqueId'>> = (node) => {
  const input = distribute(node.input);
  return { ...input, node: { ...node, input: input.node } };
};

/** UNNEST runs where its input's rows are; the partitioning holds on the replicated channels. */
const distributeUnnest: Distributor<NodeOf<'Unnest'>> = (node) => {
  const input = distribute(node.input);
  const at = (c: number) => node.replicate.indexOf(c);
  const partitionedOn = input.partitionedOn
    ?.filter((on) => on.every((c) => at(c) >= 0))
    .map((on) => on.map(at));
  return {
    node: { ...node, input: input.node },
    distribution: input.distribution,
    ...(partitionedOn ? { partitionedOn } : {}),
  };
};

/**
 * Writers run where the rows are; a row-level writer needs every row of a file (channel 0) in one
 * task: a source stage of whole-file splits, a single task, or rows hash-partitioned on the file.
 */
const distributeWriter: Distributor<NodeOf<'TableWriter'>> = (node) => {
  if (!node.rowLevel) return sameDistribution(node);
  const scanned = distribute(node.input);
  const input = scanned.distribution === 'hash' ? hashOn(scanned, [0]) : scanned;
  const rowLevel = { contiguous: input.distribution === 'source' };
  return { node: { ...node, input: input.node, rowLevel }, distribution: input.distribution };
};

/** Nodes that keep their input's distribution but not the partitioning channels. */
const sameDistribution: Distributor<NodeOf<'GroupId' | 'TableWriter'>> = (node) => {
  // writers run where the rows are; their one-row outputs are gathered at the root
  const input = distribute(node.input);
  return { node: { ...node, input: input.node }, distribution: input.distribution };
};

/** Nodes that need all their input's rows in one task. */
const gathered: Distributor<NodeOf<'EnforceSingleRow' | 'Sort'>> = (node) => ({
  node: { ...node, input: single(distribute(node.input)) },
  distribution: 'single',
});

/** TopN and Limit: a partial step in each task, the final one after gathering. */
const gatheredAfterPartial: Distributor<NodeOf<'TopN' | 'Limit'>> = (node) => {
  const input = distribute(node.input);
  if (input.distribution === 'single')
    return { node: { ...node, input: input.node }, distribution: 'single' };
  const partial: PlanNode =
    node.kind === 'Limit'
      ? { ...node, input: input.node, count: node.count + node.offset, offset: 0 }
      : { ...node, input: input.node };
  return { node: { ...node, input: gather(partial) }, distribution: 'single' };
};

const distributeExchange: Distributor<ExchangeNode> = (node) => {
  const input = distribute(node.input);
  const hash = node.partitioning.kind === 'hash';
  return {
    node: { ...node, input: input.node },
    distribution: hash ? 'hash' : 'single',
    ...(node.partitioning.kind === 'hash' ? { partitionedOn: [node.partitioning.channels] } : {}),
  };
};

const distributeProject: Distributor<NodeOf<'Project'>> = (node) => {
  const input = distribute(node.input);
  const partitionedOn = (input.partitionedOn ?? [])
    .map((on) => on.map((c) => node.exprs.findIndex((e) => e.kind === 'input' && e.channel === c)))
    .filter((on) => on.every((c) => c >= 0));
  return {
    node: { ...node, input: input.node },
    distribution: input.distribution,
    ...(partitionedOn.length ? { partitionedOn } : {}),
  };
};

const distributeMarkDistinct: Distributor<NodeOf<'MarkDistinct'>> = (node) => {
  const input = distribute(node.input);
  if (input.distribution === 'single') return { ...input, node: { ...node, input: input.node } };
  const h = coveredBy(input, node.distinct) ? input : hashOn(input, node.distinct);
  return { ...h, node: { ...node, input: h.node } };
};

const distributeWindow: Distributor<NodeOf<'Window'>> = (node) => {
  const input = distribute(node.input);
  if (input.distribution === 'single' || node.partitionBy.length === 0)
    return { node: { ...node, input: single(input) }, distribution: 'single' };
  const h = coveredBy(input, node.partitionBy) ? input : hashOn(input, node.partitionBy);
  return { ...h, node: { ...node, input: h.node } };
};

const distributeUnion: Distributor<NodeOf<'Union'>> = (node) => {
  const inputs = node.inputs.map(distribute);
  if (inputs.every((d) => d.distribution === 'single'))
    return { node: { ...node, inputs: inputs.map((d) => d.node) }, distribution: 'single' };
  // every task reads its own partition of each input: single and source inputs are spread by hash
  const spread = inputs.map((d) =>
    d.distribution === 'hash'
      ? d.node
      : exchange(d.node, { kind: 'hash', channels: allChannels(d.node.outputs) }),
  );
  return { node: { ...node, inputs: spread }, distribution: 'hash' };
};

function allChannels(outputs: readonly Column[]): number[] {
  return outputs.map((_, i) => i);
}

function distributeJoin(node: JoinNode | SemiJoinNode): Distributed {
  const left = distribute(node.input);
  const right = distribute(node.build);
  const rebuild = (l: PlanNode, r: PlanNode): PlanNode => withChildren(node, [l, r]);
  if (left.distribution === 'single' && right.distribution === 'single')
    return { node: rebuild(left.node, right.node), distribution: 'single' };
  const keyed = node.rightKeys.length > 0;
  // unmatched build rows must be emitted once: RIGHT and FULL joins cannot broadcast their build side
  const keepsBuild = node.kind === 'Join' && (node.joinType === 'RIGHT' || node.joinType === 'FULL');
  const partitioned = keyed && (keepsBuild || node.distribution === 'partitioned');
  if (partitioned) {
    const l = hashOn(left, node.leftKeys);
    const r = hashOn(right, node.rightKeys);
    // the output keeps each side's key columns where they are not padded with NULLs
    const lw = node.input.outputs.length;
    const on: number[][] = [];
    if (node.kind === 'SemiJoin' || node.joinType === 'INNER' || node.joinType === 'LEFT')
      on.push([...node.leftKeys]);
    if (node.kind === 'Join' && (node.joinType === 'INNER' || node.joinType === 'RIGHT'))
      on.push(node.rightKeys.map((k) => lw + k));
    return {
      node: rebuild(l.node, r.node),
      distribution: 'hash',
      ...(on.length ? { partitionedOn: on } : {}),
    };
  }
  if (keepsBuild || left.distribution === 'single') {
    return { node: rebuild(single(left), single(right)), distribution: 'single' };
  }
  // broadcast: every probe task reads the whole build side
  const build = isLocal(right.node) ? right.node : exchange(right.node, { kind: 'broadcast' });
  return { node: rebuild(left.node, build), distribution: left.distribution, ...partitioning(left) };
}

function partitioning(d: Distributed): { partitionedOn?: readonly (readonly number[])[] } {
  return d.partitionedOn ? { partitionedOn: d.partitionedOn } : {};
}

function distributeAggregate(node: AggregateNode): Distributed {
  const input = distribute(node.input);
  if (input.distribution === 'single')
    return { node: { ...node, input: input.node }, distribution: 'single' };
  const covered = coveredBy(input, node.groupBy);
  // an ordered aggregate (listagg) sees each group's rows in one task: no partial step
  if (!covered && node.aggregates.some((a) => a.orderBy)) {
    if (node.groupBy.length === 0)
      return { node: { ...node, input: gather(input.node) }, distribution: 'single' };
    const hashed = hashOn(input, node.groupBy);
    const partitionedOn = [node.groupBy.map((_, i) => i)];
    return { node: { ...node, input: hashed.node }, distribution: 'hash', partitionedOn };
  }
  if (covered) {
    // every group is already within one task
    const partitionedOn = [covered.map((c) => node.groupBy.indexOf(c))];
    return { node: { ...node, input: input.node }, distribution: 'hash', partitionedOn };
  }
  return splitAggregation(node, input.node);
}

function splitAggregation(node: AggregateNode, input: PlanNode): Distributed {
  const keys = node.groupBy.length;
  const stateColumns: Column[] = node.aggregates.flatMap((a) =>
    resolveAggregate(a.fn, a.argTypes).intermediateTypes.map((type, i) => ({
      name: `${a.fn}_state${i}`,
      type,
    })),
  );
  const partial: AggregateNode = {
    ...node,
    input,
    step: 'partial',
    outputs: [...node.outputs.slice(0, keys), ...stateColumns],
  };
  const channels = Array.from({ length: keys }, (_, i) => i);
  const exchangeNode: ExchangeNode = {
    kind: 'Exchange',
    input: partial,
    partitioning: keys > 0 ? { kind: 'hash', channels } : { kind: 'single' },
    outputs: partial.outputs,
  };
  // a final step reads each call's state columns, laid out after the keys: its `args` name them
  let next = keys;
  const aggregates = node.aggregates.map((a): AggregateCall => {
    const width = resolveAggregate(a.fn, a.argTypes).intermediateTypes.length;
    const { mask: _applied, ...call } = a;
    const args = Array.from({ length: width }, (_, i) => next + i);
    next += width;
    return { ...call, args };
  });
  const final: AggregateNode = { ...node, input: exchangeNode, step: 'final', groupBy: channels, aggregates };
  return keys > 0
    ? { node: final, distribution: 'hash', partitionedOn: [channels] }
    : { node: final, distribution: 'single' };
}

/** One distributor per plan node kind; a kind missing here fails to compile. */
const DISTRIBUTORS: { readonly [K in PlanNode['kind']]: Distributor<NodeOf<K>> } = {
  TableScan: (node) => ({ node, distribution: 'source' }),
  Values: (node) => ({ node, distribution: 'single' }),
  RemoteSource: (node) => ({ node, distribution: 'single' }),
  Exchange: distributeExchange,
  Filter: inPlace,
  Project: distributeProject,
  Aggregate: distributeAggregate,
  MarkDistinct: distributeMarkDistinct,
  Window: distributeWindow,
  GroupId: sameDistribution,
  AssignUniqueId: inPlace,
  Unnest: distributeUnnest,
  TableWriter: distributeWriter,
  EnforceSingleRow: gathered,
  Union: distributeUnion,
  Join: distributeJoin,
  SemiJoin: distributeJoin,
  Sort: gathered,
  TopN: gatheredAfterPartial,
  Limit: gatheredAfterPartial,
};
