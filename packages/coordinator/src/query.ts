import { QuarryError, traceMark, type ErrorData, type Logger } from '@quarry/common';
import type { TaskUpdate } from '@quarry/cluster-protocol';
import {
  boundedError,
  statusSubject,
  type CancelReply,
  type QueryEvent,
  type QueryState,
  type ResultColumn,
  type ResultsPage,
  type TaskRef,
  type TaskState,
} from '@quarry/protocol';
import { encode, Mailbox, PlainPublisher, type ActorSystem, type StoredPublisher } from '@quarry/runtime';
import type { DistributedPlan, Session, Split } from '@quarry/sql';
import { ANONYMOUS_USER } from './admission.js';
import { isStaleEpoch } from './fencing.js';
import { QueryLifecycle, type QueryPhase, type RestoredPhase } from './query-lifecycle.js';
import type { RetrySettings } from './retry-policy.js';
import type { TimeLimits } from './time-limits.js';
import type { ResultFormat, ResultSource } from './results.js';
import type { QueryScheduler } from './scheduler.js';

type EventPayload = QueryEvent extends infer E
  ? E extends QueryEvent
    ? Omit<E, 'queryId' | 'seq' | 'time'>
    : never
  : never;

/**
 * What a query actor hands the work on its tasks to (query-control.ts), and how it leaves the
 * leader's term. Called inside the actor's mailbox.
 */
export interface QueryDriver {
  /** A worker's report about one of the query's task attempts. */
  update(q: QueryActor, u: TaskUpdate): Promise<void>;
  /** Fails the query (once) and cleans up after it: its tasks cancelled, its data deleted. */
  fail(q: QueryActor, e: unknown): Promise<void>;
  /** Drops the query and whatever of its data is left. */
  forget(q: QueryActor): void;
}

/** Where a query actor records its transitions, for a new leader to rebuild it from (query-journal.ts). */
export interface QueryRecords {
  /** QUEUED: what the query is and who submitted it. */
  submitted(q: QueryActor): Promise<void>;
  /** RUNNING: the plan and everything the scheduler is built from. */
  planned(q: QueryActor): Promise<void>;
  /** A new query attempt, within RUNNING. */
  queryAttempt(q: QueryActor): Promise<void>;
  /** FINISHED; never throws. */
  finished(q: QueryActor): Promise<void>;
  /** FAILED, with its error. */
  failed(q: QueryActor): Promise<void>;
}

export interface QueryActorOptions {
  readonly id: string;
  readonly sql: string;
  readonly session: Session;
  readonly retry: RetrySettings;
  readonly timeLimits: TimeLimits;
  /** Where its status events go out (signed by the system's membership). */
  readonly system: ActorSystem;
  /** How they are published: stored with acknowledgement when the cluster keeps events; plain NATS by default. */
  readonly events?: StoredPublisher;
  readonly logger: Logger;
  /** Where each transition is recorded, for a new leader to rebuild the query from. */
  readonly journal: QueryRecords;
  readonly driver: QueryDriver;
  /** Told of every event it emits (metrics). */
  readonly observer?: (e: QueryEvent) => void;
  /** When it was submitted (a new leader restores it from the records); now by default. */
  readonly created?: number;
  /** The phase a new leader rebuilds it in (recovery.ts); QUEUED for a new query. */
  readonly phase?: RestoredPhase;
  /** Whether this coordinator may still speak for the query (it leads); events are dropped otherwise. */
  readonly mayAct?: () => boolean;
}

/**
 * One query on the coordinator, its one owner: its phase (query-lifecycle.ts), scheduler, result
 * cursor and event stream. Its phase changes only through the transitions below, each recorded
 * (query-journal.ts) and announced as a status event; the leader's term routes workers' reports,
 * cancels and result requests to it. Everything that changes a query runs in its mailbox, one thing
 * at a time — except planning, which a cancel must be able to interrupt. Events go out as JSON on
 * `<prefix>.query.<id>.status`, numbered from 1.
 */
