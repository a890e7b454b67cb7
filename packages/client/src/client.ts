import { QuarryError, newQueryId } from '@quarry/common';
import {
  Addresses,
  DEFAULT_PREFIX,
  allStatusSubject,
  decodeCancelReply,
  decodeClusterInfo,
  decodeClusterLoad,
  decodeQueryListing,
  decodeResultsPage,
  decodeSubmitReply,
  statusSubject,
  type CancelReply,
  type ClusterInfo,
  type ClusterLoad,
  type QueryEvent,
  type QueryListing,
  type ResultColumn,
  type ResultsPage,
  type ResultsRequest,
  type SubmitReply,
  type SubmitRequest,
} from '@quarry/protocol';
import {
  ActorSystem,
  connectionFromEnv,
  decode,
  encode,
  streamName,
  unwrapReply,
  type Decoder,
  type NatsAuth,
  type NatsTls,
} from '@quarry/runtime';
import { randomBytes } from 'node:crypto';
import { headers } from '@nats-io/transport-node';
import { EventStream } from './events.js';

export interface ClientOptions {
  /** NATS server URL(s); default `NATS_URL` or nats://127.0.0.1:4222. */
  readonly servers?: string | string[];
  /** Subject prefix of the cluster; default `quarry`. */
  readonly prefix?: string;
  /** Credentials (default: from NATS_USER, NATS_PASSWORD, NATS_TOKEN, NATS_NKEY, NATS_CREDS). */
  readonly auth?: NatsAuth;
  /** TLS files (default: from NATS_CA, NATS_CERT, NATS_KEY). */
  readonly tls?: NatsTls;
  /** How long to wait for one reply, in ms; default 10 s. */
  readonly timeoutMs?: number;
  /**
   * The coordinator's `access-control.admin-token`, for operators' tools: reads, cancels and lists
   * any query. Without it a client reaches only the queries it holds capabilities for.
   */
  readonly adminToken?: string;
}

export interface SubmitOptions {
  /** Session properties: `catalog`, `schema`, `retry_policy`, … */
  readonly session?: Readonly<Record<string, string | number | boolean>>;
  /** Defaults to a fresh id; reusing an id runs the query once. */
  readonly queryId?: string;
  /**
   * The submission's secret, from which its capability is derived; a fresh random one by default.
   * Pass the same one with the same `queryId` to retry a submission whose reply was lost.
   */
  readonly clientSecret?: string;
}

export interface QueryResult {
  readonly queryId: string;
  readonly columns: readonly ResultColumn[];
  readonly rows: readonly (readonly unknown[])[];
  readonly elapsedMs: number;
}

/**
 * A connection to a quarry cluster over NATS.
 *
 * ```ts
 * const client = await QuarryClient.connect({ servers: 'nats://127.0.0.1:4222' });
 * const handle = await client.submit('select count(*) from tpch.tiny.orders');
 * for await (const e of handle.events()) console.log(e.type);   // QUEUED … FINISHED
 * for await (const page of handle.rows()) console.log(page.rows);
 * await client.close();
 * ```
 */
export class QuarryClient {
  /** The capability of every query this client submitted or was given one for (see `remember`). */
  private readonly capabilities = new Map<string, string>();

  private constructor(
    readonly system: ActorSystem,
    private readonly timeoutMs: number,
    private readonly adminToken: string | undefined,
  ) {}

  static async connect(options: ClientOptions = {}): Promise<QuarryClient> {
    const env = connectionFromEnv();
    const auth = options.auth ?? env.auth;
    const tls = options.tls ?? env.tls;
    const system = await ActorSystem.connect({
      servers: options.servers ?? env.servers,
      prefix: options.prefix ?? DEFAULT_PREFIX,
      name: 'quarry-client',
      ...(auth ? { auth } : {}),
      ...(tls ? { tls } : {}),
    });
    return new QuarryClient(system, options.timeoutMs ?? 10_000, options.adminToken);
  }

  get prefix(): string {
    return this.system.prefix;
  }

