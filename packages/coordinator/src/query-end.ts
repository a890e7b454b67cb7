import { QuarryError, traceMark } from '@quarry/common';
import { exchangeIdFor } from '@quarry/cluster-protocol';
import { isWritable, type WriteFragment, type WriteHandle } from '@quarry/sql';
import { explainAnalyzed } from './analyze.js';
import type { QueryExecution } from './query.js';
import type { ControlDeps } from './control-deps.js';
import { ResultCursor, StaticResult, allRows } from './results.js';
import type { QueryScheduler } from './scheduler.js';

/**
 * The end of a query whose tasks all finished: a write committed (idempotent per query id, so a new
 * leader may do it again), or the result offered — recorded, so that a new leader serves the same
 * pages; then the intermediate stages' data deleted.
 */
export class QueryEnd {
  constructor(
    private readonly d: ControlDeps,
    private readonly fail: (q: QueryExecution, e: unknown) => Promise<void>,
  ) {}

  /** The root stage's output as a result source, its pages recorded as they are cut. */
  resultCursor(q: QueryExecution, pageStarts?: ReadonlyMap<number, number>): ResultCursor {
    const scheduler = q.scheduler!;
    return new ResultCursor({
      exchange: this.d.exchange,
      files: scheduler.rootTask().winner?.outputs ?? [],
      types: scheduler.plan.columns.map((c) => c.type),
      pageRows: this.d.config.resultPageRows,
      readOptions: { queryId: q.id, secretKey: q.exchange.secretKey },
      ...(pageStarts ? { pageStarts } : {}),
      onPageStart: (token, row) =>
        void this.d.journal
          .pageStart(q, token, row)
          .catch((e) => q.logger.warn({ err: e }, 'cannot record result page')),
    });
  }

  /**
   * Every task finished (RUNNING → FINISHING): commit a write, or offer the result; the query then
   * FINISHED; then clean up. A new leader may call it again.
   */
  async finish(q: QueryExecution): Promise<void> {
    if (!q.startFinishing()) return;
    const scheduler = q.scheduler!;
    const root = scheduler.rootTask();
    const output = this.resultCursor(q);
    let rows: number;
    if (scheduler.plan.write) {
      // a write: the root's rows are the winning writers' fragments; commit them, answer with the row count
      let written: number;
      try {
        written = await this.commit(q, scheduler.plan.write.handle, await allRows(output));
      } catch (e) {
        await this.fail(q, e);
        return;
      }
      if (scheduler.plan.analyze) rows = this.answerAnalyzed(q, scheduler, written);
      else {
        q.columns = [{ name: 'rows', type: 'bigint' }];
        q.cursor = new StaticResult([[written]]);
        await this.d.journal.result(q, [[written]], q.columns).catch(() => {});
        rows = 1;
      }
    } else if (scheduler.plan.analyze) {
      rows = this.answerAnalyzed(q, scheduler);
    } else {
      q.cursor = output;
      rows = root.winner?.stats?.rowsOut ?? 0;
    }
    traceMark(q.logger, 'finished');
    await q.finish(rows);
    // intermediate stages are no longer needed; the result stays until read or expired
    for (const s of scheduler.stages.values()) {
      const served = !scheduler.plan.write && !scheduler.plan.analyze;
      if (s.fragment.id === scheduler.plan.rootId && served) continue;
      void this.d.exchange
        .deleteExchange(q.id, exchangeIdFor(s.fragment.id, q.queryAttempt))
        .catch((e) => q.logger.warn({ err: e }, 'cannot delete spooled data'));
    }
    this.forgetLater(q);
  }

  /** The query (and its result) is dropped `query.client.timeout` from now. */
  forgetLater(q: QueryExecution): void {
    setTimeout(() => this.d.forget(q), this.d.config.resultRetentionMs).unref();
  }

  /** EXPLAIN ANALYZE: the query ran (a write committed); its answer is the plan with what each stage did. */
  private answerAnalyzed(q: QueryExecution, scheduler: QueryScheduler, rowsWritten?: number): number {
    q.columns = [{ name: 'Query Plan', type: 'varchar' }];
    const text = explainAnalyzed(scheduler, {
      elapsedMs: q.elapsedMs,
      retryPolicy: q.retry.policy,
      queryAttempt: q.queryAttempt,
      ...(rowsWritten !== undefined ? { rowsWritten } : {}),
    });
    q.cursor = new StaticResult([[text]]);
    void this.d.journal.result(q, [[text]], q.columns).catch(() => {});
    return 1;
  }

  /** Commits the winning writers' fragments (each row: rows written, fragment JSON). */
  private async commit(q: QueryExecution, handle: WriteHandle, rows: unknown[][]): Promise<number> {
    const connector = this.d.catalogs.get(handle.catalog);
    if (!connector || !isWritable(connector))
      throw new QuarryError('NOT_SUPPORTED', `Catalog '${handle.catalog}' does not support writes`);
    const fragments = rows.map((r) => JSON.parse(String(r[1])) as WriteFragment);
    const { rows: committed } = await connector.commitWrite(handle, fragments);
    q.logger.info({ table: handle.table, rows: committed, fragments: fragments.length }, 'write committed');
    return committed;
  }
}