export class QueryActor {
  /** The current query attempt's scheduler; undefined while planning or waiting to run again. */
  scheduler: QueryScheduler | undefined;
  plan: DistributedPlan | undefined;
  splits: Map<number, Split[][]> = new Map();
  hashPartitions = 1;
  /** How this query's exchange files are written: codec, and its key — kept in memory only, never stored. */
  exchange: { codec: 'NONE' | 'LZ4' | 'ZSTD'; secretKey?: Uint8Array } = { codec: 'NONE' };
  /** `exchange` as task specs carry it: the key sealed with the cluster's shared secret, when there is one. */
  taskExchange: { codec: 'NONE' | 'LZ4' | 'ZSTD'; secretKey?: Uint8Array } = { codec: 'NONE' };
  /** Failed query attempts so far (retry policy QUERY). */
  queryFailures = 0;
  queryAttempt = 0;
  columns: ResultColumn[] = [];
  cursor: ResultSource | undefined;
  error: ErrorData | undefined;
  rows = 0;
  readonly created: number;
  /** Who submitted it, as the submission says (`query.max-concurrent-queries-per-user` counts by it). */
  user = ANONYMOUS_USER;
  /** Recorded and waiting in QUEUED for admission (admission.ts) to start it. */
  awaitingAdmission = false;
  /** SHA-256 of the query's capability (see capabilities.ts): results and cancel ask for it. */
  capabilityHash: string | undefined;
  /**
   * Whose SQL text the query may read in `system.runtime.queries`: every query's with the admin
   * token, else those whose capabilities (hashes) its submission presented. Memory only.
   */
  sees: { readonly admin: boolean; readonly owns: ReadonlySet<string> } | undefined;
  /** When planning began, and when the query first ran on workers: for the time limits. */
  planningStarted: number | undefined;
  executionStarted: number | undefined;
  ended: number | undefined;
  /** Aborted when the query fails: stops its planning (planner-pool.ts) if it is being planned. */
  readonly planning = new AbortController();
  readonly mailbox: Mailbox;
  private seq = 0;
  private readonly lifecycle: QueryLifecycle;

  readonly id: string;
  readonly sql: string;
  readonly session: Session;
  readonly retry: RetrySettings;
  readonly timeLimits: TimeLimits;
  readonly logger: Logger;
  private readonly system: ActorSystem;
  private readonly events: StoredPublisher;
  private readonly journal: QueryRecords;
  private readonly driver: QueryDriver;
  private readonly observer: (e: QueryEvent) => void;
  private readonly mayAct: () => boolean;

  constructor(o: QueryActorOptions) {
    this.id = o.id;
    this.sql = o.sql;
    this.session = o.session;
    this.retry = o.retry;
    this.timeLimits = o.timeLimits;
    this.system = o.system;
    this.events = o.events ?? new PlainPublisher(o.system.nc);
    this.logger = o.logger;
    this.journal = o.journal;
    this.driver = o.driver;
    this.observer = o.observer ?? (() => {});
    this.created = o.created ?? Date.now();
    this.mayAct = o.mayAct ?? (() => true);
    this.mailbox = new Mailbox((e) => o.logger.error({ err: e }, 'query mailbox job failed'));
    this.lifecycle = new QueryLifecycle(
      (from, to) => o.logger.error({ from, to }, 'illegal query transition refused (this is a bug)'),
      o.phase,
    );
  }

  /** The query's state as clients see it (FINISHING shows as RUNNING). */
  get state(): QueryState {
    return this.lifecycle.state;
  }

  get phase(): QueryPhase {
    return this.lifecycle.phase;
  }

  get done(): boolean {
    return this.lifecycle.ended;
  }

  get elapsedMs(): number {
    return (this.ended ?? Date.now()) - this.created;
  }

