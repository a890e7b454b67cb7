import { resolveAggregate } from '../functions/index.js';
import type { AggregateNode, Column, ExchangeNode, PlanNode } from '../plan/nodes.js';

/**
 * Places exchanges into a logical plan: where a node needs its input's rows together (a final
 * aggregation, a sort, the query result) and the input is spread over tasks, the input is
 * redistributed. Aggregations are split into a partial step before the exchange and a final step
 * after it, so only partial states travel.
 */
type Distribution = 'source' | 'hash' | 'single';

interface Distributed {
  readonly node: PlanNode;
  readonly distribution: Distribution;
}

export function addExchanges(root: PlanNode): PlanNode {
  const d = distribute(root);
  return d.distribution === 'single' ? d.node : gather(d.node);
}

function gather(node: PlanNode): ExchangeNode {
  return { kind: 'Exchange', input: node, partitioning: { kind: 'single' }, outputs: node.outputs };
}

function distribute(node: PlanNode): Distributed {
  switch (node.kind) {
    case 'TableScan':
      return { node, distribution: 'source' };
    case 'Values':
    case 'RemoteSource':
      return { node, distribution: 'single' };
    case 'Exchange': {
      const input = distribute(node.input);
      return {
        node: { ...node, input: input.node },
        distribution: node.partitioning.kind === 'hash' ? 'hash' : 'single',
      };
    }
    case 'Filter':
    case 'Project': {
      const input = distribute(node.input);
      return { node: { ...node, input: input.node } as PlanNode, distribution: input.distribution };
    }
    case 'Aggregate': {
      const input = distribute(node.input);
      if (input.distribution === 'single')
        return { node: { ...node, input: input.node }, distribution: 'single' };
      return splitAggregation(node, input.node);
    }
    case 'Sort': {
      const input = distribute(node.input);
      return { node: { ...node, input: single(input) }, distribution: 'single' };
    }
    case 'TopN': {
      const input = distribute(node.input);
      if (input.distribution === 'single')
        return { node: { ...node, input: input.node }, distribution: 'single' };
      const partial: PlanNode = { ...node, input: input.node };
      return { node: { ...node, input: gather(partial) }, distribution: 'single' };
    }
    case 'Limit': {
      const input = distribute(node.input);
      if (input.distribution === 'single')
        return { node: { ...node, input: input.node }, distribution: 'single' };
      const partial: PlanNode = { ...node, input: input.node, count: node.count + node.offset, offset: 0 };
      return { node: { ...node, input: gather(partial) }, distribution: 'single' };
    }
  }
}

function single(d: Distributed): PlanNode {
  return d.distribution === 'single' ? d.node : gather(d.node);
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
  const exchange: ExchangeNode = {
    kind: 'Exchange',
    input: partial,
    partitioning: keys > 0 ? { kind: 'hash', channels } : { kind: 'single' },
    outputs: partial.outputs,
  };
  const final: AggregateNode = { ...node, input: exchange, step: 'final', groupBy: channels };
  return { node: final, distribution: keys > 0 ? 'hash' : 'single' };
}
