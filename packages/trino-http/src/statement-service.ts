import { QuarryError, newQueryId } from '@quarry/common';
import type { QuarryClient } from '@quarry/client';
import { USER_PATTERN } from '@quarry/protocol';
import { queryResultsJson } from './query-results.js';
import type { RequestSession } from './request-session.js';
import { sessionStatement, type SessionStatement } from './session-statements.js';
import type { Slugs } from './slug.js';
import { TrackedQuery } from './tracked-query.js';

/** An answer to an HTTP request, before it is written. */
export interface Reply {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** JSON text, or a plain-text message for 4xx answers (bytes: a file of the web UI). */
  readonly body?: string | Uint8Array;
  readonly json?: boolean;
}

/**
 * Who asks, and from where: the user — authenticated, or as `X-Trino-User` says without an
 * authenticator, where polls may leave it out (the URI's slug is then what proves the right to the
 * query, as in Trino) — and the base URI the client reached.
 */
export interface Caller {
  readonly user: string | undefined;
  readonly base: string;
}

export type Phase = 'queued' | 'executing';

export interface StatementServiceOptions {
  readonly client: QuarryClient;
  readonly slugs: Slugs;
  /** How long a poll of a running query waits for a change before answering (Trino's default 1 s). */
  readonly maxWaitMs?: number;
  /** How long a query nobody polls is kept after it ended (or since its last poll). */
  readonly retentionMs?: number;
}

/**
 * Trino's statement protocol over quarry's client protocol: `POST /v1/statement` submits through
 * the NATS client, `nextUri` polls follow the query's status events and read its result pages by
 * token, `DELETE` cancels. Queries are tracked in memory for speed, but every URI carries the
 * query's sealed owner and capability (`Slugs`), so a gateway that does not know a query — another
 * coordinator's, or this one's after a restart — rebuilds it from the events stream.
 */
export class StatementService {
  private readonly queries = new Map<string, TrackedQuery>();
  private readonly client: QuarryClient;
  private readonly slugs: Slugs;
  private readonly maxWaitMs: number;
  private readonly retentionMs: number;
  private readonly sweeper: NodeJS.Timeout;

  constructor(o: StatementServiceOptions) {
    this.client = o.client;
    this.slugs = o.slugs;
    this.maxWaitMs = o.maxWaitMs ?? 1000;
    this.retentionMs = o.retentionMs ?? 15 * 60_000;
    this.sweeper = setInterval(() => this.sweep(), 30_000);
    this.sweeper.unref();
  }

  async submit(sql: string, session: RequestSession, caller: Caller): Promise<Reply> {
    if (caller.user === undefined) return { status: 400, body: 'User must be set (X-Trino-User)' };
    const q = new TrackedQuery({
      queryId: newQueryId(),
      user: caller.user,
      sql,
      clientTags: session.clientTags,
      ...(session.source ? { source: session.source } : {}),
      context: {
        ...(session.catalog ? { catalog: session.catalog } : {}),
        ...(session.schema ? { schema: session.schema } : {}),
      },
    });
    this.queries.set(q.queryId, q);
    try {
      const statement = sessionStatement(sql);
      if (statement) q.finishLocally(statement);
      else {
        const handle = await this.client.submit(sql, {
          queryId: q.queryId,
          session: submitSession(session),
          ...(USER.test(caller.user) ? { user: caller.user } : {}),
          capabilities: this.capabilitiesOf(caller.user),
        });
        q.capability = this.client.capabilityOf(q.queryId) ?? '';
        q.follow(handle);
      }
    } catch (e) {
      q.fail(QuarryError.wrap(e).toData());
    }
    q.slug = this.slugs.seal(q.queryId, { user: caller.user, capability: q.capability });
    const nextUri = this.uri(caller.base, 'queued', q, 1);
    return ok(queryResultsJson({ query: q, base: caller.base, nextUri, state: 'QUEUED' }));
  }

