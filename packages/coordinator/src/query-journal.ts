import { decode, encode } from '@quarry/runtime';
import type { ExternalValue, DistributedPlan, Split } from '@quarry/sql';
import type { ResultColumn } from '@quarry/protocol';
import type { AttemptStore } from './attempt-store.js';
import type { QueryExecution } from './query.js';

/**
 * A query's transitions (query-lifecycle.ts) as Redis records, written by its actor at each transition (fenced by its
 * epoch, atomically with the transition's other writes) so that a new leader can rebuild the query
 * (recovery.ts). Beside the fields attempt-store.ts describes, the query's hash holds:
 *
 *   session         JSON of the session properties
 *   user            who submitted it (`query.max-concurrent-queries-per-user` counts by it)
 *   queryAttempt    the current query attempt (retry policy QUERY), and queryFailures
 *   hashPartitions, columns (JSON), planningStarted, executionStarted
 *   exchangeKey     the query's exchange key as task specs carry it (sealed with the shared secret)
 *   result          JSON rows of a result computed on the coordinator (a write's count, EXPLAIN ANALYZE)
 *   seq             the number of the last status event at the last transition
 *
 *   <prefix>:query:<id>:plan    STRING msgpack of {plan, splits}: the distributed plan and each source
 *                               stage's split groups, exactly as the scheduler was built from them
 *   <prefix>:query:<id>:pages   HASH   result page token → the row it starts at
 *   <prefix>:active             SET    the queries a leader holds (see AttemptStore.activeKey)
 */
export interface StoredQuery {
  readonly id: string;
  readonly fields: Readonly<Record<string, string>>;
  readonly plan?: { plan: DistributedPlan; splits: Map<number, Split[][]> };
  readonly pageStarts: Map<number, number>;
}

export class QueryJournal {
  constructor(private readonly store: AttemptStore) {}

  private planKey(queryId: string): string {
    return `${this.store.queryKey(queryId)}:plan`;
  }

  private pagesKey(queryId: string): string {
    return `${this.store.queryKey(queryId)}:pages`;
  }

  /** QUEUED: what the query is and who submitted it. */
  async submitted(q: QueryExecution): Promise<void> {
    await this.store.createQuery(q.id, {
      sql: q.sql,
      retryPolicy: q.retry.policy,
      created: q.created,
      session: JSON.stringify(q.session.properties),
      user: q.user,
      seq: q.lastSeq,
    });
  }

  /** RUNNING: the plan, its splits and everything the scheduler was built from. */
  async planned(q: QueryExecution): Promise<void> {
    const blob = Buffer.from(encode({ plan: q.plan, splits: [...q.splits] }));
    const key = q.taskExchange.secretKey;
    await this.store.updateQuery(
      q.id,
      {
        state: 'RUNNING',
        queryAttempt: q.queryAttempt,
        queryFailures: q.queryFailures,
        hashPartitions: q.hashPartitions,
        columns: JSON.stringify(q.columns),
        planningStarted: q.planningStarted ?? q.created,
        executionStarted: q.executionStarted ?? Date.now(),
        ...(key ? { exchangeKey: Buffer.from(key).toString('base64') } : {}),
        seq: q.lastSeq,
      },
      [['SET', this.planKey(q.id), blob]],
    );
  }

  /**
   * A source stage's split groups changed (a task that ran out of memory at its ceiling was divided,
   * task-split.ts): the plan's record gets `splits`, so that a new leader rebuilds the stage with
   * as many tasks. Written before the scheduler changes: a leader dying in between leaves records
   * that a new leader can follow either way.
   */
  async resplit(q: QueryExecution, splits: ReadonlyMap<number, Split[][]>): Promise<void> {
    const blob = Buffer.from(encode({ plan: q.plan, splits: [...splits] }));
    await this.store.write([['SET', this.planKey(q.id), blob]]);
  }

  /** A new query attempt (retry policy QUERY). */
  async queryAttempt(q: QueryExecution): Promise<void> {
    await this.store.updateQuery(q.id, {
      queryAttempt: q.queryAttempt,
      queryFailures: q.queryFailures,
      seq: q.lastSeq,
    });
  }

  /** A result computed on the coordinator, before the query is marked finished. */
  async result(
    q: QueryExecution,
    rows: readonly (readonly ExternalValue[])[],
    columns: ResultColumn[],
  ): Promise<void> {
    await this.store.updateQuery(q.id, {
      result: JSON.stringify(rows),
      resultColumns: JSON.stringify(columns),
    });
  }

  /** Where a result page starts, so that a new leader serves the same pages. */
  async pageStart(q: QueryExecution, token: number, row: number): Promise<void> {
    await this.store.write([
      ['HSET', this.pagesKey(q.id), token, row],
      ['EXPIRE', this.pagesKey(q.id), this.store.retentionSeconds],
    ]);
  }

  /** FINISHED: the query's end; its plan and pages go when its records go. Never throws. */
  async finished(q: QueryExecution): Promise<void> {
    await this.store
      .endQuery(q.id, 'FINISHED', q.elapsedMs)
      .catch((e) => q.logger.warn({ err: e }, 'cannot record query end'));
    await this.ended(q).catch(() => {});
  }

  /** FAILED: the query's end and its error (recovery forgets a failed query and deletes its data). */
  async failed(q: QueryExecution): Promise<void> {
    await this.store.endQuery(q.id, 'FAILED', q.elapsedMs, q.error);
  }

  /** The ended query's plan and pages go when its records go. */
  private async ended(q: QueryExecution): Promise<void> {
    await this.store.write([
      ['EXPIRE', this.planKey(q.id), this.store.retentionSeconds],
      ['EXPIRE', this.pagesKey(q.id), this.store.retentionSeconds],
    ]);
  }

  /** The ids of the queries the last leader held. */
  async active(): Promise<string[]> {
    return this.store.redis.smembers(this.store.activeKey);
  }

  async load(queryId: string): Promise<StoredQuery> {
    const [fields, blob, pages] = await Promise.all([
      this.store.query(queryId),
      this.store.redis.getBuffer(this.planKey(queryId)),
      this.store.redis.hgetall(this.pagesKey(queryId)),
    ]);
    const pageStarts = new Map(Object.entries(pages).map(([k, v]) => [Number(k), Number(v)]));
    if (!blob) return { id: queryId, fields, pageStarts };
    const raw = decode(blob) as { plan: DistributedPlan; splits: [number, Split[][]][] };
    return { id: queryId, fields, pageStarts, plan: { plan: raw.plan, splits: new Map(raw.splits) } };
  }
}
