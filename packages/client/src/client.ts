import { QuarryError, newQueryId } from '@quarry/common';
import {
  Addresses,
  DEFAULT_PREFIX,
  allStatusSubject,
  decodeCancelReply,
  decodeClusterInfo,
  decodeClusterLoad,
  decodeQueryListing,
  decodeSubmitReply,
  statusSubject,
  type CancelReply,
  type ClusterInfo,
  type ClusterLoad,
  type QueryEvent,
  type QueryListing,
  type SubmitRequest,
} from '@quarry/protocol';
import {
  ActorSystem,
  connectionFromEnv,
  storedOnce,
  streamExists,
  streamName,
  type NatsAuth,
  type NatsTls,
} from '@quarry/runtime';
import { randomBytes } from 'node:crypto';
import { CoordinatorLink } from './coordinator-link.js';
import { EventStream } from './events.js';
import { QueryHandle, type QueryResult } from './handle.js';

export interface ClientOptions {
  /** NATS server URL(s); default `NATS_URL` or nats://127.0.0.1:4222. */
  readonly servers?: string | string[];
  /** Subject prefix of the cluster; default `quarry`. */
  readonly prefix?: string;
  /** Credentials (default: from NATS_USER, NATS_PASSWORD, NATS_TOKEN, NATS_NKEY, NATS_CREDS). */
  readonly auth?: NatsAuth;
  /** TLS files (default: from NATS_CA, NATS_CERT, NATS_KEY). */
  readonly tls?: NatsTls;
  /** How long one try of a request waits for its reply, in ms; default 10 s. */
  readonly timeoutMs?: number;
  /**
   * How long, in ms, the client keeps trying while no coordinator answers — named after Trino's
   * `query.client.timeout`; default 60 s. Requests to the coordinator (submit, result pages,
   * cancel, cluster info, the listing) that get NATS "no responders" or no reply are sent again,
   * with backoff, until this long after the first try; a handle waiting for events checks that a
   * coordinator answers. Then they fail with COORDINATOR_UNAVAILABLE. Covers a coordinator
   * failover (a standby takes over within seconds) with room to spare.
   */
  readonly clientTimeoutMs?: number;
  /**
   * The coordinator's `access-control.admin-token`, for operators' tools: reads, cancels and lists
   * any query. Without it a client reaches only the queries it holds capabilities for.
   */
  readonly adminToken?: string;
  /**
   * The user this client's queries run for (Trino's session user): the coordinator's
   * `query.max-concurrent-queries-per-user` counts by it. Default `QUARRY_USER`, else none (the
   * coordinator says `anonymous`). Not authenticated: see docs/SECURITY.md.
   */
  readonly user?: string;
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
  /** Who this query runs for, in place of the client's `user` (a gateway submitting for its callers). */
  readonly user?: string;
  /**
   * The capabilities a statement that reads `system.runtime` presents, in place of every one this
   * client holds (a gateway presents only its caller's).
   */
  readonly capabilities?: readonly string[];
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
  /** The cluster's events stream was seen: it keeps status events (see `eventsKept`). */
  private eventsStreamSeen = false;

  private constructor(
    readonly system: ActorSystem,
    private readonly link: CoordinatorLink,
    private readonly adminToken: string | undefined,
    private readonly user: string | undefined,
  ) {}

  static async connect(options: ClientOptions = {}): Promise<QuarryClient> {
    const timeoutMs = positive(options.timeoutMs ?? 10_000, 'timeoutMs');
    const clientTimeoutMs = positive(options.clientTimeoutMs ?? 60_000, 'clientTimeoutMs');
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
    const link = new CoordinatorLink({ system, timeoutMs, clientTimeoutMs });
    const user = options.user ?? (process.env['QUARRY_USER'] || undefined);
    return new QuarryClient(system, link, options.adminToken, user);
  }

  get prefix(): string {
    return this.system.prefix;
  }

  /** How long this client keeps trying while no coordinator answers (see {@link ClientOptions}). */
  get clientTimeoutMs(): number {
    return this.link.clientTimeoutMs;
  }