  // --- transitions -------------------------------------------------------------------------------

  /** QUEUED, recorded (a new leader would run it from here) and announced; it waits for admission. */
  async submitted(includeSql: boolean): Promise<void> {
    try {
      await this.journal.submitted(this);
    } catch (e) {
      // a newer leader took over meanwhile (this term is ending): the submission is that one's to
      // run — the stored copy is delivered again, the client's retry reaches it
      if (isStaleEpoch(e)) throw e;
      this.logger.warn({ err: e }, 'cannot record query');
    }
    this.emit({ type: 'QUEUED', ...(includeSql ? { sql: this.sql } : {}) });
    this.awaitingAdmission = true;
  }

  /** QUEUED → PLANNING: admitted. Not recorded: a new leader plans a query without a recorded plan again. */
  startPlanning(): boolean {
    if (!this.lifecycle.move('PLANNING')) return false;
    this.awaitingAdmission = false;
    this.planningStarted = Date.now();
    this.emit({ type: 'PLANNING' });
    return true;
  }

  /** PLANNING → RUNNING: planned; the plan recorded, so that a new leader goes on from here. */
  async startRunning(running: () => void = () => {}): Promise<boolean> {
    if (!this.lifecycle.move('RUNNING')) return false;
    this.executionStarted = Date.now();
    const planned = this.journal
      .planned(this)
      .catch((e) => this.logger.warn({ err: e }, 'cannot record the plan'));
    this.emitProgress();
    // told at once (its first tasks placed): their records queue behind the plan's
    running();
    await planned;
    return true;
  }

  /**
   * Within RUNNING, retry policy QUERY: this query attempt is abandoned and the next one recorded.
   * Returns the abandoned attempt's scheduler (its tasks are the caller's to cancel).
   */
  async nextAttempt(delayMs: number, error: ErrorData): Promise<QueryScheduler | undefined> {
    const old = this.scheduler;
    if (this.phase !== 'RUNNING' || !old) {
      this.logger.error({ phase: this.phase }, 'new query attempt refused outside RUNNING (this is a bug)');
      return undefined;
    }
    this.queryFailures++;
    this.scheduler = undefined;
    this.queryAttempt++;
    this.emit({ type: 'QUERY_RETRYING', nextAttempt: this.queryAttempt, delayMs, error });
    await this.journal
      .queryAttempt(this)
      .catch((e) => this.logger.warn({ err: e }, 'cannot record query attempt'));
    return old;
  }

  /** RUNNING → FINISHING: every task finished; what remains is the coordinator's (a commit, a result). */
  startFinishing(): boolean {
    return this.lifecycle.move('FINISHING');
  }

  /** FINISHING → FINISHED, recorded and announced; `cursor` and `columns` are its result by now. */
  async finish(rows: number): Promise<void> {
    if (!this.lifecycle.move('FINISHED')) return;
    this.rows = rows;
    this.ended = Date.now();
    this.emit({ type: 'FINISHED', rows, elapsedMs: this.elapsedMs, columns: this.columns });
    this.logger.info({ rows, elapsedMs: this.elapsedMs }, 'query finished');
    await this.journal.finished(this);
  }

  /**
   * → FAILED once, from any phase before the end: recorded and announced, its planning stopped.
   * Later calls are ignored. Returns whether this call failed the query.
   */
  async fail(e: unknown): Promise<boolean> {
    if (this.done || !this.lifecycle.move('FAILED')) return false;
    const err = QuarryError.wrap(e);
    const { stack: _stack, ...data } = err.toData();
    this.error = data;
    this.ended = Date.now();
    this.emit({ type: 'FAILED', error: data, elapsedMs: this.elapsedMs });
    this.logger.info({ error: data }, 'query failed');
    this.planning.abort(err);
    await this.journal.failed(this).catch(() => {});
    return true;
  }

  // --- messages the term routes here ---------------------------------------------------------------

