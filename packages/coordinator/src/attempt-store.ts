import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { QuarryError, type ErrorData } from '@quarry/common';
import type { TaskStats } from '@quarry/cluster-protocol';

/**
 * Every task attempt of every query, in Redis. Key schema (prefix = the cluster's subject prefix):
 *
 *   <prefix>:query:<queryId>         HASH  state, sql, created, ended, elapsedMs, error (JSON), retryPolicy
 *   <prefix>:query:<queryId>:tasks   HASH  "<qa>/<stage>.<partition>"           → task JSON {state, current, attempts, winner}
 *                                          "<qa>/<stage>.<partition>.<attempt>" → attempt JSON {worker, state, start, end, error, stats}
 *   (qa: the query attempt, 0 unless retry policy QUERY ran the query again)
 *   <prefix>:queries                 ZSET  queryId scored by creation time (the most recent 1000)
 *
 * Transitions are Lua scripts on the tasks hash, so they are atomic: an attempt wins only if it is
 * the task's current attempt and the task has no winner yet; a report from a superseded attempt,
 * or from an attempt already failed (its worker declared dead), changes nothing — fencing by
 * attempt number. Both query keys expire `retention` after the query ends.
 */
export type AttemptState = 'RUNNING' | 'FINISHED' | 'FAILED';

export interface AttemptRecord {
  readonly attempt: number;
  readonly worker: string;
  readonly state: AttemptState;
  readonly start: number;
  readonly end?: number;
  readonly error?: Pick<ErrorData, 'code' | 'type' | 'message'>;
  readonly stats?: TaskStats;
}

/** Which attempt of which task: `queryAttempt` is 0 unless retry policy QUERY re-ran the query. */
export interface TaskAttemptId {
  readonly queryAttempt: number;
  readonly stageId: number;
  readonly partition: number;
  readonly attempt: number;
}

function taskField(t: TaskAttemptId): string {
  return `${t.queryAttempt}/${t.stageId}.${t.partition}`;
}

function attemptField(t: TaskAttemptId): string {
  return `${taskField(t)}.${t.attempt}`;
}

export interface QuerySummary {
  readonly queryId: string;
  readonly state: string;
  readonly sql: string;
  readonly retryPolicy: string;
  readonly created: number;
  readonly elapsedMs?: number;
  readonly error?: Pick<ErrorData, 'code' | 'type' | 'message'>;
}

export interface TaskRecordView {
  readonly state: 'PENDING' | 'RUNNING' | 'FINISHED' | 'FAILED';
  readonly current?: number;
  readonly attempts: number;
  readonly winner?: number;
}

const START = `
local t = redis.call('HGET', KEYS[1], ARGV[1])
local task = t and cjson.decode(t) or { state = 'PENDING', attempts = 0 }
if task.winner ~= nil then return 0 end
local attempt = tonumber(ARGV[3])
task.current = attempt
task.state = 'RUNNING'
if (task.attempts or 0) < attempt + 1 then task.attempts = attempt + 1 end
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(task))
redis.call('HSET', KEYS[1], ARGV[2], cjson.encode({ attempt = attempt, worker = ARGV[4], state = 'RUNNING', start = tonumber(ARGV[5]) }))
return 1`;

const FINISH = `
local t = redis.call('HGET', KEYS[1], ARGV[1])
local a = redis.call('HGET', KEYS[1], ARGV[2])
if not t or not a then return -1 end
local task = cjson.decode(t)
local rec = cjson.decode(a)
local attempt = tonumber(ARGV[3])
if task.winner ~= nil or task.current ~= attempt or rec.state ~= 'RUNNING' then return 0 end
task.winner = attempt
task.state = 'FINISHED'
task.current = nil
rec.state = 'FINISHED'
rec['end'] = tonumber(ARGV[4])
if ARGV[5] ~= '' then rec.stats = cjson.decode(ARGV[5]) end
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(task))
redis.call('HSET', KEYS[1], ARGV[2], cjson.encode(rec))
return 1`;

