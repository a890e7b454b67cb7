import { QuarryError } from '@quarry/common';
import type { ClusterInfo, QuarryClient } from '@quarry/client';
import { SAFE_ID_PATTERN, USER_PATTERN, type QueryEvent, type QueryState } from '@quarry/protocol';
import type { Caller, Reply } from '../statement-service.js';
import type { TrackedQuery } from '../tracked-query.js';
import { tasksFromEvents } from './attempts.js';
import type { BoardEntry, QueryBoard } from './board.js';
import type { Plans } from './plans.js';
import { UI_SECURITY_HEADERS } from './static-files.js';
import type { WorkerGauges } from './worker-gauges.js';

export interface UiApiOptions {
  readonly client: QuarryClient;
  readonly board: QueryBoard;
  readonly plans: Plans;
  /** The workers' memory and load, from their heartbeats. */
  readonly gauges: WorkerGauges;
  /** The gateway's own queries: their owner, SQL text and catalog. */
  readonly tracked: (queryId: string) => TrackedQuery | undefined;
  /**
   * True with a password authenticator: a caller sees the SQL text and plan of its own queries
   * only (every query's states and attempts are public on NATS anyway).
   */
  readonly ownerOnly: boolean;
  /** How long the cluster overview waits for the coordinator's answer. */
  readonly clusterTimeoutMs?: number;
}

const QUERY_PATH = new RegExp(`^/ui/api/queries/(${SAFE_ID_PATTERN.slice(1, -1)})$`);
const STATES: readonly QueryState[] = ['QUEUED', 'PLANNING', 'RUNNING', 'FINISHED', 'FAILED'];
const LIST_PARAMS = new Set(['state', 'user', 'text', 'limit']);
const USER = new RegExp(USER_PATTERN);
const MAX_LISTED_SQL = 500;

/**
 * The JSON the web UI reads, under `/ui/api/`: `cluster` (workers, coordinators, query counts),
 * `queries` (the list, with filters `state`, `user`, `text`, `limit`) and `queries/{id}` (one
 * query: SQL, plan, stages, tasks with every attempt, and its events). GET only; every parameter is
 * checked, and a wrong one is a 400 that names it.
 */
export class UiApi {
  private info: Promise<ClusterInfo> | undefined;

  constructor(private readonly o: UiApiOptions) {}

  /** `path` without its query string, `params` from it. */
  async handle(
    request: { method: string; path: string; params: URLSearchParams },
    caller: Caller,
  ): Promise<Reply> {
    const { method, path, params } = request;
    if (method !== 'GET') return error(405, 'The web UI API answers GET only');
    if (path === '/ui/api/cluster') return json(await this.cluster());
    if (path === '/ui/api/queries') return this.list(params, caller);
    if (path.startsWith('/ui/api/queries/')) {
      const m = QUERY_PATH.exec(path);
      if (!m) return error(400, 'A query id is 1 to 128 letters, digits, _ or -');
      if ([...params.keys()].length > 0) return error(400, 'A query page takes no parameters');
      return this.query(m[1]!, caller);
    }
    return error(404, `No such API: ${path}`);
  }

  private async cluster(): Promise<object> {
    const ended = { finished: 0, failed: 0 };
    const board = { running: 0, queued: 0 };
    for (const q of this.o.board.list()) {
      if (q.state === 'FINISHED') ended.finished++;
      else if (q.state === 'FAILED') ended.failed++;
      else if (q.state === 'RUNNING') board.running++;
      else board.queued++;
    }
    try {
      const info = await this.clusterInfo();
      const workers = info.workers.map((w) => {
        const { at: _at, ...gauge } = this.o.gauges.of(w.workerId) ?? { at: 0 };
        return { ...w, ...gauge };
      });
      return { ...info, workers, queries: { ...info.queries, ...ended } };
    } catch (e) {
      const unavailable = QuarryError.wrap(e).message;
      return {
        coordinatorId: null,
        workers: [],
        coordinators: [],
        queries: { ...board, ...ended },
        unavailable,
      };
    }
  }

