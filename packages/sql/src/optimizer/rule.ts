import type { Expr } from '../expr/ir.js';
import { children, withChildren, type PlanNode } from '../plan/nodes.js';
import type { Session } from '../plan/session.js';
import type { TableRef } from '../spi/connector.js';

/** What rules may consult besides the plan. */
export interface OptimizerContext {
  readonly session?: Session;
  /** Estimated distinct values of a table's column (connector statistics), when known. */
  readonly distinctCount?: (table: TableRef, column: string) => number | undefined;
}

/** One optimizer rule: a pure function from plan to equivalent plan. */
export interface PlanRule {
  readonly name: string;
  apply(node: PlanNode, ctx?: OptimizerContext): PlanNode;
}

/** Rebuilds a plan bottom-up, letting `f` replace each node after its inputs were rebuilt. */
export function transformUp(node: PlanNode, f: (n: PlanNode) => PlanNode): PlanNode {
  const kids = children(node);
  if (kids.length === 0) return f(node);
  return f(
    withChildren(
      node,
      kids.map((k) => transformUp(k, f)),
    ),
  );
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
      case 'Join':
      case 'SemiJoin':
        return node.filter ? { ...node, filter: f(node.filter) } : node;
      case 'TableScan':
        return node.pruneBy ? { ...node, pruneBy: f(node.pruneBy) } : node;
      default:
        return node;
    }
  });
}
