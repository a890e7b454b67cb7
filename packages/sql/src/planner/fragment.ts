import type { PlanFragment } from '../plan/fragment.js';
import type { Partitioning, PlanNode } from '../plan/nodes.js';

/**
 * Cuts a plan with exchanges into fragments: the subtree under each Exchange becomes a fragment
 * whose output is partitioned as the exchange says, and the exchange becomes a RemoteSource of
 * the fragment above. Fragment 0 is the root; its single output partition is the query result.
 */
export function fragmentPlan(root: PlanNode): PlanFragment[] {
  const fragments: PlanFragment[] = [];
  let nextId = 0;

  const cut = (node: PlanNode, outputPartitioning: Partitioning): number => {
    const id = nextId++;
    const inputs: number[] = [];
    let hasScan = false;
    let hashInput = false;
    const rewrite = (n: PlanNode): PlanNode => {
      switch (n.kind) {
        case 'Exchange': {
          const child = cut(n.input, n.partitioning);
          inputs.push(child);
          if (n.partitioning.kind === 'hash') hashInput = true;
          return { kind: 'RemoteSource', sourceFragments: [child], outputs: n.outputs };
        }
        case 'TableScan':
          hasScan = true;
          return n;
        case 'Values':
        case 'RemoteSource':
          return n;
        default:
          return { ...n, input: rewrite(n.input) } as PlanNode;
      }
    };
    const placeholder = fragments.length;
    fragments.push(undefined as unknown as PlanFragment);
    const rewritten = rewrite(node);
    fragments[placeholder] = {
      id,
      root: rewritten,
      distribution: hasScan ? 'source' : hashInput ? 'hash' : 'single',
      outputPartitioning,
      outputs: rewritten.outputs,
      inputs,
    };
    return id;
  };

  // The root stage runs as one task (its output is the result), so a gathering exchange on top
  // stays: below it the plan may be spread over many tasks.
  cut(root, { kind: 'single' });
  return fragments.sort((a, b) => a.id - b.id);
}
