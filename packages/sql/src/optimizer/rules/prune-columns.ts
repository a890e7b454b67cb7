import { internalError } from '@quarry/common';
import { inputChannels, remapChannels } from '../../expr/ir.js';
import type { Expr } from '../../expr/ir.js';
import type { AggregateCall, JoinNode, PlanNode, SemiJoinNode, SortKey } from '../../plan/nodes.js';
import type { PlanRule } from '../rule.js';

/**
 * Projection pushdown: every node keeps only the columns someone above reads, down to the table
 * scans, so connectors generate or read only the columns the query needs.
 */
export const pruneColumns: PlanRule = {
  name: 'prune-columns',
  apply: (root) =>
    prune(
      root,
      root.outputs.map((_, i) => i),
    ).node,
};

interface Pruned {
  readonly node: PlanNode;
  /** Old output channel → new output channel, for every channel that was required. */
  readonly map: ReadonlyMap<number, number>;
}

function sortedUnique(xs: Iterable<number>): number[] {
  return [...new Set(xs)].sort((a, b) => a - b);
}

function identity(n: number): Map<number, number> {
  return new Map(Array.from({ length: n }, (_, i) => [i, i]));
}

function via(map: ReadonlyMap<number, number>): (c: number) => number {
  return (c) => {
    const m = map.get(c);
    if (m === undefined) throw internalError(`column pruning lost channel ${c}`);
    return m;
  };
}

function remapKeys(keys: readonly SortKey[], f: (c: number) => number): SortKey[] {
  return keys.map((k) => ({ ...k, channel: f(k.channel) }));
}

/** Prunes one node kind: `required` are the node's output channels someone above reads. */
type Pruner<N extends PlanNode> = (node: N, required: number[]) => Pruned;
type NodeOf<K extends PlanNode['kind']> = Extract<PlanNode, { kind: K }>;

function prune(node: PlanNode, required: number[]): Pruned {
  // The table is keyed by kind, so the pruner picked here always receives its own node kind.
  const pruner = PRUNERS[node.kind] as Pruner<PlanNode>;
  return pruner(node, required);
}

/** Keeps exactly the required columns of a leaf or a per-column node; channels are renumbered densely. */
function keepOnly(required: number[]): { keep: number[]; map: Map<number, number> } {
  const keep = sortedUnique(required);
  return { keep, map: new Map(keep.map((c, i) => [c, i])) };
}

const pruneTableScan: Pruner<NodeOf<'TableScan'>> = (node, required) => {
  // a row-level write's pruning condition reads the scan's channels as they are
  const { keep, map } = keepOnly(node.pruneBy ? node.outputs.map((_, i) => i) : required);
  return {
    node: { ...node, columns: keep.map((c) => node.columns[c]!), outputs: keep.map((c) => node.outputs[c]!) },
    map,
  };
};

const pruneValues: Pruner<NodeOf<'Values'>> = (node, required) => {
  const { keep, map } = keepOnly(required);
  return {
    node: {
      ...node,
      rows: node.rows.map((r) => keep.map((c) => r[c]!)),
      outputs: keep.map((c) => node.outputs[c]!),
    },
    map,
  };
};

/** Nodes whose layout is fixed by another fragment: they keep every column. */
const keepAll: Pruner<NodeOf<'RemoteSource' | 'Exchange'>> = (node) => ({
  node,
  map: identity(node.outputs.length),
});

const pruneFilter: Pruner<NodeOf<'Filter'>> = (node, required) => {
  const child = prune(node.input, sortedUnique([...required, ...inputChannels(node.predicate)]));
  const predicate = remapChannels(node.predicate, via(child.map));
  return { node: { ...node, input: child.node, predicate, outputs: child.node.outputs }, map: child.map };
};

const pruneProject: Pruner<NodeOf<'Project'>> = (node, required) => {
  const { keep, map } = keepOnly(required);
  const exprs = keep.map((c) => node.exprs[c]!);
  const need = new Set<number>();
  for (const e of exprs) inputChannels(e, need);
  const child = prune(node.input, sortedUnique(need));
  return {
    node: {
      ...node,
      input: child.node,
      exprs: exprs.map((e) => remapChannels(e, via(child.map))),
      outputs: keep.map((c) => node.outputs[c]!),
    },
    map,
  };
};