  /**
   * Submits a query and returns its handle. The query id travels as `Nats-Msg-Id`, so a retried
   * publish is stored once by the submissions stream, and the coordinator runs an id once.
   */
  async submit(sql: string, options: SubmitOptions = {}): Promise<QueryHandle> {
    const queryId = options.queryId ?? newQueryId();
    const handle = new QueryHandle(this, queryId, this.timeoutMs);
    await handle.listen();
    // chosen once per submission: a retry of it (same id, same secret) gets the same capability
    const clientSecret = options.clientSecret ?? randomBytes(24).toString('base64url');
    const request: SubmitRequest = {
      sql,
      queryId,
      clientSecret,
      ...(options.session ? { session: options.session } : {}),
    };
    const h = headers();
    h.set('Nats-Msg-Id', queryId);
    try {
      const msg = await this.system.nc.request(this.system.subject(Addresses.submit), encode(request), {
        timeout: this.timeoutMs,
        headers: h,
      });
      const reply: SubmitReply = decodeSubmitReply(unwrapReply(decode(msg.data), Addresses.submit));
      if (reply.queryId !== queryId)
        throw new QuarryError(
          'MESSAGING_ERROR',
          `Coordinator answered for query ${reply.queryId}, not ${queryId}`,
        );
      this.remember(queryId, reply.capability);
    } catch (e) {
      handle.close();
      if (e instanceof QuarryError) throw e;
      throw new QuarryError(
        'MESSAGING_ERROR',
        `Submitting query ${queryId} failed: ${(e as Error).message}`,
        { cause: e },
      );
    }
    return handle;
  }

  /** A handle on a query submitted earlier (by this client or another): replay its events, read its rows. */
  async attach(queryId: string): Promise<QueryHandle> {
    const handle = new QueryHandle(this, queryId, this.timeoutMs);
    await handle.listen();
    return handle;
  }

  /** Submits, waits for the end, and reads every row. */
  async query(sql: string, options: SubmitOptions = {}): Promise<QueryResult> {
    const handle = await this.submit(sql, options);
    try {
      return await handle.result();
    } finally {
      handle.close();
    }
  }

  /**
   * Keeps a query's capability (from its submit reply, perhaps handed over by whoever submitted it):
   * results, cancel and the listing then work for that query.
   */
  remember(queryId: string, capability: string): void {
    this.capabilities.delete(queryId);
    this.capabilities.set(queryId, capability);
    // the newest thousand: as many as a listing may present
    if (this.capabilities.size > 1000) this.capabilities.delete(this.capabilities.keys().next().value!);
  }

  /** A query's capability, if this client holds it. */
  capabilityOf(queryId: string): string | undefined {
    return this.capabilities.get(queryId);
  }

  /** What proves this client may act on a query: its capability, and the admin token if configured. */
  credentials(queryId: string): { capability?: string; adminToken?: string } {
    const capability = this.capabilities.get(queryId);
    return {
      ...(capability ? { capability } : {}),
      ...(this.adminToken ? { adminToken: this.adminToken } : {}),
    };
  }

  async cancel(queryId: string): Promise<CancelReply> {
    return this.system.ask(
      Addresses.cancel(queryId),
      this.credentials(queryId),
      this.timeoutMs,
      decodeCancelReply,
    );
  }

  async workers(): Promise<ClusterInfo> {
    return this.system.ask(Addresses.clusterInfo, {}, this.timeoutMs, decodeClusterInfo);
  }

  /**
   * The most recent queries (at most 1000) among this client's own — those it holds capabilities for
   * — or all of them with an admin token.
   */
  async queries(limit = 20): Promise<QueryListing> {
    const request = {
      limit,
      capabilities: [...this.capabilities.values()],
      ...(this.adminToken ? { adminToken: this.adminToken } : {}),
    };
    return this.system.ask(Addresses.queries, request, this.timeoutMs, decodeQueryListing);
  }

