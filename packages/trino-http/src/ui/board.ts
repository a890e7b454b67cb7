import type { ErrorData, Logger } from '@quarry/common';
import type { QuarryClient } from '@quarry/client';
import type { Progress, QueryEvent, QueryState } from '@quarry/protocol';

/**
 * The ids of the EXPLAINs the UI runs to show plans start with this: no board lists them, whichever
 * coordinator's gateway ran them.
 */
export const UI_PLAN_PREFIX = 'uiplan_';

/** What the board knows of one query, from its status events. */
export interface BoardEntry {
  readonly queryId: string;
  /** Time of its first event seen. */
  readonly created: number;
  state: QueryState;
  endedAt?: number;
  elapsedMs?: number;
  rows?: number;
  error?: ErrorData;
  progress?: Progress;
  /** From its QUEUED event, where the coordinator has `query.events.include-sql=true`. */
  sql?: string;
  /** Its events in order; the first `maxEvents` only (`truncated` then). */
  readonly events: QueryEvent[];
  truncated: boolean;
  lastSeq: number;
  /** Counts of what went wrong and was overcome. */
  readonly counts: {
    taskFailures: number;
    retries: number;
    lostWorkers: number;
    speculative: number;
    failovers: number;
  };
}

export interface QueryBoardOptions {
  readonly client: QuarryClient;
  readonly logger: Logger;
  /** Most queries kept (ended ones are forgotten first, oldest first). */
  readonly maxQueries?: number;
  /** Most events kept per query. */
  readonly maxEvents?: number;
}

/**
 * Every query of the cluster as its status events tell, for the web UI: replays the retained events
 * of all queries, then follows new ones. The one owner of this state; the API reads it. Events are
 * public on NATS (no SQL text unless the coordinator includes it), so nothing here is secret.
 */
export class QueryBoard {
  private readonly entries = new Map<string, BoardEntry>();
  private readonly maxQueries: number;
  private readonly maxEvents: number;
  private stopped = false;

  constructor(private readonly o: QueryBoardOptions) {
    this.maxQueries = o.maxQueries ?? 1000;
    this.maxEvents = o.maxEvents ?? 20_000;
  }

  /** Starts following the events in the background (again after a second when the stream breaks). */
  start(): this {
    void this.follow();
    return this;
  }

  private async follow(): Promise<void> {
    while (!this.stopped) {
      try {
        for await (const e of this.o.client.allEvents({ follow: true })) {
          if (this.stopped) return;
          this.apply(e);
        }
      } catch (e) {
        if (!this.stopped)
          this.o.logger.warn({ err: e }, 'web UI: the status events stopped; following again');
      }
      if (!this.stopped) await new Promise((resolve) => setTimeout(resolve, 1000).unref());
    }
  }

  get(queryId: string): BoardEntry | undefined {
    return this.entries.get(queryId);
  }

  /** Newest first. */
  list(): BoardEntry[] {
    return [...this.entries.values()].sort((a, b) => b.created - a.created);
  }

  apply(e: QueryEvent): void {
    if (e.queryId.startsWith(UI_PLAN_PREFIX)) return;
    let entry = this.entries.get(e.queryId);
    if (!entry) {
      entry = newEntry(e);
      this.entries.set(e.queryId, entry);
      this.evict();
    }
    // a replay after a broken stream sends events again: each counts once
    if (e.seq <= entry.lastSeq) return;
    entry.lastSeq = e.seq;
    if (entry.events.length < this.maxEvents) entry.events.push(e);
    else entry.truncated = true;
    update(entry, e);
  }

  private evict(): void {
    if (this.entries.size <= this.maxQueries) return;
    const oldest = this.list().reverse();
    const victim = oldest.find((x) => x.endedAt !== undefined) ?? oldest[0]!;
    this.entries.delete(victim.queryId);
  }

  stop(): void {
    this.stopped = true;
  }
}

function newEntry(e: QueryEvent): BoardEntry {
  return {
    queryId: e.queryId,
    created: e.time,
    state: 'QUEUED',
    events: [],
    truncated: false,
    lastSeq: 0,
    counts: { taskFailures: 0, retries: 0, lostWorkers: 0, speculative: 0, failovers: 0 },
  };
}

function update(entry: BoardEntry, e: QueryEvent): void {
  switch (e.type) {
    case 'QUEUED':
      entry.state = 'QUEUED';
      if (e.sql !== undefined) entry.sql = e.sql;
      return;
    case 'PLANNING':
      entry.state = 'PLANNING';
      return;
    case 'RUNNING':
      entry.state = 'RUNNING';
      entry.progress = e.progress;
      return;
    case 'TASK_FAILED':
      entry.counts.taskFailures++;
      return;
    case 'TASK_RETRYING':
    case 'QUERY_RETRYING':
      entry.counts.retries++;
      return;
    case 'TASK_SPECULATING':
      entry.counts.speculative++;
      return;
    case 'WORKER_LOST':
      entry.counts.lostWorkers++;
      return;
    case 'COORDINATOR_FAILOVER':
      entry.counts.failovers++;
      return;
    case 'FINISHED':
      Object.assign(entry, { state: 'FINISHED', endedAt: e.time, elapsedMs: e.elapsedMs, rows: e.rows });
      return;
    case 'FAILED':
      Object.assign(entry, { state: 'FAILED', endedAt: e.time, elapsedMs: e.elapsedMs, error: e.error });
      return;
  }
}