const pruneAggregate: Pruner<NodeOf<'Aggregate'>> = (node, required) => {
  const groups = node.groupBy.length;
  const keepAggs = sortedUnique(required.filter((c) => c >= groups).map((c) => c - groups));
  const aggregates = keepAggs.map((a) => node.aggregates[a]!);
  const need = [
    ...node.groupBy,
    ...aggregates.flatMap((a) => [
      ...a.args,
      ...(a.mask !== undefined ? [a.mask] : []),
      ...(a.orderBy ?? []).map((k) => k.channel),
    ]),
  ];
  const child = prune(node.input, sortedUnique(need));
  const f = via(child.map);
  const remapped: AggregateCall[] = aggregates.map((a) => ({
    ...a,
    args: a.args.map(f),
    ...(a.mask !== undefined ? { mask: f(a.mask) } : {}),
    ...(a.orderBy ? { orderBy: a.orderBy.map((k) => ({ ...k, channel: f(k.channel) })) } : {}),
  }));
  const map = new Map<number, number>(node.groupBy.map((_, i) => [i, i]));
  keepAggs.forEach((a, i) => map.set(groups + a, groups + i));
  return {
    node: {
      ...node,
      input: child.node,
      groupBy: node.groupBy.map(f),
      aggregates: remapped,
      outputs: [...node.outputs.slice(0, groups), ...keepAggs.map((a) => node.outputs[groups + a]!)],
    },
    map,
  };
};

const pruneSorted: Pruner<NodeOf<'Sort' | 'TopN'>> = (node, required) => {
  const child = prune(node.input, sortedUnique([...required, ...node.keys.map((k) => k.channel)]));
  return {
    node: {
      ...node,
      input: child.node,
      keys: remapKeys(node.keys, via(child.map)),
      outputs: child.node.outputs,
    },
    map: child.map,
  };
};

const pruneLimit: Pruner<NodeOf<'Limit'>> = (node, required) => {
  const child = prune(node.input, sortedUnique([...required, ...(node.ties ?? []).map((k) => k.channel)]));
  const ties = node.ties && remapKeys(node.ties, via(child.map));
  return {
    node: { ...node, input: child.node, ...(ties ? { ties } : {}), outputs: child.node.outputs },
    map: child.map,
  };
};

const pruneAssignUniqueId: Pruner<NodeOf<'AssignUniqueId'>> = (node, required) => {
  const width = node.input.outputs.length;
  if (!required.includes(width)) return prune(node.input, required);
  const child = prune(
    node.input,
    required.filter((c) => c < width),
  );
  const map = new Map(child.map);
  map.set(width, child.node.outputs.length);
  return {
    node: { ...node, input: child.node, outputs: [...child.node.outputs, node.outputs[width]!] },
    map,
  };
};

const pruneTableWriter: Pruner<NodeOf<'TableWriter'>> = (node) => {
  // a writer writes every column of its input
  const child = prune(
    node.input,
    node.input.outputs.map((_, i) => i),
  );
  return { node: { ...node, input: child.node }, map: new Map(node.outputs.map((_, i) => [i, i])) };
};

const pruneEnforceSingleRow: Pruner<NodeOf<'EnforceSingleRow'>> = (node, required) => {
  const child = prune(node.input, required);
  return { node: { ...node, input: child.node, outputs: child.node.outputs }, map: child.map };
};

const pruneUnion: Pruner<NodeOf<'Union'>> = (node, required) => {
  const { keep, map } = keepOnly(required);
  const inputs = node.inputs.map((input) => {
    const child = prune(input, keep);
    const f = via(child.map);
    const identityLayout = child.node.outputs.length === keep.length && keep.every((c, i) => f(c) === i);
    if (identityLayout) return child.node;
    return {
      kind: 'Project',
      input: child.node,
      exprs: keep.map((c) => ({ kind: 'input', channel: f(c), type: input.outputs[c]!.type }) as Expr),
      outputs: keep.map((c) => input.outputs[c]!),
    } as PlanNode;
  });
  return { node: { ...node, inputs, outputs: keep.map((c) => node.outputs[c]!) }, map };
};

