import type { WriteHandle } from '../spi/writes.js';
import type { DdlCommand } from './ddl.js';
import type { PlanNode, Partitioning, Column, SortKey } from './nodes.js';

/**
 * A stage's plan: what each of its tasks runs. Leaves are table scans (the stage is split by the
 * connector's splits: "source" distribution) or remote sources (the stage has one task per input
 * partition: "hash" or "single" distribution).
 */
export interface PlanFragment {
  readonly id: number;
  readonly root: PlanNode;
  /** How the stage's tasks are formed. */
  readonly distribution: 'source' | 'hash' | 'single';
  /** How the stage's output is partitioned for its consumer. */
  readonly outputPartitioning: Partitioning;
  /** Sorted output: each output partition is ordered by these keys. */
  readonly outputOrder?: readonly SortKey[];
  readonly outputs: readonly Column[];
  /** Fragments this one reads, through RemoteSource nodes. */
  readonly inputs: readonly number[];
}

/** A query's fragments; `rootId`'s single partition is the query result. */
export interface DistributedPlan {
  readonly fragments: readonly PlanFragment[];
  readonly rootId: number;
  /** Result column names and types, as the client sees them. */
  readonly columns: readonly Column[];
  /**
   * A write (CREATE TABLE AS, INSERT): the root stage's rows are the writers' fragments
   * (`rows` bigint, `fragment` varchar holding a JSON `WriteFragment`) of the winning attempts; the
   * coordinator commits them with the catalog's `commitWrite` and the client sees one row, `rows`.
   */
  readonly write?: { readonly handle: WriteHandle };
  /**
   * EXPLAIN ANALYZE: the query runs as planned, and instead of its rows the client sees one row,
   * `Query Plan`, the distributed plan with what each stage's tasks did (VERBOSE: each task too).
   */
  readonly analyze?: { readonly verbose: boolean };
  /**
   * DDL: the change to a catalog the statement makes, which the coordinator runs (`executeDdl`)
   * before the plan — an empty result, or `rows` 0 — runs as any query does.
   */
  readonly ddl?: DdlCommand;
}
