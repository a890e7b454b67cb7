import { QuarryError } from '@quarry/common';
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
import type { QueryActor } from './query.js';

export interface ClientRequestsDeps {
  readonly queries: ReadonlyMap<string, QueryActor>;
  readonly capabilities: Capabilities;
  readonly store: AttemptStore;
}

/**
 * What clients ask of queries after submitting them: result pages, cancel, the listing. Each
 * checks the asker's capability (or admin token) before it reveals or changes anything, then routes
 * the request to the query's actor.
 */
export class ClientRequests {
  constructor(private readonly d: ClientRequestsDeps) {}

  /** `query.<id>.results`: page `token` of a finished query's result, from its actor. */
  async results(subject: string, req: ResultsRequest): Promise<ResultsPage> {
    const queryId = idOf(subject);
    const q = this.d.queries.get(queryId);
    if (!q)
      throw new QuarryError('QUERY_NOT_FOUND', `Query ${queryId} not found (unknown, or its result expired)`);
    this.d.capabilities.check(queryId, q.capabilityHash, req, 'the results');
    return q.resultPage(req.token ?? 0, req.format);
  }

  /** `query.<id>.cancel`: the query's actor cancels it (see `QueryActor.cancel`). */
  async cancel(subject: string, req: CancelRequest): Promise<CancelReply> {
    const queryId = idOf(subject);
    const q = this.d.queries.get(queryId);
    if (!q) throw new QuarryError('QUERY_NOT_FOUND', `Query ${queryId} not found`);
    this.d.capabilities.check(queryId, q.capabilityHash, req, 'canceling');
    return q.cancel();
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
