import type { ErrorData } from '@quarry/common';
import type { DistributedPlan, Procedure, Session } from '@quarry/sql';

/**
 * What the coordinator's main thread and its planner threads say to each other (planner-pool.ts,
 * planner-thread.ts). Everything is structured-cloned by `postMessage`: plans and sessions are
 * plain data, errors travel as {@link ErrorData} and are rebuilt as `QuarryError` on arrival.
 */

/** A catalog as a planner thread sees it: its name and what the planner asks of its connector. */
export interface CatalogInfo {
  readonly name: string;
  readonly connectorName: string;
  /** Whether the connector takes DDL and writes (`isWritable`): the planner checks statements against it. */
  readonly writable: boolean;
  readonly supportsFaultTolerantWrites: boolean;
  /** Whether the connector stores views (`hasViews`). */
  readonly views: boolean;
  /** Whether the connector lists its tables' rows while planning (`listsRows`). */
  readonly listsRows: boolean;
  /** The procedures the connector offers to CALL (`hasProcedures`); none when empty. */
  readonly procedures: readonly Procedure[];
}

/**
 * The connector methods a planner thread may call on the main thread's connectors: metadata, and
 * `beginWrite`. DDL and CALL are no planner's: the plan carries them (`DistributedPlan.ddl`), and
 * the query's actor runs them on the main thread.
 */
export const CONNECTOR_CALLS = [
  'listSchemas',
  'schemaExists',
  'listTables',
  'getTable',
  'beginWrite',
  'getView',
  'listViews',
  'listRows',
] as const;
export type ConnectorCall = (typeof CONNECTOR_CALLS)[number];

/** The calls that need a writable connector. */
export const WRITE_CALLS: ReadonlySet<ConnectorCall> = new Set(['beginWrite']);

/** The calls that need a connector that stores views. */
export const VIEW_CALLS: ReadonlySet<ConnectorCall> = new Set(['getView', 'listViews']);

/** Main thread → planner thread. */
export type PlannerRequest =
  | {
      readonly type: 'plan';
      readonly jobId: number;
      readonly sql: string;
      readonly session: Session;
      readonly maxStageCount?: number;
      readonly catalogs: readonly CatalogInfo[];
    }
  | { readonly type: 'answer'; readonly callId: number; readonly value: unknown }
  | { readonly type: 'answer'; readonly callId: number; readonly error: ErrorData };

/** Planner thread → main thread. */
export type PlannerMessage =
  /** The thread has loaded the parser and planner and takes statements. */
  | { readonly type: 'ready' }
  | {
      readonly type: 'call';
      readonly jobId: number;
      readonly callId: number;
      readonly catalog: string;
      readonly method: ConnectorCall;
      readonly args: readonly unknown[];
    }
  | { readonly type: 'planned'; readonly jobId: number; readonly plan: DistributedPlan }
  | { readonly type: 'failed'; readonly jobId: number; readonly error: ErrorData };
