import { QuarryError, type ErrorData } from '@quarry/common';
import type { QueryHandle } from '@quarry/client';
import type { Progress, QueryEvent, ResultColumn } from '@quarry/protocol';
import type { SessionStatement } from './session-statements.js';

export type TrackedState = 'QUEUED' | 'PLANNING' | 'RUNNING' | 'FINISHED' | 'FAILED';

export interface TrackedQueryOptions {
  readonly queryId: string;
  readonly user: string;
  /** The SQL text, when this gateway received it (a query rebuilt from its events has none). */
  readonly sql?: string;
  readonly clientTags?: readonly string[];
  readonly source?: string;
  /** The catalog and schema it was submitted with (the web UI plans it again with them). */
  readonly context?: Readonly<Record<string, string>>;
}

/**
 * What the gateway knows of one query, kept current from its status events: state, progress,
 * columns, error, timings. The one owner of this state; pollers wait on it (`changed`).
 */
export class TrackedQuery {
  readonly queryId: string;
  readonly user: string;
  readonly sql: string | undefined;
  readonly clientTags: readonly string[];
  readonly source: string | undefined;
  readonly context: Readonly<Record<string, string>>;
  readonly createdAt = Date.now();
  state: TrackedState = 'QUEUED';
  progress: Progress | undefined;
  columns: readonly ResultColumn[] | undefined;
  error: ErrorData | undefined;
  runningAt: number | undefined;
  endedAt: number | undefined;
  /** Rows of the result, from FINISHED. */
  rows: number | undefined;
  /** Workers seen running this query's tasks. */
  readonly workers = new Set<string>();
  /** A session statement the gateway answered itself (no query on the cluster). */
  session: SessionStatement | undefined;
  handle: QueryHandle | undefined;
  /** The sealed owner and capability that this query's URIs carry. */
  slug = '';
  /** The query's capability ('' when it never reached the cluster). */
  capability = '';
  lastAccess = Date.now();
  private waiters: (() => void)[] = [];

  constructor(o: TrackedQueryOptions) {
    this.queryId = o.queryId;
    this.user = o.user;
    this.sql = o.sql;
    this.clientTags = o.clientTags ?? [];
    this.source = o.source;
    this.context = o.context ?? {};
  }

  get done(): boolean {
    return this.state === 'FINISHED' || this.state === 'FAILED';
  }

  /** Follows the handle's events in the background until the query ends. */
  follow(handle: QueryHandle): void {
    this.handle = handle;
    void (async () => {
      try {
        for await (const e of handle.events()) this.apply(e);
      } catch (e) {
        this.fail(QuarryError.wrap(e).toData());
      }
      // the events ended without an end state: the stream was closed under us
      if (!this.done)
        this.fail(new QuarryError('MESSAGING_ERROR', 'The query status events stopped').toData());
    })();
  }

  /** Ends a query the gateway answered itself (a session statement). */
  finishLocally(statement: SessionStatement): void {
    this.session = statement;
    this.columns = [{ name: 'result', type: 'boolean' }];
    this.rows = 1;
    this.runningAt = Date.now();
    this.end('FINISHED');
  }

  fail(error: ErrorData): void {
    if (this.done) return;
    this.error = error;
    this.end('FAILED');
  }

  apply(e: QueryEvent): void {
    if (this.done) return;
    switch (e.type) {
      case 'QUEUED':
      case 'PLANNING':
        this.state = e.type;
        break;
      case 'RUNNING':
        this.state = 'RUNNING';
        this.runningAt ??= e.time;
        this.progress = e.progress;
        if (e.task) this.workers.add(e.task.workerId);
        break;
      case 'FINISHED':
        this.columns = e.columns;
        this.rows = e.rows;
        this.runningAt ??= e.time;
        this.end('FINISHED');
        return;
      case 'FAILED':
        this.fail(e.error);
        return;
      default:
        // retries, lost workers and failovers change nothing a Trino client sees
        return;
    }
    this.wake();
  }

  /** Resolves at the next change of state or progress, or after `ms`. */
  async changed(ms: number): Promise<void> {
    if (this.done) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  close(): void {
    this.handle?.close();
    this.wake();
  }

  private end(state: 'FINISHED' | 'FAILED'): void {
    this.state = state;
    this.endedAt = Date.now();
    this.wake();
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}
