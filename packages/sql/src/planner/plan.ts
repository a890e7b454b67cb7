import { QuarryError } from '@quarry/common';
import type { Statement } from '../parser/ast.js';
import type { DistributedPlan } from '../plan/fragment.js';
import type { PlanNode } from '../plan/nodes.js';
import { optimize } from '../optimizer/index.js';
import { addExchanges } from './distribute.js';
import { fragmentPlan } from './fragment.js';
import { boundedRecursion, checkPlanDepth } from './limits.js';
import type { PlannerMetadata } from './metadata.js';
import { QueryPlanner } from './query.js';

/** Statement → optimized logical plan. */
export function planLogical(statement: Statement, metadata: PlannerMetadata): PlanNode {
  if (statement.kind !== 'Query') {
    throw new QuarryError('NOT_SUPPORTED', `${statement.kind} statements are not supported yet`, {
      location: statement.loc,
    });
  }
  return boundedRecursion(() => {
    const planned = new QueryPlanner(metadata).planQuery(statement);
    checkPlanDepth(planned.node);
    return optimize(planned.node, undefined, {
      session: metadata.session,
      distinctCount: (table, column) => metadata.distinctCount(table, column),
    });
  });
}

/** Statement → stages connected by exchanges, ready to schedule. */
export function planDistributed(statement: Statement, metadata: PlannerMetadata): DistributedPlan {
  return distributedPlan(planLogical(statement, metadata));
}

/** A logical plan cut into stages at the exchanges it needs. */
export function distributedPlan(logical: PlanNode): DistributedPlan {
  const fragments = boundedRecursion(() => fragmentPlan(addExchanges(logical)));
  return { fragments, rootId: 0, columns: logical.outputs };
}