const FAIL = `
local t = redis.call('HGET', KEYS[1], ARGV[1])
local a = redis.call('HGET', KEYS[1], ARGV[2])
if not t or not a then return -1 end
local task = cjson.decode(t)
local rec = cjson.decode(a)
local attempt = tonumber(ARGV[3])
if rec.state ~= 'RUNNING' then return 0 end
rec.state = 'FAILED'
rec['end'] = tonumber(ARGV[4])
rec.error = cjson.decode(ARGV[5])
redis.call('HSET', KEYS[1], ARGV[2], cjson.encode(rec))
if task.current == attempt and task.winner == nil then
  task.state = 'FAILED'
  task.current = nil
  redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(task))
end
return 1`;

export class AttemptStore {
  private readonly scripts: Record<'start' | 'finish' | 'fail', string> = { start: '', finish: '', fail: '' };

  constructor(
    readonly redis: Redis,
    readonly prefix: string,
    readonly retentionSeconds: number,
  ) {}

  /** `url` may carry an ACL user and password (`redis://user:pass@host`) and ask for TLS (`rediss://`). */
  static connect(
    url: string,
    prefix: string,
    retentionSeconds: number,
    options: { tlsCaFile?: string } = {},
  ): AttemptStore {
    const redis = new Redis(url, {
      maxRetriesPerRequest: 3,
      lazyConnect: false,
      enableAutoPipelining: true,
      ...(options.tlsCaFile ? { tls: { ca: readFileSync(options.tlsCaFile) } } : {}),
    });
    redis.on('error', () => {
      /* reported per command; ioredis keeps reconnecting */
    });
    return new AttemptStore(redis, prefix, retentionSeconds);
  }

  queryKey(queryId: string): string {
    return `${this.prefix}:query:${queryId}`;
  }

  tasksKey(queryId: string): string {
    return `${this.prefix}:query:${queryId}:tasks`;
  }

  async createQuery(
    queryId: string,
    fields: { sql: string; retryPolicy: string; created: number },
  ): Promise<void> {
    await this.guard(async () => {
      await this.redis
        .multi()
        .hset(this.queryKey(queryId), {
          state: 'QUEUED',
          sql: fields.sql,
          retryPolicy: fields.retryPolicy,
          created: fields.created,
        })
        .zadd(`${this.prefix}:queries`, fields.created, queryId)
        .zremrangebyrank(`${this.prefix}:queries`, 0, -1001)
        .exec();
    });
  }

  /**
   * Claims a query id for this cluster with its capability's hash. `claimed` is false when the id was
   * seen before (within the records' retention); `capabilityHash` is then the hash stored by the
   * first claim, so that a retry of the same submission can be told from someone else's.
   */
  async claimQuery(
    queryId: string,
    capabilityHash: string,
  ): Promise<{ claimed: boolean; capabilityHash?: string }> {
    return this.guard(async () => {
      const key = this.queryKey(queryId);
      const [[, set], [, stored]] = (await this.redis
        .multi()
        .hsetnx(key, 'capability', capabilityHash)
        .hget(key, 'capability')
        .exec()) as [[unknown, number], [unknown, string | null]];
      return set === 1
        ? { claimed: true }
        : { claimed: false, ...(stored ? { capabilityHash: stored } : {}) };
    });
  }

  /**
   * The most recent queries, newest first: id, state, sql, times, error. With `capabilityHashes`,
   * only the queries claimed with one of them (among the most recent 1000).
   */
  async recentQueries(limit: number, capabilityHashes?: ReadonlySet<string>): Promise<QuerySummary[]> {
    return this.guard(async () => {
      const ids = await this.owned(limit, capabilityHashes);
      const rows = await Promise.all(ids.map((id) => this.redis.hgetall(this.queryKey(id))));
      return ids.flatMap((queryId, i) => {
        const h = rows[i]!;
        if (!h['state']) return [];
        return [
          {
            queryId,
            state: h['state'],
            sql: h['sql'] ?? '',
            retryPolicy: h['retryPolicy'] ?? '',
            created: Number(h['created'] ?? 0),
            ...(h['elapsedMs'] ? { elapsedMs: Number(h['elapsedMs']) } : {}),
            ...(h['error'] ? { error: JSON.parse(h['error']) as QuerySummary['error'] } : {}),
          },
        ];
      });
    });
  }

