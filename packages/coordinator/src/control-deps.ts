import type { Logger } from '@quarry/common';
import type { ExchangeManager } from '@quarry/exchange';
import type { ActorSystem } from '@quarry/runtime';
import type { CatalogRegistry } from '@quarry/sql';
import type { AttemptStore } from './attempt-store.js';
import type { CoordinatorConfig } from './config.js';
import type { CoordinatorMetrics } from './metrics.js';
import type { QueryExecution } from './query.js';
import type { QueryJournal } from './query-journal.js';
import type { WorkerRegistry } from './worker-registry.js';

/** What `QueryControl` and `QueryEnd` work with: the leader term's parts. */
export interface ControlDeps {
  readonly config: CoordinatorConfig;
  readonly system: ActorSystem;
  readonly store: AttemptStore;
  readonly exchange: ExchangeManager;
  readonly registry: WorkerRegistry;
  readonly metrics: CoordinatorMetrics;
  /** The catalogs, for committing and aborting writes. */
  readonly catalogs: CatalogRegistry;
  readonly logger: Logger;
  /** Runs the scheduling loop again (a slot freed, a task became runnable). */
  readonly schedule: () => void;
  /** Forgets a query once its result is gone. */
  readonly forget: (q: QueryExecution) => void;
  /** Bytes a winning attempt wrote to the exchange. */
  readonly spooled: (bytes: number) => void;
  /** The query-level records a new leader rebuilds queries from. */
  readonly journal: QueryJournal;
  /**
   * The epoch of this leader's term: worker commands carry it, also while the lease is unsure (a
   * worker that has seen a newer one refuses them, and the term stands down).
   */
  readonly epoch: () => number | undefined;
  /** Whether this coordinator still leads: a deposed one's timers delete and abort nothing. */
  readonly mayAct: () => boolean;
  /** A worker refused a command as coming from an older epoch: a newer leader exists. */
  readonly stale: (reason: string) => void;
}
