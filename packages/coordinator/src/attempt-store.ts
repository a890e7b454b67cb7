import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { QuarryError, type ErrorData } from '@quarry/common';
import type { TaskStats } from '@quarry/cluster-protocol';
import type { ExchangeFile } from '@quarry/exchange';
import { FencedRedis, isStaleEpoch, type FencedOp } from './fencing.js';
import { outputsToJson } from './inline-outputs.js';

/**
 * Every task attempt of every query, in Redis. Key schema (prefix = the cluster's subject prefix):
 *
 *   <prefix>:query:<queryId>         HASH  state, sql, created, ended, elapsedMs, error (JSON), retryPolicy
 *   <prefix>:query:<queryId>:tasks   HASH  "<qa>/<stage>.<partition>"           → task JSON {state, current, backup, attempts, winner}
 *                                          "<qa>/<stage>.<partition>.<attempt>" → attempt JSON {worker, state, start, end, error, stats}
 *   (qa: the query attempt, 0 unless retry policy QUERY ran the query again)
 *   <prefix>:queries                 ZSET  queryId scored by creation time (the most recent 1000)
 *
 * Transitions are Lua scripts on the tasks hash, so they are atomic: an attempt wins only if it is
 * the task's current attempt (or its speculative backup) and the task has no winner yet; a report from a superseded attempt,
 * or from an attempt already failed (its worker declared dead), changes nothing — fencing by
 * attempt number. Both query keys expire `retention` after the query ends.
 */
/** LOST: a winner whose output could not be read any more (its task ran again). */
export type AttemptState = 'RUNNING' | 'FINISHED' | 'FAILED' | 'LOST';

export interface AttemptRecord {
  readonly attempt: number;
  readonly worker: string;
  readonly state: AttemptState;
  readonly start: number;
  readonly end?: number;
  readonly error?: Pick<ErrorData, 'code' | 'type' | 'message'>;
  readonly stats?: TaskStats;
  /** A speculative attempt, started beside a running one that looked slow. */
  readonly speculative?: boolean;
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
  /** A speculative attempt running beside `current`. */
  readonly backup?: number;
  readonly attempts: number;
  readonly winner?: number;
  /** The winner's files (JSON of `ExchangeFile[]`), which consumers and a new leader read. */
  readonly outputs?: string;
  /** Failed attempts that count against the retry limit (a task lost in a failover does not). */
  readonly failures?: number;
}

const START = `
local t = redis.call('HGET', KEYS[2], ARGV[1])
local task = t and cjson.decode(t) or { state = 'PENDING', attempts = 0 }
if task.winner ~= nil then return 0 end
local attempt = tonumber(ARGV[3])
local rec = { attempt = attempt, worker = ARGV[4], state = 'RUNNING', start = tonumber(ARGV[5]) }
if ARGV[6] == 'backup' then
  if task.state ~= 'RUNNING' or task.current == nil or task.backup ~= nil then return 0 end
  task.backup = attempt
  rec.speculative = true
else
  task.current = attempt
  task.state = 'RUNNING'
end
if (task.attempts or 0) < attempt + 1 then task.attempts = attempt + 1 end
redis.call('HSET', KEYS[2], ARGV[1], cjson.encode(task))
redis.call('HSET', KEYS[2], ARGV[2], cjson.encode(rec))
return 1`;

const FINISH = `
local t = redis.call('HGET', KEYS[2], ARGV[1])
local a = redis.call('HGET', KEYS[2], ARGV[2])
if not t or not a then return -1 end
local task = cjson.decode(t)
local rec = cjson.decode(a)
local attempt = tonumber(ARGV[3])
if task.winner ~= nil or (task.current ~= attempt and task.backup ~= attempt) or rec.state ~= 'RUNNING' then return 0 end
task.winner = attempt
task.state = 'FINISHED'
task.current = nil
task.backup = nil
rec.state = 'FINISHED'
rec['end'] = tonumber(ARGV[4])
if ARGV[5] ~= '' then rec.stats = cjson.decode(ARGV[5]) end
task.outputs = ARGV[6]
redis.call('HSET', KEYS[2], ARGV[1], cjson.encode(task))
redis.call('HSET', KEYS[2], ARGV[2], cjson.encode(rec))
return 1`;