  /**
   * Submits a query and returns its handle. Exactly once: the query id and the client secret are
   * chosen once, and every try of the submission (see `clientTimeoutMs`) sends the same message
   * with the id as `Nats-Msg-Id`, so the submissions stream stores it once and the coordinator
   * runs the id once; `handle.alreadySubmitted` tells when the reply was about an earlier try.
   */
  async submit(sql: string, options: SubmitOptions = {}): Promise<QueryHandle> {
    const queryId = options.queryId ?? newQueryId();
    const events = this.eventsOf(queryId);
    await events.start();
    // chosen once per submission: a retry of it (same id, same secret) gets the same capability
    const clientSecret = options.clientSecret ?? randomBytes(24).toString('base64url');
    const request: SubmitRequest = {
      sql,
      queryId,
      clientSecret,
      ...((options.user ?? this.user) !== undefined ? { user: options.user ?? this.user } : {}),
      ...(options.session ? { session: options.session } : {}),
      ...this.runtimeCredentials(sql, options.capabilities),
    };
    try {
      const reply = await this.link.ask({
        address: Addresses.submit,
        message: request,
        decode: decodeSubmitReply,
        what: `submitting query ${queryId}`,
        headers: storedOnce(queryId),
      });
      if (reply.queryId !== queryId)
        throw new QuarryError(
          'MESSAGING_ERROR',
          `Coordinator answered for query ${reply.queryId}, not ${queryId}`,
        );
      this.remember(queryId, reply.capability);
      const alreadySubmitted = reply.alreadySubmitted === true;
      return new QueryHandle(this, { queryId, events, link: this.link, alreadySubmitted });
    } catch (e) {
      events.close();
      throw e;
    }
  }

  /**
   * What lets a statement that reads `system.runtime` see the SQL text of this client's other
   * queries (their capabilities, the most recent 1000) or of every query (the admin token); sent
   * only with statements that name `runtime`, so other submissions stay small.
   */
  private runtimeCredentials(
    sql: string,
    own: readonly string[] | undefined,
  ): { capabilities?: string[]; adminToken?: string } {
    if (!/runtime/i.test(sql)) return {};
    const capabilities = [...(own ?? this.capabilities.values())].slice(-1000);
    return {
      ...(capabilities.length > 0 ? { capabilities } : {}),
      ...(this.adminToken ? { adminToken: this.adminToken } : {}),
    };
  }

  /** A handle on a query submitted earlier (by this client or another): replay its events, read its rows. */
  async attach(queryId: string): Promise<QueryHandle> {
    const events = this.eventsOf(queryId);
    await events.start();
    return new QueryHandle(this, { queryId, events, link: this.link });
  }

  private eventsOf(queryId: string): EventStream {
    return new EventStream(this.system, statusSubject(this.prefix, queryId), {
      stream: streamName(this.prefix, 'EVENTS'),
      retryForMs: this.link.clientTimeoutMs,
      durable: () => this.eventsKept(),
    });
  }

  /**
   * Whether the cluster keeps status events (its events stream exists). Asked of the broker (two
   * JetStream API round trips) until the answer is yes, then known: a submission does not wait for it.
   */
  private async eventsKept(): Promise<boolean> {
    if (this.eventsStreamSeen) return true;
    this.eventsStreamSeen = await streamExists(this.system.nc, streamName(this.prefix, 'EVENTS'));
    return this.eventsStreamSeen;
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
    return this.link.ask({
      address: Addresses.cancel(queryId),
      message: this.credentials(queryId),
      decode: decodeCancelReply,
      what: `canceling query ${queryId}`,
    });
  }

  async workers(): Promise<ClusterInfo> {
    return this.link.ask({
      address: Addresses.clusterInfo,
      message: {},
      decode: decodeClusterInfo,
      what: 'asking for the cluster info',
    });
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
    return this.link.ask({
      address: Addresses.queries,
      message: request,
      decode: decodeQueryListing,
      what: 'listing queries',
    });
  }

  /** The next `cluster.load` report (the coordinator sends one every second). */
  async load(timeoutMs = this.link.timeoutMs): Promise<ClusterLoad> {
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
    const stream = new EventStream(this.system, allStatusSubject(this.prefix), {
      stream: streamName(this.prefix, 'EVENTS'),
      durable: () => this.eventsKept(),
    });
    return stream.events({ follow: options.follow ?? false });
  }

  async close(): Promise<void> {
    await this.system.close();
  }
}

function positive(ms: number, name: string): number {
  if (!Number.isFinite(ms) || ms <= 0)
    throw new QuarryError(
      'INVALID_CONFIGURATION',
      `${name} must be a positive number of milliseconds, got ${ms}`,
    );
  return ms;
}