  /**
   * The capabilities of the queries this gateway tracks for `user`: what `system.runtime.queries`
   * shows the SQL text of to that user (with a password authenticator, the authenticated user).
   */
  private capabilitiesOf(user: string): string[] {
    return [...this.queries.values()]
      .filter((t) => t.user === user && t.capability !== '')
      .map((t) => t.capability);
  }

  /** `GET /v1/statement/{queued|executing}/{queryId}/{slug}/{token}`. */
  async poll(
    caller: Caller,
    at: { phase: Phase; queryId: string; slug: string; token: number },
  ): Promise<Reply> {
    const found = await this.find(caller, at.queryId, at.slug);
    if ('status' in found) return found;
    const q = found;
    if (at.phase === 'queued') {
      const nextUri = this.uri(caller.base, 'executing', q, 0);
      return ok(
        queryResultsJson({
          query: q,
          base: caller.base,
          nextUri,
          state: q.state === 'FAILED' ? 'FAILED' : 'QUEUED',
        }),
      );
    }
    if (!q.done) await q.changed(this.maxWaitMs);
    if (q.state === 'FAILED') return ok(queryResultsJson({ query: q, base: caller.base, state: 'FAILED' }));
    if (q.state !== 'FINISHED') {
      const nextUri = this.uri(caller.base, 'executing', q, at.token);
      return ok(queryResultsJson({ query: q, base: caller.base, nextUri, state: q.state }));
    }
    if (q.session) return this.sessionResult(q, caller);
    return this.page(q, caller, at.token);
  }

  private async page(q: TrackedQuery, caller: Caller, token: number): Promise<Reply> {
    try {
      const page = await this.fetchPage(q, token);
      const more = page.nextToken !== null;
      return ok(
        queryResultsJson({
          query: q,
          base: caller.base,
          state: more ? 'RUNNING' : 'FINISHED',
          columns: page.columns,
          rows: page.rows,
          ...(more ? { nextUri: this.uri(caller.base, 'executing', q, page.nextToken!) } : {}),
        }),
      );
    } catch (e) {
      // this page could not be read (a token never offered, the result expired, no coordinator):
      // this answer says so; the query's own state stays, so a retry of a good URI still works
      const error = QuarryError.wrap(e).toData();
      return ok(queryResultsJson({ query: q, base: caller.base, state: 'FAILED', error }));
    }
  }

  private async fetchPage(q: TrackedQuery, token: number) {
    // the client keeps its newest thousand capabilities: hand this one over again
    this.client.remember(q.queryId, q.capability);
    // one row page a poll, as before columnar pages: `query.result-page-rows` rows an HTTP answer;
    // asking ahead would cut pages the HTTP client may never ask for
    for await (const page of q.handle!.rows({ fromToken: token, format: 'rows', prefetch: 1 })) return page;
    throw new QuarryError('GENERIC_INTERNAL_ERROR', `No result page ${token} (this is a bug in quarry)`);
  }

  private sessionResult(q: TrackedQuery, caller: Caller): Reply {
    const body = queryResultsJson({
      query: q,
      base: caller.base,
      state: 'FINISHED',
      columns: q.columns!,
      rows: [[true]],
    });
    return { ...ok(body), headers: sessionHeaders(q.session!) };
  }

  /** `DELETE` on a query's URI: cancels it on the cluster. */
  async cancel(caller: Caller, queryId: string, slug: string): Promise<Reply> {
    const found = await this.find(caller, queryId, slug);
    if ('status' in found) return found;
    return this.cancelTracked(found);
  }

  /** `DELETE /v1/query/{queryId}` (what trino-client's `cancel` sends): a query this gateway serves. */
  async kill(caller: Caller, queryId: string): Promise<Reply> {
    const q = this.queries.get(queryId);
    if (!q) return notFound(queryId);
    if (caller.user === undefined || q.user !== caller.user) return denied(caller.user ?? '(none)', queryId);
    return this.cancelTracked(q);
  }

  /** A query this gateway serves, if it knows it (the web UI shows its owner and SQL). */
  tracked(queryId: string): TrackedQuery | undefined {
    return this.queries.get(queryId);
  }

