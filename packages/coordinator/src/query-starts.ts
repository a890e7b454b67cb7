import { newQueryId, traceMark, type Logger } from '@quarry/common';
import { Addresses, type SubmitReply } from '@quarry/protocol';
import type { ActorSystem } from '@quarry/runtime';
import type { CatalogRegistry } from '@quarry/sql';
import { ANONYMOUS_USER, admissible } from './admission.js';
import type { AttemptStore } from './attempt-store.js';
import { Capabilities } from './capabilities.js';
import type { CoordinatorConfig } from './config.js';
import type { PlannerPool } from './planner-pool.js';
import { planQuery } from './planning.js';
import type { QueryControl } from './query-control.js';
import type { QueryExecution } from './query.js';
import { exceededTimeLimit } from './time-limits.js';
import { parseSubmission } from './submission.js';
import type { WorkerRegistry } from './worker-registry.js';

export interface QueryStartsDeps {
  readonly config: CoordinatorConfig;
  readonly system: ActorSystem;
  readonly store: AttemptStore;
  readonly capabilities: Capabilities;
  readonly control: QueryControl;
  readonly registry: WorkerRegistry;
  readonly catalogs: CatalogRegistry;
  readonly planner: PlannerPool;
  readonly logger: Logger;
  readonly queries: ReadonlyMap<string, QueryExecution>;
  /** Registers a query (see `LeaderTerm.newQuery`); throws on a bad session. */
  readonly newQuery: (id: string, sql: string, props: Readonly<Record<string, string>>) => QueryExecution;
  readonly mayAct: () => boolean;
  /** Whether the leader's term is still open (a closed term leaves its queries to the next leader). */
  readonly open: () => boolean;
  readonly schedule: () => void;
}

/**
 * How a query starts: a submission is checked, claimed, recorded and QUEUED; admission
 * (`query.max-concurrent-queries-per-user`, admission.ts) starts it now or when one of its user's
 * queries ends; it is then planned in a planner thread and runs.
 */
export class QueryStarts {
  constructor(private readonly d: QueryStartsDeps) {}

  /**
   * Runs a decoded submission. `recorded` is called once the query's record is written (a new
   * leader would run it from there): the intake may then acknowledge the stored submission. The
   * reply comes after planning for a query admitted at once — a planning error is the reply —, at
   * once for one that waits its turn (its errors come as its FAILED event).
   */
  async submit(raw: unknown, size: number, recorded: () => void): Promise<SubmitReply> {
    const { system, control, capabilities, store } = this.d;
    let sub;
    try {
      sub = parseSubmission(raw, this.d.config.queryMaxLength);
    } catch (e) {
      system.invalid.refused(system.subject(Addresses.submit), 'submitter', e);
      const sql = typeof (raw as { sql?: unknown })?.sql === 'string' ? (raw as { sql: string }).sql : '';
      await control.fail(this.d.newQuery(newQueryId(), sql, {}), e);
      throw e;
    }
    const capability = capabilities.issue(sub.queryId, sub.clientSecret ?? Capabilities.randomClientSecret());
    const capabilityHash = Capabilities.hash(capability);
    // a query id this cluster has seen (maybe before a coordinator restart) runs once: a retry of the
    // same submission (same client secret) gets the same answer, anyone else is refused
    const known = this.d.queries.get(sub.queryId);
    const claim = known
      ? { claimed: false, capabilityHash: known.capabilityHash, recorded: true }
      : await store.claimQuery(sub.queryId, capabilityHash);
    if (!claim.claimed) {
      capabilities.check(sub.queryId, claim.capabilityHash, { capability }, 'resubmitting');
      // claimed, but never recorded: the leader that claimed it stood down before it could (its
      // record was refused), so nobody runs it — this retry of the same submitter's does
      const orphan = !claim.recorded && !this.d.queries.has(sub.queryId);
      if (!orphan) return { queryId: sub.queryId, capability, alreadySubmitted: true };
    }
    let q: QueryExecution;
    try {
      q = this.d.newQuery(sub.queryId, sub.sql, sub.session);
    } catch (e) {
      await control.fail(this.d.newQuery(sub.queryId, sub.sql, {}), e);
      throw e;
    }
    q.capabilityHash = capabilityHash;
    q.sees = {
      admin: capabilities.isAdmin(sub.adminToken),
      owns: new Set((sub.capabilities ?? []).map((c) => Capabilities.hash(c))),
    };
    q.user = sub.user ?? ANONYMOUS_USER;
    q.logger.debug({ bytes: size, user: q.user }, 'query submitted');
    traceMark(q.logger, 'submitted');
    await q.submitted(this.d.config.eventsIncludeSql === true);
    recorded();
    const planning = this.admit().get(q);
    if (planning) await planning;
    else q.logger.debug({ user: q.user }, 'queued: its user has as many queries running as allowed');
    return { queryId: q.id, capability };
  }

  /**
   * Starts (plans) every waiting query that admission lets through; returns their planning, each
   * rejecting when planning failed (the query has failed by then).
   */
  admit(): Map<QueryExecution, Promise<void>> {
    const started = new Map<QueryExecution, Promise<void>>();
    if (!this.d.mayAct()) return started;
    const cap = this.d.config.maxConcurrentQueriesPerUser ?? 0;
    for (const q of admissible(this.d.queries.values(), cap)) {
      const planning = this.plan(q);
      planning.catch(() => {}); // the query has failed; whoever awaits it sees the error
      started.set(q, planning);
    }
    return started;
  }

  /** PLANNING → RUNNING (recorded, so that a new leader goes on from here); a failure fails the query and throws. */
  private async plan(q: QueryExecution): Promise<void> {
    const { config, control } = this.d;
    try {
      await planQuery(q, {
        planner: this.d.planner,
        catalogs: this.d.catalogs,
        slots: this.d.registry.totalSlots(),
        hashPartitionCount: config.hashPartitionCount,
        ...(config.maxStageCount !== undefined ? { maxStageCount: config.maxStageCount } : {}),
      });
    } catch (e) {
      // a term that has ended leaves the query to the next leader, which plans it again
      if (this.d.open()) await control.fail(q, e);
      throw e;
    }
    // planning yields to the event loop: the query may have been cancelled or timed out meanwhile
    if (q.done || !this.d.open()) return;
    const late = exceededTimeLimit(q, q.timeLimits, Date.now());
    if (late) return control.fail(q, late);
    // the first tasks are placed as the plan's record goes out: their attempt records queue behind
    // it on the one Redis connection (one round trip), and each is handed over only once its
    // record, so the plan, is in
    await q.startRunning(() => {
      traceMark(q.logger, 'running');
      this.d.schedule();
    });
  }
}
