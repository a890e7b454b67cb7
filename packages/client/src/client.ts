import { QuarryError, newQueryId } from '@quarry/common';
import {
  Addresses,
  DEFAULT_PREFIX,
  statusSubject,
  type QueryEvent,
  type ResultColumn,
  type ResultsPage,
  type ResultsRequest,
  type SubmitReply,
  type SubmitRequest,
} from '@quarry/protocol';
import { ActorSystem, decodeLenient } from '@quarry/runtime';
import type { Subscription } from '@quarry/runtime';

export interface ClientOptions {
  /** NATS server URL(s); default `NATS_URL` or nats://127.0.0.1:4222. */
  readonly servers?: string | string[];
  /** Subject prefix of the cluster; default `quarry`. */
  readonly prefix?: string;
  /** How long to wait for replies, in ms; default 10 s. */
  readonly timeoutMs?: number;
}

export interface SubmitOptions {
  /** Session properties: `catalog`, `schema`, … */
  readonly session?: Readonly<Record<string, string | number | boolean>>;
  /** Defaults to a fresh id; reusing one resubmits idempotently. */
  readonly queryId?: string;
}

export interface QueryResult {
  readonly queryId: string;
  readonly columns: readonly ResultColumn[];
  readonly rows: readonly (readonly unknown[])[];
  readonly elapsedMs: number;
}

/**
 * A connection to a quarry cluster. `submit` subscribes to the query's status events *before*
 * publishing the submission (the client picks the query id), so no event is missed.
 */
export class QuarryClient {
  private constructor(
    private readonly system: ActorSystem,
    private readonly timeoutMs: number,
  ) {}

  static async connect(options: ClientOptions = {}): Promise<QuarryClient> {
    const servers = options.servers ?? process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222';
    const system = await ActorSystem.connect({
      servers,
      prefix: options.prefix ?? DEFAULT_PREFIX,
      name: 'quarry-client',
    });
    return new QuarryClient(system, options.timeoutMs ?? 10_000);
  }

  async submit(sql: string, options: SubmitOptions = {}): Promise<QueryHandle> {
    const queryId = options.queryId ?? newQueryId();
    const handle = new QueryHandle(this.system, queryId, this.timeoutMs);
    const request: SubmitRequest = { sql, queryId, ...(options.session ? { session: options.session } : {}) };
    try {
      const reply = await this.system.ask<SubmitReply>(Addresses.submit, request, this.timeoutMs);
      if (reply.queryId !== queryId)
        throw new QuarryError(
          'MESSAGING_ERROR',
          `Coordinator answered for query ${reply.queryId}, not ${queryId}`,
        );
    } catch (e) {
      handle.close();
      throw e;
    }
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

  async close(): Promise<void> {
    await this.system.close();
  }
}

export class QueryHandle {
  private readonly sub: Subscription;
  private readonly queue: QueryEvent[] = [];
  private waiter: (() => void) | undefined;
  private final: QueryEvent | undefined;

  constructor(
    private readonly system: ActorSystem,
    readonly queryId: string,
    private readonly timeoutMs: number,
  ) {
    this.sub = system.nc.subscribe(statusSubject(system.prefix, queryId), {
      callback: (_err, msg) => {
        const event = decodeLenient(msg.data).value as QueryEvent;
        if (event.type === 'FINISHED' || event.type === 'FAILED') this.final = event;
        this.queue.push(event);
        this.waiter?.();
      },
    });
  }

  /** Status events in order, ending with FINISHED or FAILED. */
  async *events(): AsyncIterable<QueryEvent> {
    for (;;) {
      const next = this.queue.shift();
      if (next) {
        yield next;
        if (next.type === 'FINISHED' || next.type === 'FAILED') return;
        continue;
      }
      await new Promise<void>((resolve) => (this.waiter = resolve));
      this.waiter = undefined;
    }
  }

  /** Waits for the query to end; throws its error when it failed. */
  async done(): Promise<Extract<QueryEvent, { type: 'FINISHED' }>> {
    if (!this.final) for await (const _ of this.events());
    const final = this.final!;
    if (final.type === 'FAILED') throw QuarryError.fromData(final.error);
    return final as Extract<QueryEvent, { type: 'FINISHED' }>;
  }

  /** Result pages as the coordinator serves them, after the query finished. */
  async *pages(): AsyncIterable<ResultsPage> {
    await this.done();
    let token: number | null = 0;
    while (token !== null) {
      const page: ResultsPage = await this.system.ask<ResultsPage>(
        Addresses.results(this.queryId),
        { token } satisfies ResultsRequest,
        this.timeoutMs,
      );
      yield page;
      token = page.nextToken;
    }
  }

  async result(): Promise<QueryResult> {
    const finished = await this.done();
    const rows: unknown[][] = [];
    for await (const page of this.pages()) for (const r of page.rows) rows.push([...r]);
    return { queryId: this.queryId, columns: finished.columns, rows, elapsedMs: finished.elapsedMs };
  }

  close(): void {
    this.sub.unsubscribe();
  }
}