const pruneWindow: Pruner<NodeOf<'Window'>> = (node, required) => {
  const width = node.input.outputs.length;
  const keepFns = sortedUnique(required.filter((c) => c >= width).map((c) => c - width));
  if (keepFns.length === 0) return prune(node.input, required);
  const functions = keepFns.map((k) => node.functions[k]!);
  const need = [
    ...required.filter((c) => c < width),
    ...node.partitionBy,
    ...node.orderBy.map((k) => k.channel),
    ...functions.flatMap((fn) => fn.args),
  ];
  const child = prune(node.input, sortedUnique(need));
  const f = via(child.map);
  const childWidth = child.node.outputs.length;
  const map = new Map(child.map);
  keepFns.forEach((k, i) => map.set(width + k, childWidth + i));
  return {
    node: {
      ...node,
      input: child.node,
      partitionBy: node.partitionBy.map(f),
      orderBy: remapKeys(node.orderBy, f),
      functions: functions.map((fn) => ({ ...fn, args: fn.args.map(f) })),
      outputs: [...child.node.outputs, ...keepFns.map((k) => node.outputs[width + k]!)],
    },
    map,
  };
};

const pruneMarkDistinct: Pruner<NodeOf<'MarkDistinct'>> = (node, required) => {
  const width = node.input.outputs.length;
  if (!required.includes(width)) return prune(node.input, required);
  const need = [
    ...required.filter((c) => c < width),
    ...node.distinct,
    ...(node.mask !== undefined ? [node.mask] : []),
  ];
  const child = prune(node.input, sortedUnique(need));
  const f = via(child.map);
  const map = new Map(child.map);
  map.set(width, child.node.outputs.length);
  return {
    node: {
      ...node,
      input: child.node,
      distinct: node.distinct.map(f),
      ...(node.mask !== undefined ? { mask: f(node.mask) } : {}),
      outputs: [...child.node.outputs, node.outputs[width]!],
    },
    map,
  };
};

/** Replicated columns nobody reads are dropped; the collections (which decide the rows) stay. */
const pruneUnnest: Pruner<NodeOf<'Unnest'>> = (node, required) => {
  const r = node.replicate.length;
  const keep = sortedUnique(required.filter((c) => c < r));
  const child = prune(node.input, sortedUnique([...keep.map((j) => node.replicate[j]!), ...node.unnest]));
  const f = via(child.map);
  const map = new Map<number, number>(keep.map((j, i) => [j, i]));
  for (let c = r; c < node.outputs.length; c++) map.set(c, c - r + keep.length);
  return {
    node: {
      ...node,
      input: child.node,
      replicate: keep.map((j) => f(node.replicate[j]!)),
      unnest: node.unnest.map(f),
      outputs: [...keep.map((j) => node.outputs[j]!), ...node.outputs.slice(r)],
    },
    map,
  };
};

const pruneGroupId: Pruner<NodeOf<'GroupId'>> = (node, required) => {
  const k = node.keys.length;
  const keepPass = sortedUnique(
    required.filter((c) => c >= k && c < k + node.passThrough.length).map((c) => c - k),
  );
  const child = prune(node.input, sortedUnique([...node.keys, ...keepPass.map((p) => node.passThrough[p]!)]));
  const f = via(child.map);
  const map = new Map<number, number>(node.keys.map((_, i) => [i, i]));
  keepPass.forEach((p, i) => map.set(k + p, k + i));
  map.set(k + node.passThrough.length, k + keepPass.length);
  return {
    node: {
      ...node,
      input: child.node,
      keys: node.keys.map(f),
      passThrough: keepPass.map((p) => f(node.passThrough[p]!)),
      outputs: [
        ...node.outputs.slice(0, k),
        ...keepPass.map((p) => node.outputs[k + p]!),
        node.outputs[k + node.passThrough.length]!,
      ],
    },
    map,
  };
};