  /** The leader's cluster info; one request at a time, and no longer wait than `clusterTimeoutMs`. */
  private async clusterInfo(): Promise<ClusterInfo> {
    this.info ??= this.o.client.workers().finally(() => (this.info = undefined));
    const ms = this.o.clusterTimeoutMs ?? 5000;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new QuarryError('COORDINATOR_UNAVAILABLE', `No coordinator answered within ${ms} ms`)),
        ms,
      );
    });
    try {
      return await Promise.race([this.info, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private list(params: URLSearchParams, caller: Caller): Reply {
    for (const key of params.keys()) {
      if (!LIST_PARAMS.has(key))
        return error(400, `Unknown parameter '${key}': use state, user, text or limit`);
      if (params.getAll(key).length > 1) return error(400, `Parameter '${key}' is given more than once`);
    }
    const state = params.get('state') ?? '';
    if (state !== '' && !STATES.includes(state as QueryState))
      return error(400, `state must be one of ${STATES.join(', ')}`);
    const user = params.get('user') ?? '';
    if (user !== '' && !USER.test(user))
      return error(400, 'user must be 1 to 128 letters, digits or _ . @ + -');
    const text = (params.get('text') ?? '').toLowerCase();
    if (text.length > 200) return error(400, 'text must be at most 200 characters');
    const limitText = params.get('limit') ?? '100';
    const limit = /^\d{1,4}$/.test(limitText) ? Number(limitText) : NaN;
    if (!(limit >= 1 && limit <= 1000)) return error(400, 'limit must be a whole number from 1 to 1000');
    const rows = this.o.board
      .list()
      .map((q) => this.summary(q, caller))
      .filter((q) => (state === '' || q.state === state) && (user === '' || q.user === user))
      .filter((q) => text === '' || `${q.queryId}\n${q.sql ?? ''}`.toLowerCase().includes(text));
    return json({ queries: rows.slice(0, limit), total: rows.length });
  }

  private summary(q: BoardEntry, caller: Caller) {
    const t = this.o.tracked(q.queryId);
    const sql = this.visibleSql(q, t, caller);
    return {
      queryId: q.queryId,
      state: q.state,
      user: t?.user ?? null,
      sql: sql === null || sql.length <= MAX_LISTED_SQL ? sql : `${sql.slice(0, MAX_LISTED_SQL)}…`,
      created: q.created,
      endedAt: q.endedAt ?? null,
      elapsedMs: q.elapsedMs ?? null,
      error: q.error ? { code: q.error.code, type: q.error.type, message: q.error.message } : null,
      tasksDone: q.progress?.tasksDone ?? 0,
      tasksTotal: q.progress?.tasksTotal ?? 0,
      counts: q.counts,
    };
  }

  /** The SQL text the caller may read: its own query's, or any without an authenticator. */
  private visibleSql(q: BoardEntry, t: TrackedQuery | undefined, caller: Caller): string | null {
    if (this.o.ownerOnly && (t === undefined || t.user !== caller.user)) return null;
    return t?.sql ?? q.sql ?? null;
  }

  private query(queryId: string, caller: Caller): Reply {
    const q = this.o.board.get(queryId);
    if (!q) return error(404, `Query not found: ${queryId} (this coordinator has seen no event of it)`);
    const t = this.o.tracked(queryId);
    const sql = this.visibleSql(q, t, caller);
    const plan =
      sql === null
        ? { unavailable: 'The SQL text of this query is not known here, or not yours to read' }
        : this.o.plans.of(queryId, sql, t?.context ?? {});
    return json({
      ...this.summary(q, caller),
      sql,
      rows: q.rows ?? null,
      stages: q.progress?.stages ?? [],
      plan,
      tasks: tasksFromEvents(q.events),
      events: q.events.map(withoutStacks),
      truncated: q.truncated,
    });
  }
}

/** Stacks are the servers' business, not the page's. */
function withoutStacks(e: QueryEvent): QueryEvent {
  if (!('error' in e)) return e;
  const { stack: _stack, ...error } = e.error;
  return { ...e, error };
}

function json(body: object): Reply {
  return {
    status: 200,
    body: JSON.stringify(body),
    json: true,
    headers: { 'Cache-Control': 'no-store', ...UI_SECURITY_HEADERS },
  };
}

function error(status: number, message: string): Reply {
  return {
    status,
    body: JSON.stringify({ error: message }),
    json: true,
    headers: { 'Cache-Control': 'no-store', ...UI_SECURITY_HEADERS },
  };
}
