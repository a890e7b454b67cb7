import type { PlanNode } from '../plan/nodes.js';
import type { Scope } from './scope.js';

/** A planned relation: its plan and the scope its columns are visible in. */
export interface RelationPlan {
  readonly node: PlanNode;
  readonly scope: Scope;
}
