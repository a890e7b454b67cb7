import { Type } from '@sinclair/typebox';
import {
  Count,
  decoderFor,
  Int,
  Millis,
  SafeId,
  SecretText,
  Strict,
  Text,
  type MessageOf,
} from './schema.js';
import { MAX_SQL_LENGTH } from './requests.js';
import { ErrorTypeSchema } from './values.js';

/** Most workers a cluster view lists, and most queries a listing may ask for. */
export const MAX_WORKERS = 10_000;
export const MAX_LISTED_QUERIES = 1000;

const QueryCounts = Type.Object({ running: Count, queued: Count });

/** On `coordinator.info` (ask): nothing to say. */
export const ClusterInfoRequestSchema = Strict({});
export type ClusterInfoRequest = MessageOf<typeof ClusterInfoRequestSchema>;

/** Reply to `coordinator.info`. */
export const ClusterInfoSchema = Type.Object({
  coordinatorId: SafeId,
  workers: Type.Array(
    Type.Object({
      workerId: SafeId,
      slots: Count,
      runningTasks: Count,
      draining: Type.Boolean(),
      heartbeatAgeMs: Millis,
      host: Text(255),
      pid: Count,
      /**
       * While the worker is kept from new tasks (a task of it was overtaken by a speculative
       * attempt, or it failed several in a short time): for how much longer, and why.
       */
      blocked: Type.Optional(Type.Object({ remainingMs: Millis, reason: Text(1000) })),
    }),
    { maxItems: MAX_WORKERS },
  ),
  queries: QueryCounts,
  /**
   * The cluster's coordinator processes (leader and standbys) as their Redis registrations say,
   * leader first; absent from coordinators that predate failover.
   */
  coordinators: Type.Optional(
    Type.Array(
      Type.Object({
        coordinatorId: SafeId,
        role: Type.Union([Type.Literal('leader'), Type.Literal('standby')]),
        /** The lease epoch it leads under (leader), or the last epoch it saw (standby). */
        epoch: Count,
        host: Text(255),
        pid: Count,
        /** When it started, and when it last renewed its registration (ms since the epoch). */
        since: Millis,
        seenAgeMs: Millis,
      }),
      { maxItems: 64 },
    ),
  ),
});
export type ClusterInfo = MessageOf<typeof ClusterInfoSchema>;

/** On `cluster.load`, every second. */
export const ClusterLoadSchema = Type.Object({
  time: Millis,
  workers: Count,
  drainingWorkers: Count,
  /** Task slots of workers that are not draining. */
  slots: Count,
  freeSlots: Count,
  runningTasks: Count,
  /** Tasks waiting: in runnable or not-yet-runnable stages, or waiting out a retry delay. */
  queuedTasks: Count,
  queries: QueryCounts,
});
export type ClusterLoad = MessageOf<typeof ClusterLoadSchema>;

/** On `coordinator.queries` (ask): the most recent `limit` queries (default 20). */
/**
 * On `coordinator.queries` (ask): the most recent queries among those whose capabilities the asker
 * presents (its own), or all of them with an admin token.
 */
export const QueriesRequestSchema = Strict({
  limit: Type.Optional(Int(1, MAX_LISTED_QUERIES)),
  capabilities: Type.Optional(Type.Array(SecretText, { maxItems: MAX_LISTED_QUERIES })),
  adminToken: Type.Optional(SecretText),
});
export type QueriesRequest = MessageOf<typeof QueriesRequestSchema>;

/** Reply to `coordinator.queries`. */
export const QueryListingSchema = Type.Object({
  queries: Type.Array(
    Type.Object({
      queryId: SafeId,
      state: Text(32),
      sql: Text(MAX_SQL_LENGTH),
      retryPolicy: Text(32),
      created: Millis,
      elapsedMs: Type.Optional(Millis),
      error: Type.Optional(Type.Object({ code: Text(64), type: ErrorTypeSchema, message: Text(64 * 1024) })),
    }),
    { maxItems: MAX_LISTED_QUERIES },
  ),
});
export type QueryListing = MessageOf<typeof QueryListingSchema>;

export const decodeClusterInfoRequest = decoderFor(ClusterInfoRequestSchema, {
  name: 'cluster info request',
});
export const decodeClusterInfo = decoderFor(ClusterInfoSchema, { name: 'cluster info' });
export const decodeClusterLoad = decoderFor(ClusterLoadSchema, { name: 'cluster load' });
export const decodeQueriesRequest = decoderFor(QueriesRequestSchema, { name: 'queries request' });
export const decodeQueryListing = decoderFor(QueryListingSchema, { name: 'query listing' });