/** Channels of a two-input node's condition, split by side (right side rebased to 0). */
function splitChannels(e: Expr | undefined, leftWidth: number): { left: number[]; right: number[] } {
  const all = e ? [...inputChannels(e)] : [];
  return {
    left: all.filter((c) => c < leftWidth),
    right: all.filter((c) => c >= leftWidth).map((c) => c - leftWidth),
  };
}

function remapTwoSided(e: Expr, leftWidth: number, left: Pruned, right: Pruned): Expr {
  const newLeftWidth = left.node.outputs.length;
  return remapChannels(e, (c) =>
    c < leftWidth ? via(left.map)(c) : newLeftWidth + via(right.map)(c - leftWidth),
  );
}

function pruneJoin(node: JoinNode, required: number[]): Pruned {
  const width = node.input.outputs.length;
  const cond = splitChannels(node.filter, width);
  const left = prune(
    node.input,
    sortedUnique([...required.filter((c) => c < width), ...node.leftKeys, ...cond.left]),
  );
  const right = prune(
    node.build,
    sortedUnique([
      ...required.filter((c) => c >= width).map((c) => c - width),
      ...node.rightKeys,
      ...cond.right,
    ]),
  );
  const newLeftWidth = left.node.outputs.length;
  const map = new Map(left.map);
  for (const [o, n] of right.map) map.set(o + width, n + newLeftWidth);
  return {
    node: {
      ...node,
      input: left.node,
      build: right.node,
      leftKeys: node.leftKeys.map(via(left.map)),
      rightKeys: node.rightKeys.map(via(right.map)),
      ...(node.filter ? { filter: remapTwoSided(node.filter, width, left, right) } : {}),
      outputs: [...left.node.outputs, ...right.node.outputs],
    },
    map,
  };
}

function pruneSemiJoin(node: SemiJoinNode, required: number[]): Pruned {
  const width = node.input.outputs.length;
  const cond = splitChannels(node.filter, width);
  const left = prune(
    node.input,
    sortedUnique([
      ...required.filter((c) => c < width),
      ...node.leftKeys,
      ...cond.left,
      ...(node.compare ? [node.compare.left] : []),
    ]),
  );
  const right = prune(
    node.build,
    sortedUnique([...node.rightKeys, ...cond.right, ...(node.compare ? [node.compare.right] : [])]),
  );
  const fl = via(left.map);
  const fr = via(right.map);
  const map = new Map(left.map);
  map.set(width, left.node.outputs.length);
  return {
    node: {
      ...node,
      input: left.node,
      build: right.node,
      leftKeys: node.leftKeys.map(fl),
      rightKeys: node.rightKeys.map(fr),
      ...(node.compare ? { compare: { left: fl(node.compare.left), right: fr(node.compare.right) } } : {}),
      ...(node.filter ? { filter: remapTwoSided(node.filter, width, left, right) } : {}),
      outputs: [...left.node.outputs, node.outputs[width]!],
    },
    map,
  };
}

/** One pruner per plan node kind; a kind missing here fails to compile. */
const PRUNERS: { readonly [K in PlanNode['kind']]: Pruner<NodeOf<K>> } = {
  TableScan: pruneTableScan,
  Values: pruneValues,
  RemoteSource: keepAll,
  Exchange: keepAll,
  Filter: pruneFilter,
  Project: pruneProject,
  Aggregate: pruneAggregate,
  Sort: pruneSorted,
  TopN: pruneSorted,
  Limit: pruneLimit,
  AssignUniqueId: pruneAssignUniqueId,
  Unnest: pruneUnnest,
  TableWriter: pruneTableWriter,
  EnforceSingleRow: pruneEnforceSingleRow,
  Join: pruneJoin,
  SemiJoin: pruneSemiJoin,
  Union: pruneUnion,
  Window: pruneWindow,
  MarkDistinct: pruneMarkDistinct,
  GroupId: pruneGroupId,
};
