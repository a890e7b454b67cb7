import type { Expr } from '../expr/ir.js';
import type { PlanNode } from '../plan/nodes.js';

/** One optimizer rule: a pure function from plan to equivalent plan. */
export interface PlanRule {
  readonly name: string;
  apply(node: PlanNode): PlanNode;
}

/** Rebuilds a plan bottom-up, letting `f` replace each node after its inputs were rebuilt. */
export function transformUp(node: PlanNode, f: (n: PlanNode) => PlanNode): PlanNode {
  switch (node.kind) {
    case 'TableScan':
    case 'Values':
    case 'RemoteSource':
      return f(node);
    default:
      return f({ ...node, input: transformUp(node.input, f) } as PlanNode);
  }
}

/** Applies `f` to every row expression in the plan. */
export function mapExpressions(root: PlanNode, f: (e: Expr) => Expr): PlanNode {
  return transformUp(root, (node) => {
    switch (node.kind) {
      case 'Filter':
        return { ...node, predicate: f(node.predicate) };
      case 'Project':
        return { ...node, exprs: node.exprs.map(f) };
      case 'Values':
        return { ...node, rows: node.rows.map((r) => r.map(f)) };
      default:
        return node;
    }
  });
}