  /** `GET /v1/query/{queryId}`: what this gateway knows of one of the caller's queries. */
  info(caller: Caller, queryId: string): Reply {
    const q = this.queries.get(queryId);
    if (!q) return notFound(queryId);
    if (caller.user === undefined || q.user !== caller.user) return denied(caller.user ?? '(none)', queryId);
    return ok(
      JSON.stringify({
        queryId: q.queryId,
        state: q.state,
        query: q.sql ?? '',
        session: { user: q.user, source: q.source ?? null, clientTags: q.clientTags },
        ...(q.error
          ? {
              errorCode: { code: q.error.code, type: q.error.type },
              failureInfo: { message: q.error.message },
            }
          : {}),
      }),
    );
  }

  private async cancelTracked(q: TrackedQuery): Promise<Reply> {
    if (!q.done && q.handle) {
      this.client.remember(q.queryId, q.capability);
      try {
        await q.handle.cancel();
      } catch (e) {
        // the query ended meanwhile, or the coordinator said why not: the next poll shows its state
        if (!(e instanceof QuarryError) || e.type !== 'USER_ERROR') throw e;
      }
    }
    return { status: 204 };
  }

  /** The query of a URI, checked: the slug must be this query's, and the caller its owner. */
  private async find(caller: Caller, queryId: string, slug: string): Promise<TrackedQuery | Reply> {
    const content = this.slugs.open(queryId, slug);
    if (!content) return notFound(queryId);
    if (!mayAccess(caller, content.user)) return denied(caller.user!, queryId);
    const known = this.queries.get(queryId);
    if (known) {
      known.lastAccess = Date.now();
      return known;
    }
    if (content.capability === '') return notFound(queryId);
    const q = new TrackedQuery({ queryId, user: content.user });
    q.slug = slug;
    q.capability = content.capability;
    this.client.remember(queryId, content.capability);
    q.follow(await this.client.attach(queryId));
    this.queries.set(queryId, q);
    return q;
  }

  private uri(base: string, phase: Phase, q: TrackedQuery, token: number): string {
    return `${base}/v1/statement/${phase}/${q.queryId}/${q.slug}/${token}`;
  }

  private sweep(): void {
    const now = Date.now();
    for (const [id, q] of this.queries) {
      if (now - Math.max(q.lastAccess, q.endedAt ?? 0) > this.retentionMs) {
        q.close();
        this.queries.delete(id);
      }
    }
  }

  close(): void {
    clearInterval(this.sweeper);
    for (const q of this.queries.values()) q.close();
    this.queries.clear();
  }
}

/** A user name the cluster's submissions accept (others run as the gateway's client's user). */
const USER = new RegExp(USER_PATTERN);

/** The submission's session: the `X-Trino-Session` properties, with catalog and schema. */
function submitSession(s: RequestSession): Record<string, string> {
  return {
    ...s.properties,
    ...(s.catalog ? { catalog: s.catalog } : {}),
    ...(s.schema ? { schema: s.schema } : {}),
  };
}

/** Trino's response headers for a session statement; the client applies them to its next requests. */
function sessionHeaders(s: SessionStatement): Record<string, string> {
  switch (s.kind) {
    case 'set':
      return { 'X-Trino-Set-Session': `${s.name}=${encodeURIComponent(s.value)}` };
    case 'reset':
      return { 'X-Trino-Clear-Session': s.name };
    case 'use':
      return { ...(s.catalog ? { 'X-Trino-Set-Catalog': s.catalog } : {}), 'X-Trino-Set-Schema': s.schema };
  }
}

/** The caller may act on a query of `owner`: its own, or (no authenticator) a poll that names no user. */
const mayAccess = (caller: Caller, owner: string) => caller.user === undefined || caller.user === owner;

const ok = (body: string): Reply => ({ status: 200, body, json: true });
const notFound = (queryId: string): Reply => ({ status: 404, body: `Query not found: ${queryId}` });
const denied = (user: string, queryId: string): Reply => ({
  status: 403,
  body: `Access Denied: user ${user} cannot access query ${queryId}`,
});