const FAIL = `
local t = redis.call('HGET', KEYS[2], ARGV[1])
local a = redis.call('HGET', KEYS[2], ARGV[2])
if not t or not a then return -1 end
local task = cjson.decode(t)
local rec = cjson.decode(a)
local attempt = tonumber(ARGV[3])
if rec.state ~= 'RUNNING' then return 0 end
rec.state = 'FAILED'
rec['end'] = tonumber(ARGV[4])
rec.error = cjson.decode(ARGV[5])
redis.call('HSET', KEYS[2], ARGV[2], cjson.encode(rec))
if task.winner == nil and task.backup == attempt then
  task.backup = nil
  redis.call('HSET', KEYS[2], ARGV[1], cjson.encode(task))
elseif task.current == attempt and task.winner == nil then
  if ARGV[6] ~= 'lost' then task.failures = (task.failures or 0) + 1 end
  if task.backup ~= nil then
    task.current = task.backup
    task.backup = nil
  else
    task.state = 'FAILED'
    task.current = nil
  end
  redis.call('HSET', KEYS[2], ARGV[1], cjson.encode(task))
end
return 1`;

const UNSTART = `
local t = redis.call('HGET', KEYS[2], ARGV[1])
if not t then return 0 end
local task = cjson.decode(t)
local attempt = tonumber(ARGV[3])
if task.winner ~= nil then return 0 end
if task.backup == attempt then
  task.backup = nil
elseif task.current == attempt then
  task.current = nil
  task.state = 'PENDING'
else
  return 0
end
task.attempts = attempt
redis.call('HSET', KEYS[2], ARGV[1], cjson.encode(task))
redis.call('HDEL', KEYS[2], ARGV[2])
return 1`;

const INVALIDATE = `
local t = redis.call('HGET', KEYS[2], ARGV[1])
local a = redis.call('HGET', KEYS[2], ARGV[2])
if not t or not a then return 0 end
local task = cjson.decode(t)
local rec = cjson.decode(a)
if task.winner ~= tonumber(ARGV[3]) then return 0 end
task.winner = nil
task.outputs = nil
task.state = 'FAILED'
task.failures = (task.failures or 0) + 1
rec.state = 'LOST'
rec.error = cjson.decode(ARGV[4])
redis.call('HSET', KEYS[2], ARGV[1], cjson.encode(task))
redis.call('HSET', KEYS[2], ARGV[2], cjson.encode(rec))
return 1`;

export class AttemptStore {
  /** Every write checks the leader's epoch (fencing.ts). */
  readonly fenced: FencedRedis;

  constructor(
    readonly redis: Redis,
    readonly prefix: string,
    readonly retentionSeconds: number,
  ) {
    this.fenced = new FencedRedis(redis, `${prefix}:leader:epoch`);
  }

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

  /** The set of queries a leader holds (running, or finished with a result to serve). */
  get activeKey(): string {
    return `${this.prefix}:active`;
  }

  async createQuery(queryId: string, fields: Readonly<Record<string, string | number>>): Promise<void> {
    const created = Number(fields['created'] ?? Date.now());
    await this.write([
      ['HSET', this.queryKey(queryId), ...Object.entries({ state: 'QUEUED', ...fields }).flat()],
      ['ZADD', `${this.prefix}:queries`, created, queryId],
      ['ZREMRANGEBYRANK', `${this.prefix}:queries`, 0, -1001],
      ['SADD', this.activeKey, queryId],
    ]);
  }

  /** Writes fields of a query's record (and more commands, atomically with them), fenced. */
  async updateQuery(
    queryId: string,
    fields: Readonly<Record<string, string | number>>,
    more: readonly FencedOp[] = [],
  ): Promise<void> {
    const entries = Object.entries(fields).flat();
    await this.write([
      ...(entries.length ? [['HSET', this.queryKey(queryId), ...entries] as const] : []),
      ...more,
    ]);
  }

  /** Runs fenced commands; STALE_EPOCH passes through, other failures are ATTEMPT_STORE_ERROR. */
  async write(ops: readonly FencedOp[]): Promise<void> {
    await this.guard(() => this.fenced.exec(ops));
  }

