import { internalError } from '@quarry/common';
import { inputChannels, remapChannels } from '../../expr/ir.js';
import type { AggregateCall, PlanNode, SortKey } from '../../plan/nodes.js';
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

function prune(node: PlanNode, required: number[]): Pruned {
  switch (node.kind) {
    case 'TableScan': {
      const keep = sortedUnique(required);
      return {
        node: {
          ...node,
          columns: keep.map((c) => node.columns[c]!),
          outputs: keep.map((c) => node.outputs[c]!),
        },
        map: new Map(keep.map((c, i) => [c, i])),
      };
    }
    case 'Values': {
      const keep = sortedUnique(required);
      return {
        node: {
          ...node,
          rows: node.rows.map((r) => keep.map((c) => r[c]!)),
          outputs: keep.map((c) => node.outputs[c]!),
        },
        map: new Map(keep.map((c, i) => [c, i])),
      };
    }
    case 'RemoteSource':
    case 'Exchange':
      return { node, map: identity(node.outputs.length) };
    case 'Filter': {
      const child = prune(node.input, sortedUnique([...required, ...inputChannels(node.predicate)]));
      const predicate = remapChannels(node.predicate, via(child.map));
      return { node: { ...node, input: child.node, predicate, outputs: child.node.outputs }, map: child.map };
    }
    case 'Project': {
      const keep = sortedUnique(required);
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
        map: new Map(keep.map((c, i) => [c, i])),
      };
    }
    case 'Aggregate': {
      const groups = node.groupBy.length;
      const keepAggs = sortedUnique(required.filter((c) => c >= groups).map((c) => c - groups));
      const aggregates = keepAggs.map((a) => node.aggregates[a]!);
      const need = [
        ...node.groupBy,
        ...aggregates.flatMap((a) => [...a.args, ...(a.mask !== undefined ? [a.mask] : [])]),
      ];
      const child = prune(node.input, sortedUnique(need));
      const f = via(child.map);
      const remapped: AggregateCall[] = aggregates.map((a) => ({
        ...a,
        args: a.args.map(f),
        ...(a.mask !== undefined ? { mask: f(a.mask) } : {}),
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
    }
    case 'Sort':
    case 'TopN': {
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
    }
    case 'Limit': {
      const child = prune(node.input, required);
      return { node: { ...node, input: child.node, outputs: child.node.outputs }, map: child.map };
    }
  }
}
