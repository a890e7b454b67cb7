import { QuarryError, type ErrorData, type Logger } from '@quarry/common';
import {
  boundedError,
  statusSubject,
  type QueryEvent,
  type QueryState,
  type ResultColumn,
  type TaskRef,
  type TaskState,
} from '@quarry/protocol';
import { encode, Mailbox, PlainPublisher, type ActorSystem, type StoredPublisher } from '@quarry/runtime';
import type { DistributedPlan, Session, Split } from '@quarry/sql';
import { ANONYMOUS_USER } from './admission.js';
import type { RetrySettings } from './retry-policy.js';
import type { TimeLimits } from './time-limits.js';
import type { ResultSource } from './results.js';
import type { QueryScheduler } from './scheduler.js';

type EventPayload = QueryEvent extends infer E
  ? E extends QueryEvent
    ? Omit<E, 'queryId' | 'seq' | 'time'>
    : never
  : never;

export interface QueryExecutionOptions {
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
  /** Told of every event it emits (metrics). */
  readonly observer?: (e: QueryEvent) => void;
  /** When it was submitted (a new leader restores it from the records); now by default. */
  readonly created?: number;
  /** Whether this coordinator may still speak for the query (it leads); events are dropped otherwise. */
  readonly mayAct?: () => boolean;
}

/**
 * One query on the coordinator: its state, scheduler, result cursor and event stream. Everything
 * that changes a query runs in its mailbox, one thing at a time. Events go out as JSON on
 * `<prefix>.query.<id>.status`, numbered from 1.
 */
export class QueryExecution {
  state: QueryState = 'QUEUED';
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

  readonly id: string;
  readonly sql: string;
  readonly session: Session;
  readonly retry: RetrySettings;
  readonly timeLimits: TimeLimits;
  readonly logger: Logger;
  private readonly system: ActorSystem;
  private readonly events: StoredPublisher;
  private readonly observer: (e: QueryEvent) => void;
  private readonly mayAct: () => boolean;

  constructor(o: QueryExecutionOptions) {
    this.id = o.id;
    this.sql = o.sql;
    this.session = o.session;
    this.retry = o.retry;
    this.timeLimits = o.timeLimits;
    this.system = o.system;
    this.events = o.events ?? new PlainPublisher(o.system.nc);
    this.logger = o.logger;
    this.observer = o.observer ?? (() => {});
    this.created = o.created ?? Date.now();
    this.mayAct = o.mayAct ?? (() => true);
    this.mailbox = new Mailbox((e) => o.logger.error({ err: e }, 'query mailbox job failed'));
  }

  get done(): boolean {
    return this.state === 'FINISHED' || this.state === 'FAILED';
  }

  get elapsedMs(): number {
    return (this.ended ?? Date.now()) - this.created;
  }

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

  /** Moves to FAILED once; later calls are ignored. Returns whether this call failed the query. */
  fail(e: unknown): boolean {
    if (this.done) return false;
    const err = QuarryError.wrap(e);
    const { stack: _stack, ...data } = err.toData();
    this.error = data;
    this.state = 'FAILED';
    this.ended = Date.now();
    this.emit({ type: 'FAILED', error: data, elapsedMs: this.elapsedMs });
    this.logger.info({ error: data }, 'query failed');
    this.planning.abort(err);
    return true;
  }

  finish(rows: number): void {
    if (this.done) return;
    this.rows = rows;
    this.state = 'FINISHED';
    this.ended = Date.now();
    this.emit({ type: 'FINISHED', rows, elapsedMs: this.elapsedMs, columns: this.columns });
    this.logger.info({ rows, elapsedMs: this.elapsedMs }, 'query finished');
  }
}