  /** A worker's report about one of this query's task attempts. */
  report(u: TaskUpdate): void {
    this.mailbox.post(() => this.driver.update(this, u));
  }

  /**
   * A client's cancel: fails a query that has not ended with USER_CANCELED. A finished query's
   * result is dropped (as Trino's DELETE of a result URI does): a client that stops reading
   * mid-result frees its spooled files at once instead of after `query.client.timeout`.
   */
  cancel(): Promise<CancelReply> {
    return this.mailbox.run(async () => {
      if (this.phase === 'FINISHED' && this.cursor) {
        this.driver.forget(this);
        return { canceled: true, state: this.state };
      }
      if (this.done) return { canceled: false, state: this.state };
      await this.driver.fail(this, new QuarryError('USER_CANCELED', 'Query was canceled'));
      return { canceled: true, state: this.state };
    });
  }

  /** Page `token` of the result; an empty page with the state while the query has not finished. */
  async resultPage(token: number, format: ResultFormat | undefined): Promise<ResultsPage> {
    const queryId = this.id;
    if (this.phase === 'FAILED') throw QuarryError.fromData(this.error!);
    const cursor = this.cursor;
    if (this.phase !== 'FINISHED' || !cursor)
      return { queryId, state: this.state, columns: this.columns, rows: [], nextToken: token };
    traceMark(this.logger, 'page asked', { token });
    const page = await this.mailbox.run(() => cursor.page(token, format));
    traceMark(this.logger, 'page cut', { token });
    // after the last page: keep the query a little longer (a retry of that page), then drop it
    if (page.next === null) setTimeout(() => this.driver.forget(this), 10_000).unref();
    return {
      queryId,
      state: this.state,
      columns: this.columns,
      rows: page.rows,
      ...(page.data ? { data: page.data } : {}),
      nextToken: page.next,
    };
  }

  // --- status events -------------------------------------------------------------------------------

  /** The number of the last event sent. */
  get lastSeq(): number {
    return this.seq;
  }

  /** A new leader goes on numbering the query's events after the last one an earlier leader sent. */
  resumeEvents(lastSeq: number): void {
    this.seq = Math.max(this.seq, lastSeq);
  }

  /**
   * Events made while this coordinator could not be sure it still led (its lease lapsed, in a long
   * pause): sent once it has renewed the lease, dropped if it has lost it (the new leader speaks).
   */
  private held: QueryEvent[] = [];

  /** Sends the held events, in order, when this coordinator may speak again. */
  releaseHeldEvents(): void {
    if (this.held.length === 0 || !this.mayAct()) return;
    const held = this.held;
    this.held = [];
    for (const e of held) this.publish(e);
  }

  emit(event: EventPayload): void {
    // an event its readers would refuse is lost to them: errors are cut to what the schema accepts
    const bounded = 'error' in event ? { ...event, error: boundedError(event.error) } : event;
    const full = { ...bounded, queryId: this.id, seq: ++this.seq, time: Date.now() } as QueryEvent;
    if (!this.mayAct() || this.held.length > 0) {
      if (this.held.length < 10_000) this.held.push(full);
      return;
    }
    this.publish(full);
  }

  private publish(full: QueryEvent): void {
    const subject = statusSubject(this.system.prefix, this.id);
    const bytes = encode(full, 'json');
    // signed, so that a client holding the shared secret can tell the coordinator's events from forgeries
    this.events.publish(subject, bytes, {
      id: `${this.id}:${full.seq}`,
      headers: this.system.signed(subject, bytes)?.headers,
    });
    this.observer(full);
  }

  emitProgress(task?: TaskRef & { state: TaskState }): void {
    if (!this.scheduler || this.done) return;
    this.emit({ type: 'RUNNING', progress: this.scheduler.progress(), ...(task ? { task } : {}) });
  }
}

/** The name the rest of the coordinator knew the query actor by. */
export type QueryExecution = QueryActor;