  /**
   * Claims a query id for this cluster with its capability's hash. `claimed` is false when the id was
   * seen before (within the records' retention); `capabilityHash` is then the hash stored by the
   * first claim, so that a retry of the same submission can be told from someone else's.
   */
  async claimQuery(
    queryId: string,
    capabilityHash: string,
  ): Promise<{ claimed: boolean; capabilityHash?: string; recorded?: boolean }> {
    return this.guard(async () => {
      const key = this.queryKey(queryId);
      const [[, set], [, stored], [, state]] = (await this.redis
        .multi()
        .hsetnx(key, 'capability', capabilityHash)
        .hget(key, 'capability')
        .hget(key, 'state')
        .exec()) as [[unknown, number], [unknown, string | null], [unknown, string | null]];
      return set === 1
        ? { claimed: true }
        : { claimed: false, ...(stored ? { capabilityHash: stored } : {}), recorded: state !== null };
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

  /** Records the end of a query and starts the retention clock on its keys. */
  async endQuery(
    queryId: string,
    state: 'FINISHED' | 'FAILED',
    elapsedMs: number,
    error?: ErrorData,
  ): Promise<void> {
    const fields: Record<string, string | number> = { state, ended: Date.now(), elapsedMs };
    if (error)
      fields['error'] = JSON.stringify({ code: error.code, type: error.type, message: error.message });
    await this.updateQuery(queryId, fields, [
      ['EXPIRE', this.queryKey(queryId), this.retentionSeconds],
      ['EXPIRE', this.tasksKey(queryId), this.retentionSeconds],
    ]);
  }

  /** The leader no longer holds the query (its result was read or expired): a new leader leaves it be. */
  async forgetQuery(queryId: string): Promise<void> {
    await this.write([['SREM', this.activeKey, queryId]]);
  }

  /**
   * Records an attempt before its hand-over; `backup`: a speculative attempt beside the task's
   * current one (refused when the task has none running, or has a backup already).
   */
  async startAttempt(
    queryId: string,
    t: TaskAttemptId,
    worker: string,
    options: { backup?: boolean } = {},
  ): Promise<boolean> {
    const r = await this.run(START, queryId, [
      taskField(t),
      attemptField(t),
      String(t.attempt),
      worker,
      String(Date.now()),
      options.backup ? 'backup' : '',
    ]);
    return r === 1;
  }

  /** True when this attempt became the task's winner. */
  async finishAttempt(
    queryId: string,
    t: TaskAttemptId,
    result: { stats?: TaskStats | undefined; outputs: readonly ExchangeFile[] },
  ): Promise<boolean> {
    const r = await this.run(FINISH, queryId, [
      taskField(t),
      attemptField(t),
      String(t.attempt),
      String(Date.now()),
      result.stats ? JSON.stringify(result.stats) : '',
      outputsToJson(result.outputs),
    ]);
    return r === 1;
  }

  /** True when the attempt was running (its failure is recorded); false for a stale report. */
  async failAttempt(
    queryId: string,
    t: TaskAttemptId,
    error: ErrorData,
    options: { lost?: boolean } = {},
  ): Promise<boolean> {
    const r = await this.run(FAIL, queryId, [
      taskField(t),
      attemptField(t),
      String(t.attempt),
      String(Date.now()),
      JSON.stringify({ code: error.code, type: error.type, message: error.message }),
      options.lost ? 'lost' : '',
    ]);
    return r === 1;
  }

  /** A winner whose output was lost: no winner any more (it runs again); the attempt is marked LOST. */
  async invalidateWinner(queryId: string, t: TaskAttemptId, error: ErrorData): Promise<boolean> {
    const err = JSON.stringify({ code: error.code, type: error.type, message: error.message });
    return (
      (await this.run(INVALIDATE, queryId, [taskField(t), attemptField(t), String(t.attempt), err])) === 1
    );
  }

  /** A hand-over the worker refused, or that found nobody: as if the attempt had never started. */
  async unstartAttempt(queryId: string, t: TaskAttemptId): Promise<boolean> {
    return (await this.run(UNSTART, queryId, [taskField(t), attemptField(t), String(t.attempt)])) === 1;
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

  private async run(script: string, queryId: string, args: string[]): Promise<number> {
    return this.guard(async () => Number(await this.fenced.script(script, [this.tasksKey(queryId)], args)));
  }

  private async guard<T>(f: () => Promise<T>): Promise<T> {
    try {
      return await f();
    } catch (e) {
      if (isStaleEpoch(e)) throw e;
      throw new QuarryError('ATTEMPT_STORE_ERROR', `Redis: ${(e as Error).message}`, { cause: e });
    }
  }
}
