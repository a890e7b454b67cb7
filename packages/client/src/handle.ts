import { QuarryError, formatDuration } from '@quarry/common';
import {
  Addresses,
  decodeResultsPage,
  type CancelReply,
  type QueryEvent,
  type ResultColumn,
  type ResultsPage,
  type ResultsRequest,
  columnarRows,
  decodeColumnarPage,
} from '@quarry/protocol';
import { decode } from '@quarry/runtime';
import type { CoordinatorLink } from './coordinator-link.js';
import type { EventStream } from './events.js';
import { watched } from './watch.js';
import { DEFAULT_PREFETCH, PageWindow, type ResultFormat, type RowsOptions } from './page-window.js';

export interface QueryResult {
  readonly queryId: string;
  readonly columns: readonly ResultColumn[];
  readonly rows: readonly (readonly unknown[])[];
  readonly elapsedMs: number;
}

/** How long a handle waits without a status event before it checks that a coordinator answers. */
const WATCH_IDLE_MS = 3000;

/** What a handle asks of the client that made it (a `QuarryClient`). */
export interface HandleOwner {
  /** What proves the client may act on a query: its capability, and the admin token if configured. */
  credentials(queryId: string): { capability?: string; adminToken?: string };
  cancel(queryId: string): Promise<CancelReply>;
}

export interface QueryHandleOptions {
  readonly queryId: string;
  /** The query's status events, started (subscribed) before the submission. */
  readonly events: EventStream;
  readonly link: CoordinatorLink;
  /** The submit reply said this id had been submitted before (see `QueryHandle.alreadySubmitted`). */
  readonly alreadySubmitted?: boolean;
}

/** A query submitted or attached to: its status events, its end, its rows. Made by `QuarryClient`. */
export class QueryHandle {
  readonly queryId: string;
  /**
   * True when the coordinator answered that this query id had been submitted before — a retry of a
   * submission whose first try was stored and run, or run by another coordinator: this handle is
   * on that one query, which runs once.
   */
  readonly alreadySubmitted: boolean;
  private readonly stream: EventStream;
  private readonly link: CoordinatorLink;
  private final: QueryEvent | undefined;

  constructor(
    private readonly client: HandleOwner,
    o: QueryHandleOptions,
  ) {
    this.queryId = o.queryId;
    this.stream = o.events;
    this.link = o.link;
    this.alreadySubmitted = o.alreadySubmitted ?? false;
  }

  /** Starts receiving events (the client does, before a submission, so that nothing is missed). */
  async listen(): Promise<void> {
    await this.stream.start();
  }

  /**
   * The query's status events in order, from the first (replayed when the cluster keeps events),
   * ending with FINISHED or FAILED; COORDINATOR_FAILOVER among them when a standby took over. Can
   * be iterated again; each iteration starts from the beginning. Never hangs on a cluster without
   * a coordinator: after a few seconds without an event it asks `coordinator.info`, and when no
   * coordinator answers for the client's `clientTimeoutMs` the iteration throws
   * COORDINATOR_UNAVAILABLE.
   */
  async *events(): AsyncIterable<QueryEvent> {
    const idleMs = Math.min(WATCH_IDLE_MS, this.link.clientTimeoutMs);
    const probe = () =>
      this.link.reach({
        address: Addresses.clusterInfo,
        message: {},
        what: `waiting for query ${this.queryId} (no status event for ${formatDuration(idleMs)} or more)`,
      });
    for await (const e of watched(this.stream.events({ follow: true }), { idleMs, probe })) {
      yield e;
      if (e.type === 'FINISHED' || e.type === 'FAILED') {
        this.final = e;
        return;
      }
    }
  }

  /** Waits for the query to end; throws its error when it failed (or COORDINATOR_UNAVAILABLE, see `events`). */
  async done(): Promise<Extract<QueryEvent, { type: 'FINISHED' }>> {
    if (!this.final) for await (const _ of this.events());
    const final = this.final!;
    if (final.type === 'FAILED') throw QuarryError.fromData(final.error);
    return final as Extract<QueryEvent, { type: 'FINISHED' }>;
  }

  /**
   * Result pages, from `fromToken` (0: the first page). Resumable: a page whose request went
   * unanswered (a coordinator failing over, a reconnect) is asked for again with the same token
   * for up to the client's `clientTimeoutMs`; a client that reconnects later can `attach` and
   * continue from the token after the last page it saw.
   *
   * Pages travel columnar (binary, up to 64 Ki rows and about 640 kB each; `format: 'rows'` asks for
   * the JSON-able row pages of `query.result-page-rows` rows instead) and `prefetch` of them (default
   * 4) are asked for ahead, so the coordinator cuts the next pages while this client reads one:
   * they are yielded in order as row arrays either way. Leaving the loop early drops the pages
   * asked ahead.
   */
  async *rows(options: RowsOptions = {}): AsyncIterable<ResultsPage> {
    await this.done();
    const format = options.format ?? 'columnar';
    const window = Math.max(1, Math.floor(options.prefetch ?? DEFAULT_PREFETCH));
    const ahead = new PageWindow((token) => this.fetch(token, format), window);
    try {
      for (let token: number | null = options.fromToken ?? 0; token !== null;) {
        const page = await ahead.take(token);
        yield page;
        token = page.nextToken;
      }
    } finally {
      ahead.drop();
    }
  }

  private async fetch(token: number, format: ResultFormat): Promise<ResultsPage> {
    const page = await this.link.ask({
      address: Addresses.results(this.queryId),
      message: {
        token,
        ...(format === 'columnar' ? { format } : {}),
        ...this.client.credentials(this.queryId),
      } satisfies ResultsRequest,
      decode: decodeResultsPage,
      what: `fetching result page ${token} of query ${this.queryId}`,
    });
    if (!page.data) return page;
    const { data, ...rest } = page;
    return { ...rest, rows: columnarRows(decodeColumnarPage(decode(data))) };
  }

  async result(): Promise<QueryResult> {
    const finished = await this.done();
    const rows: unknown[][] = [];
    for await (const page of this.rows()) for (const r of page.rows) rows.push([...r]);
    return { queryId: this.queryId, columns: finished.columns, rows, elapsedMs: finished.elapsedMs };
  }

  async cancel(): Promise<CancelReply> {
    return this.client.cancel(this.queryId);
  }

  close(): void {
    this.stream.close();
  }
}
