import { QuarryError } from '@quarry/common';
import type { Statement } from '../parser/ast.js';
import type { DistributedPlan } from '../plan/fragment.js';
import type { PlanNode } from '../plan/nodes.js';
import { optimize } from '../optimizer/index.js';
import { addExchanges } from './distribute.js';
import { fragmentPlan } from './fragment.js';
import { PlannerMetadata, type Session } from './metadata.js';
import type { CatalogRegistry } from '../spi/connector.js';
import { QueryPlanner } from './query.js';

export { PlannerMetadata, collectTableNames, type Session } from './metadata.js';
export { addExchanges } from './distribute.js';
export { fragmentPlan } from './fragment.js';

/** Statement → optimized logical plan. */
export function planLogical(statement: Statement, metadata: PlannerMetadata): PlanNode {
  if (statement.kind !== 'Query') {
    throw new QuarryError('NOT_SUPPORTED', `${statement.kind} statements are not supported yet`, {
      location: statement.loc,
    });
  }
  const planned = new QueryPlanner(metadata).planQuery(statement);
  return optimize(planned.node);
}

/** Statement → stages connected by exchanges, ready to schedule. */
export function planDistributed(statement: Statement, metadata: PlannerMetadata): DistributedPlan {
  const logical = planLogical(statement, metadata);
  const fragments = fragmentPlan(addExchanges(logical));
  return { fragments, rootId: 0, columns: logical.outputs };
}

/**
 * The coordinator's entry point: a parsed statement → its distributed plan, fetching whatever
 * metadata it needs from the catalogs. Statements that only read metadata (SHOW …, DESCRIBE,
 * EXPLAIN) plan to a single stage of VALUES computed here, so they run like any query.
 */
export async function planStatement(statement: Statement, catalogs: CatalogRegistry, session: Session): Promise<DistributedPlan> {
  const metadata = await PlannerMetadata.load(statement, catalogs, session);
  return planDistributed(statement, metadata);
}
