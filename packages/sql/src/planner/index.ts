import type { Statement } from '../parser/ast.js';
import type { DistributedPlan } from '../plan/fragment.js';
import type { CatalogRegistry } from '../spi/connector.js';
import { PlannerMetadata, type Session } from './metadata.js';
import { asTooComplex, checkStageCount, type PlannerOptions } from './limits.js';
import { planDistributed } from './plan.js';
import { planCall } from './procedures.js';
import { planMetadataStatement } from './statements.js';
import { planViewStatement } from './views.js';
import { planWriteStatement } from './writes.js';

export { PlannerMetadata, collectTableNames, type Session } from './metadata.js';
export { addExchanges } from './distribute.js';
export { fragmentPlan } from './fragment.js';
export { scanConstraint } from './constraint.js';
export { planLogical, planDistributed, distributedPlan } from './plan.js';
export { DEFAULT_MAX_STAGE_COUNT, MAX_PLAN_DEPTH, checkStageCount, type PlannerOptions } from './limits.js';

/**
 * The coordinator's entry point: a parsed statement → its distributed plan, fetching whatever
 * metadata it needs from the catalogs. Statements that only read metadata (SHOW …, DESCRIBE,
 * EXPLAIN) plan to a single stage of VALUES computed here, so they run like any query. A plan with
 * more stages than `options.maxStageCount` (`query.max-stage-count`) fails with QUERY_TOO_COMPLEX.
 */
export async function planStatement(
  statement: Statement,
  catalogs: CatalogRegistry,
  session: Session,
  options: PlannerOptions = {},
): Promise<DistributedPlan> {
  const plan = await planAny(statement, catalogs, session).catch((e: unknown) => {
    throw asTooComplex(e);
  });
  checkStageCount(plan, options.maxStageCount);
  return plan;
}

async function planAny(
  statement: Statement,
  catalogs: CatalogRegistry,
  session: Session,
): Promise<DistributedPlan> {
  if (statement.kind === 'Call') return planCall(statement, catalogs, session);
  if (statement.kind !== 'Query') {
    const plan =
      (await planMetadataStatement(statement, catalogs, session)) ??
      (await planViewStatement(statement, catalogs, session)) ??
      (await planWriteStatement(statement, catalogs, session));
    if (plan) return plan;
  }
  const metadata = await PlannerMetadata.load(statement, catalogs, session);
  return planDistributed(statement, metadata);
}
