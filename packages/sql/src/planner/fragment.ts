import type { PlanFragment } from '../plan/fragment.js';
import { children, withChildren, type Partitioning, type PlanNode } from '../plan/nodes.js';

/**
 * Cuts a plan with exchanges into fragments: the subtree under each Exchange becomes a fragment
 * whose output is partitioned as the exchange says, and the exchange becomes a RemoteSource of
 * the fragment above. Fragment 0 is the root; its single output partition is the query result.
 * Fragments are numbered depth-first, a join's probe side before its build side. Identical
 * exchanges share one fragment (a WITH query referenced twice is computed once): its output is read
 * by each consumer, as the scheduler hands every consumer task its partition of a producer.
 *
 * A fragment with a table scan is a source stage (one task per group of splits; at most one scan
 * per fragment, on the probe path); else it is a hash stage when it reads a hash-partitioned
 * exchange, else a single task. Broadcast and single inputs are read whole by every task.
 */
export function fragmentPlan(root: PlanNode): PlanFragment[] {
  const fragments: PlanFragment[] = [];
  let nextId = 0;
  // identical exchanges (a WITH query referenced twice) share one fragment, read by both consumers
  const shared = new Map<string, number>();

  const cut = (node: PlanNode, outputPartitioning: Partitioning): number => {
    const id = nextId++;
    const inputs: number[] = [];
    let hasScan = false;
    let hashInput = false;
    const rewrite = (n: PlanNode): PlanNode => {
      switch (n.kind) {
        case 'Exchange': {
          const key = deterministic(n) ? JSON.stringify([n.partitioning, n.input]) : undefined;
          let child = key !== undefined ? shared.get(key) : undefined;
          if (child === undefined) {
            child = cut(n.input, n.partitioning);
            if (key !== undefined) shared.set(key, child);
          }
          if (!inputs.includes(child)) inputs.push(child);
          if (n.partitioning.kind === 'hash') hashInput = true;
          return { kind: 'RemoteSource', sourceFragments: [child], outputs: n.outputs };
        }
        case 'TableScan':
          hasScan = true;
          return n;
        default:
          return withChildren(n, children(n).map(rewrite));
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

/** Whether a subtree gives the same rows each time it runs (no random()). */
function deterministic(node: PlanNode): boolean {
  return !/"fn":"random/.test(JSON.stringify(node));
}