  /** The ids of the most recent queries, or of those among them claimed with one of `hashes`. */
  private async owned(limit: number, hashes: ReadonlySet<string> | undefined): Promise<string[]> {
    const key = `${this.prefix}:queries`;
    if (!hashes) return this.redis.zrevrange(key, 0, limit - 1);
    if (hashes.size === 0) return [];
    const ids = await this.redis.zrevrange(key, 0, -1);
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.hget(this.queryKey(id), 'capability');
    const claims = ((await pipeline.exec()) ?? []).map(([, v]) => v as string | null);
    return ids.filter((_, i) => claims[i] !== null && hashes.has(claims[i]!)).slice(0, limit);
  }

  async setQueryState(queryId: string, state: string): Promise<void> {
    await this.guard(() => this.redis.hset(this.queryKey(queryId), { state }));
  }

  /** Records the end of a query and starts the retention clock on its keys. */
  async endQuery(
    queryId: string,
    state: 'FINISHED' | 'FAILED',
    elapsedMs: number,
    error?: ErrorData,
  ): Promise<void> {
    await this.guard(async () => {
      const fields: Record<string, string | number> = { state, ended: Date.now(), elapsedMs };
      if (error)
        fields['error'] = JSON.stringify({ code: error.code, type: error.type, message: error.message });
      await this.redis
        .multi()
        .hset(this.queryKey(queryId), fields)
        .expire(this.queryKey(queryId), this.retentionSeconds)
        .expire(this.tasksKey(queryId), this.retentionSeconds)
        .exec();
    });
  }

  async startAttempt(queryId: string, t: TaskAttemptId, worker: string): Promise<boolean> {
    const r = await this.run('start', START, queryId, [
      taskField(t),
      attemptField(t),
      String(t.attempt),
      worker,
      String(Date.now()),
    ]);
    return r === 1;
  }

  /** True when this attempt became the task's winner. */
  async finishAttempt(queryId: string, t: TaskAttemptId, stats?: TaskStats): Promise<boolean> {
    const r = await this.run('finish', FINISH, queryId, [
      taskField(t),
      attemptField(t),
      String(t.attempt),
      String(Date.now()),
      stats ? JSON.stringify(stats) : '',
    ]);
    return r === 1;
  }

  /** True when the attempt was running (its failure is recorded); false for a stale report. */
  async failAttempt(queryId: string, t: TaskAttemptId, error: ErrorData): Promise<boolean> {
    const r = await this.run('fail', FAIL, queryId, [
      taskField(t),
      attemptField(t),
      String(t.attempt),
      String(Date.now()),
      JSON.stringify({ code: error.code, type: error.type, message: error.message }),
    ]);
    return r === 1;
  }

  async query(queryId: string): Promise<Record<string, string>> {
    return this.guard(() => this.redis.hgetall(this.queryKey(queryId)));
  }

  /** Every task and attempt record of a query. */
  async attempts(
    queryId: string,
  ): Promise<{ tasks: Map<string, TaskRecordView>; attempts: Map<string, AttemptRecord> }> {
    const all = await this.guard(() => this.redis.hgetall(this.tasksKey(queryId)));
    const tasks = new Map<string, TaskRecordView>();
    const attempts = new Map<string, AttemptRecord>();
    for (const [field, json] of Object.entries(all)) {
      if (field.split('.').length === 2) tasks.set(field, JSON.parse(json) as TaskRecordView);
      else attempts.set(field, JSON.parse(json) as AttemptRecord);
    }
    return { tasks, attempts };
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  private async run(
    name: 'start' | 'finish' | 'fail',
    script: string,
    queryId: string,
    args: string[],
  ): Promise<number> {
    return this.guard(async () => {
      if (!this.scripts[name]) this.scripts[name] = (await this.redis.script('LOAD', script)) as string;
      try {
        return (await this.redis.evalsha(this.scripts[name], 1, this.tasksKey(queryId), ...args)) as number;
      } catch (e) {
        if (!/NOSCRIPT/.test((e as Error).message)) throw e;
        return (await this.redis.eval(script, 1, this.tasksKey(queryId), ...args)) as number;
      }
    });
  }

  private async guard<T>(f: () => Promise<T>): Promise<T> {
    try {
      return await f();
    } catch (e) {
      throw new QuarryError('ATTEMPT_STORE_ERROR', `Redis: ${(e as Error).message}`, { cause: e });
    }
  }
}
