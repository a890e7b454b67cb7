import { QuarryError, internalError, traceMark } from '@quarry/common';
import {
  executeDdl,
  typeToString,
  type CatalogRegistry,
  type DistributedPlan,
  type Session,
  type Split,
} from '@quarry/sql';
import { scanConstraint, type PlanNode } from '@quarry/sql/internal';
import type { PlannerPool } from './planner-pool.js';
import type { QueryExecution } from './query.js';
import { QueryScheduler } from './scheduler.js';

const MAX_HASH_PARTITIONS = 50;

export interface PlanningContext {
  /** Where statements are parsed and planned, off the main thread. */
  readonly planner: PlannerPool;
  /** The coordinator's catalogs (splits are enumerated here, on the main thread). */
  readonly catalogs: CatalogRegistry;
  /** Task slots of the cluster now: how many splits groups and hash partitions suit it. */
  readonly slots: number;
  /** `query.hash-partition-count`; 0: the cluster's slots, at most 50. */
  readonly hashPartitionCount: number;
  /** `query.max-stage-count`: a plan with more stages is QUERY_TOO_COMPLEX (the planner's default when absent). */
  readonly maxStageCount?: number;
}

/**
 * QUEUED → PLANNING: SQL text → distributed plan (in a planner thread) → its DDL run, if it has
 * any → splits per source task → the query's scheduler. Failing the query meanwhile (cancel,
 * `query.max-planning-time`) stops its planner thread (`q.planning`).
 */
export async function planQuery(q: QueryExecution, ctx: PlanningContext): Promise<void> {
  if (!q.startPlanning()) throw internalError(`query ${q.id} cannot start planning in phase ${q.phase}`);
  sessionSpillEnabled(q.session); // a bad value fails the query now, not each task
  traceMark(q.logger, 'planning');
  const plan = await ctx.planner.plan({
    sql: q.sql,
    session: q.session,
    signal: q.planning.signal,
    ...(ctx.maxStageCount !== undefined ? { maxStageCount: ctx.maxStageCount } : {}),
  });
  traceMark(q.logger, 'planned (thread)');
  if (plan.ddl) {
    // DDL runs here, in the query's actor, on the coordinator's catalogs — not in the planner; a
    // query cancelled while it was planned changes nothing
    q.planning.signal.throwIfAborted();
    await executeDdl(plan.ddl, ctx.catalogs, q.session);
  }
  const slots = Math.max(1, ctx.slots);
  q.plan = plan;
  q.splits = await splitsOf(plan, ctx.catalogs, slots);
  q.hashPartitions =
    sessionInt(q.session, 'hash_partition_count') ??
    (ctx.hashPartitionCount || Math.min(MAX_HASH_PARTITIONS, slots));
  q.scheduler = new QueryScheduler(plan, q.splits, q.hashPartitions, 0);
  q.columns = plan.columns.map((c) => ({ name: c.name, type: typeToString(c.type) }));
  traceMark(q.logger, 'splits listed');
  q.logger.debug(
    { stages: plan.fragments.length, partitions: q.hashPartitions, retryPolicy: q.retry.policy },
    'query planned',
  );
}

/** Splits of each source stage, grouped into one list per task. */
async function splitsOf(
  plan: DistributedPlan,
  catalogs: CatalogRegistry,
  slots: number,
): Promise<Map<number, Split[][]>> {
  const out = new Map<number, Split[][]>();
  for (const f of plan.fragments) {
    if (f.distribution !== 'source') continue;
    const scan = findScan(f.root);
    if (!scan) continue;
    const pruning = scanConstraint(f.root);
    const connector = catalogs.get(scan.table.catalog);
    if (!connector) throw new QuarryError('CATALOG_NOT_FOUND', `Catalog '${scan.table.catalog}' not found`);
    const splits = await connector.splits(scan.table, {
      targetSplits: slots,
      ...(scan.wholeFiles && plan.write ? { rowLevelWrite: plan.write.handle } : {}),
      ...(pruning?.scan === scan ? { constraint: pruning.constraint } : {}),
    });
    const tasks = Math.max(1, Math.min(splits.length, slots));
    const groups: Split[][] = Array.from({ length: tasks }, () => []);
    splits.forEach((s, i) => groups[i % tasks]!.push(s));
    out.set(f.id, groups);
  }
  return out;
}

function findScan(node: PlanNode): Extract<PlanNode, { kind: 'TableScan' }> | undefined {
  if (node.kind === 'TableScan') return node;
  return 'input' in node ? findScan(node.input) : undefined;
}

function sessionInt(session: Session, name: string): number | undefined {
  const raw = session.properties[name];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 1000) {
    throw new QuarryError(
      'INVALID_SESSION_PROPERTY',
      `Session property ${name}='${raw}' is invalid: expected an integer in [1, 1000]`,
    );
  }
  return n;
}

/**
 * Session `spill_enabled` (true/false), which task specs carry to the workers; undefined when not
 * set (each worker's `spill-enabled` then decides).
 */
export function sessionSpillEnabled(session: Session): boolean | undefined {
  const raw = session.properties['spill_enabled'];
  if (raw === undefined) return undefined;
  const value = raw.trim().toLowerCase();
  if (value === 'true' || value === 'false') return value === 'true';
  throw new QuarryError(
    'INVALID_SESSION_PROPERTY',
    `Session property spill_enabled='${raw}' is invalid: expected true or false`,
  );
}