  /** The next `cluster.load` report (the coordinator sends one every second). */
  async load(timeoutMs = this.timeoutMs): Promise<ClusterLoad> {
    return new Promise<ClusterLoad>((resolve, reject) => {
      const timer = setTimeout(() => {
        ref.stop();
        reject(new QuarryError('MESSAGING_ERROR', `No cluster load report within ${timeoutMs} ms`));
      }, timeoutMs);
      const ref = this.system.listen(this.system.subject(Addresses.clusterLoad), decodeClusterLoad, (l) => {
        clearTimeout(timer);
        ref.stop();
        resolve(l);
      });
    });
  }

  /**
   * Status events of every query, retained ones first (replayed from the events stream), then live
   * ones when `follow`; without `follow` it ends once caught up.
   */
  allEvents(options: { follow?: boolean } = {}): AsyncIterable<QueryEvent> {
    const stream = new EventStream(
      this.system,
      streamName(this.prefix, 'EVENTS'),
      allStatusSubject(this.prefix),
    );
    return stream.events({ follow: options.follow ?? false });
  }

  /** The request/reply plumbing, for handles: the reply is checked by `decode`. */
  async ask<R>(
    address: string,
    message: unknown,
    decode: Decoder<R>,
    timeoutMs = this.timeoutMs,
  ): Promise<R> {
    return this.system.ask(address, message, timeoutMs, decode);
  }

  async close(): Promise<void> {
    await this.system.close();
  }
}

/** Transient messaging failures (a NATS reconnect, a coordinator restart) are retried this long. */
const RETRY_WINDOW_MS = 30_000;

export class QueryHandle {
  private readonly stream: EventStream;
  private final: QueryEvent | undefined;

  constructor(
    private readonly client: QuarryClient,
    readonly queryId: string,
    private readonly timeoutMs: number,
  ) {
    this.stream = new EventStream(
      client.system,
      streamName(client.prefix, 'EVENTS'),
      statusSubject(client.prefix, queryId),
    );
  }

  /** Starts receiving events (before a submission, so that nothing is missed without JetStream). */
  async listen(): Promise<void> {
    await this.stream.start();
  }

  /**
   * The query's status events in order, from the first (replayed when the cluster keeps events),
   * ending with FINISHED or FAILED. Can be iterated again; each iteration starts from the beginning.
   */
  async *events(): AsyncIterable<QueryEvent> {
    for await (const e of this.stream.events({ follow: true })) {
      yield e;
      if (e.type === 'FINISHED' || e.type === 'FAILED') {
        this.final = e;
        return;
      }
    }
  }

  /** Waits for the query to end; throws its error when it failed. */
  async done(): Promise<Extract<QueryEvent, { type: 'FINISHED' }>> {
    if (!this.final) for await (const _ of this.events());
    const final = this.final!;
    if (final.type === 'FAILED') throw QuarryError.fromData(final.error);
    return final as Extract<QueryEvent, { type: 'FINISHED' }>;
  }

  /**
   * Result pages, from `fromToken` (0: the first page). Resumable: a page that could not be fetched
   * (a reconnect, a timeout) is asked for again with the same token, for up to 30 s; a client that
   * reconnects later can `attach` and continue from the token after the last page it saw.
   */
  async *rows(options: { fromToken?: number } = {}): AsyncIterable<ResultsPage> {
    await this.done();
    let token: number | null = options.fromToken ?? 0;
    while (token !== null) {
      const page: ResultsPage = await this.fetch(token);
      yield page;
      token = page.nextToken;
    }
  }

  private async fetch(token: number): Promise<ResultsPage> {
    const deadline = Date.now() + RETRY_WINDOW_MS;
    for (let wait = 100; ; wait = Math.min(wait * 2, 2000)) {
      try {
        return await this.client.ask(
          Addresses.results(this.queryId),
          { token, ...this.client.credentials(this.queryId) } satisfies ResultsRequest,
          decodeResultsPage,
          this.timeoutMs,
        );
      } catch (e) {
        if (!(e instanceof QuarryError) || e.code !== 'MESSAGING_ERROR' || Date.now() > deadline) throw e;
        await new Promise((r) => setTimeout(r, wait));
      }
    }
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
