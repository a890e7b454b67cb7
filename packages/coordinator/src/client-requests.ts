import { QuarryError, traceMark } from '@quarry/common';
import {
  boundedError,
  type CancelReply,
  type CancelRequest,
  type QueriesRequest,
  type QueryListing,
  type ResultsPage,
  type ResultsRequest,
} from '@quarry/protocol';
import type { AttemptStore } from './attempt-store.js';
import { Capabilities } from './capabilities.js';
import type { QueryExecution } from './query.js';
import type { QueryControl } from './query-control.js';

export interface ClientRequestsDeps {
  readonly queries: ReadonlyMap<string, QueryExecution>;
  readonly capabilities: Capabilities;
  readonly store: AttemptStore;
  readonly control: QueryControl;
  /** Drops a query once its result has been read to the end. */
  readonly forget: (q: QueryExecution) => void;
}

/**
 * What clients ask of queries after submitting them: result pages, cancel, the listing. Each
 * checks the asker's capability (or admin token) before it reveals or changes anything.
 */
export class ClientRequests {
  constructor(private readonly d: ClientRequestsDeps) {}

  /** `query.<id>.results`: page `token` of a finished query's result. */
  async results(subject: string, req: ResultsRequest): Promise<ResultsPage> {
    const queryId = idOf(subject);
    const q = this.d.queries.get(queryId);
    if (!q)
      throw new QuarryError('QUERY_NOT_FOUND', `Query ${queryId} not found (unknown, or its result expired)`);
    this.d.capabilities.check(queryId, q.capabilityHash, req, 'the results');
    const token = req.token ?? 0;
    if (q.state === 'FAILED') throw QuarryError.fromData(q.error!);
    if (q.state !== 'FINISHED' || !q.cursor)
      return { queryId, state: q.state, columns: q.columns, rows: [], nextToken: token };
    const cursor = q.cursor;
    traceMark(q.logger, 'page asked', { token });
    const page = await q.mailbox.run(() => cursor.page(token, req.format));
    traceMark(q.logger, 'page cut', { token });
    // after the last page: keep the query a little longer (a retry of that page), then drop it
    if (page.next === null) setTimeout(() => this.d.forget(q), 10_000).unref();
    return {
      queryId,
      state: q.state,
      columns: q.columns,
      rows: page.rows,
      ...(page.data ? { data: page.data } : {}),
      nextToken: page.next,
    };
  }

  /**
   * `query.<id>.cancel`: fails a running query with USER_CANCELED. A finished query's result is
   * dropped (as Trino's DELETE of a result URI does): a client that stops reading mid-result frees
   * its spooled files at once instead of after `query.client.timeout`; its pages are gone after.
   */
  async cancel(subject: string, req: CancelRequest): Promise<CancelReply> {
    const queryId = idOf(subject);
    const q = this.d.queries.get(queryId);
    if (!q) throw new QuarryError('QUERY_NOT_FOUND', `Query ${queryId} not found`);
    this.d.capabilities.check(queryId, q.capabilityHash, req, 'canceling');
    if (q.state === 'FINISHED' && q.cursor) {
      await q.mailbox.run(async () => this.d.forget(q));
      return { canceled: true, state: q.state };
    }
    if (q.done) return { canceled: false, state: q.state };
    await q.mailbox.run(() => this.d.control.fail(q, new QuarryError('USER_CANCELED', 'Query was canceled')));
    return { canceled: true, state: q.state };
  }

  /**
   * `coordinator.queries`: the most recent queries and their states, from Redis: all of them for an
   * admin token, else those whose capabilities the asker presents (its own).
   */
  async recentQueries(req: QueriesRequest): Promise<QueryListing> {
    const limit = req.limit ?? 20;
    const own = this.d.capabilities.isAdmin(req.adminToken)
      ? undefined
      : new Set((req.capabilities ?? []).map((c) => Capabilities.hash(c)));
    const queries = await this.d.store.recentQueries(limit, own);
    // a recorded error may be longer than the listing's schema lets a client read: cut it
    return { queries: queries.map((q) => (q.error ? { ...q, error: boundedError(q.error) } : q)) };
  }
}

/** The query id of a subject `<prefix>.query.<id>.<verb>`. */
function idOf(subject: string): string {
  return subject.split('.').at(-2) ?? '';
}
