import { isErrorData, QuarryError, type Logger } from '@quarry/common';
import { taskId } from '@quarry/cluster-protocol';
import type { ExchangeManager } from '@quarry/exchange';
import type { ResultColumn, TaskRef } from '@quarry/protocol';
import { lastStored, streamName, type ActorSystem } from '@quarry/runtime';
import type { AttemptStore, AttemptRecord, TaskRecordView } from './attempt-store.js';
import type { QueryControl } from './query-control.js';
import type { QueryExecution } from './query.js';
import type { QueryJournal, StoredQuery } from './query-journal.js';
import type { RestoredPhase } from './query-lifecycle.js';
import { StaticResult } from './results.js';
import { QueryScheduler, type RestoredTask } from './scheduler.js';
import type { WorkerRegistry } from './worker-registry.js';
import { outputsFromJson } from './inline-outputs.js';

/** The parts of a leader's term that recovery drives. */
export interface RecoveringTerm {
  readonly id: string;
  readonly epoch: number;
  readonly queries: Map<string, QueryExecution>;
  newQuery(
    id: string,
    sql: string,
    props: Readonly<Record<string, string>>,
    restored: { created: number; taskKey: Uint8Array | undefined; phase: RestoredPhase },
  ): QueryExecution;
  schedule(): void;
  readonly systemForEvents: ActorSystem;
  readonly eventsStream: boolean;
}

export interface RecoveryDeps {
  readonly term: RecoveringTerm;
  readonly journal: QueryJournal;
  readonly store: AttemptStore;
  readonly control: QueryControl;
  readonly registry: WorkerRegistry;
  readonly exchange: ExchangeManager;
  /** How long workers have to show (by heartbeat, or a final report) that adopted tasks still run. */
  readonly graceMs: number;
  readonly logger: Logger;
}

/** How long after a worker's first heartbeat its resent final reports have to arrive. */
const REPORTS_GRACE_MS = 300;

/** What a takeover found: queries rebuilt, tasks adopted while running, and tasks that were lost. */
export interface Takeover {
  readonly queries: number;
  readonly adopted: number;
  readonly lost: number;
  readonly tookMs: number;
}

/**
 * A new leader takes over what the last one left (query-journal.ts): every query in the active set
 * is rebuilt from its records. A query that had not been planned waits for admission again (the
 * term starts it once every query is back, see admission.ts); a running one
 * gets its scheduler back with finished tasks finished (their winners' files are read as before) and
 * running ones adopted; a finished one serves its result again; a failed one is cleaned up. After a
 * grace period, adopted attempts that no worker lists as running are lost: they run again, at no
 * cost to the task's retry budget. Each query is then told of the failover by a
 * COORDINATOR_FAILOVER event.
 */
export async function rebuildQueries(d: RecoveryDeps): Promise<Rebuilt> {
  const started = Date.now();
  const running: QueryExecution[] = [];
  for (const id of await d.journal.active().catch(() => [] as string[])) {
    if (d.term.queries.has(id)) continue;
    try {
      const q = await recoverQuery(d, await d.journal.load(id));
      if (q?.state === 'RUNNING') running.push(q);
    } catch (e) {
      d.logger.error({ err: e, queryId: id }, 'cannot recover query');
    }
  }
  let adopted = 0;
  for (const q of running) {
    const adoptedTasks = q.scheduler?.running().length ?? 0;
    adopted += adoptedTasks;
    q.emit({ type: 'COORDINATOR_FAILOVER', coordinatorId: d.term.id, epoch: d.term.epoch, adoptedTasks });
    q.emitProgress();
  }
  if (running.length > 0) d.logger.info({ queries: running.length, adopted }, 'took over running queries');
  return { running, adopted, started };
}

/** The queries a takeover rebuilt that still run, and how many of their tasks it adopted. */
export interface Rebuilt {
  readonly running: readonly QueryExecution[];
  readonly adopted: number;
  readonly started: number;
}

/**
 * The adopted attempts still to be confirmed, by worker. A worker's first heartbeat to the new
 * leader lists what it runs (it sends its recent final reports just before, so a task that
 * finished meanwhile has been reported by then): an adopted attempt it lists is confirmed, one it
 * does not is lost. Attempts on workers not heard from within the grace period are lost too.
 */
export class Adoptions {
  private readonly pending = new Map<string, { q: QueryExecution; ref: TaskRef }[]>();
  private readonly settling: Promise<void>[] = [];
  private lostCount = 0;

  constructor(
    private readonly d: RecoveryDeps,
    running: readonly QueryExecution[],
  ) {
    for (const q of running) {
      for (const t of q.scheduler?.running() ?? []) {
        const c = t.current!;
        const ref: TaskRef = {
          taskId: taskId(t.stageId, t.partition, c.attempt, q.queryAttempt),
          queryAttempt: q.queryAttempt,
          stageId: t.stageId,
          partition: t.partition,
          attempt: c.attempt,
          workerId: c.workerId,
        };
        const list = this.pending.get(c.workerId) ?? [];
        list.push({ q, ref });
        this.pending.set(c.workerId, list);
      }
    }
  }

  get lost(): number {
    return this.lostCount;
  }

  /**
   * A worker heartbeated (the registry has its list of running tasks). Only a heartbeat sent after
   * the worker saw this leader's epoch counts: it comes after the worker's final reports sent again.
   */
  heard(workerId: string, epoch: number | undefined): void {
    if (epoch === undefined || epoch < this.d.term.epoch) return;
    const list = this.pending.get(workerId);
    if (!list) return;
    this.pending.delete(workerId);
    const listed = this.d.registry.listedTasks(workerId) ?? new Set<string>();
    // the worker's final reports went out just before this heartbeat, but on another subject, read
    // by another actor: they are given a moment to reach the query before anything is called lost
    const settled = new Promise<void>((resolve) => setTimeout(resolve, REPORTS_GRACE_MS)).then(() =>
      Promise.all(list.map(({ q, ref }) => q.mailbox.run(() => this.settle(q, ref, listed)))),
    );
    this.settling.push(settled.then(() => {}));
  }

  /** The grace period is over: whatever is unconfirmed is lost. */
  async expire(): Promise<void> {
    const rest = [...this.pending.values()].flat();
    this.pending.clear();
    await Promise.all(this.settling);
    await Promise.all(rest.map(({ q, ref }) => q.mailbox.run(() => this.settle(q, ref, new Set()))));
  }

  private async settle(q: QueryExecution, ref: TaskRef, listed: ReadonlySet<string>): Promise<void> {
    const task = q.scheduler?.task(ref.stageId, ref.partition);
    const c = task?.current;
    if (!c?.adopted || c.attempt !== ref.attempt || q.done) return;
    if (listed.has(`${q.id}/${ref.taskId}`)) {
      c.adopted = false;
      return;
    }
    this.lostCount++;
    await this.d.control.lost(q, ref);
  }
}

/**
 * Tells each rebuilt query of the takeover, then waits out the grace period for workers to show
 * what they run (see Adoptions).
 */
export async function finishTakeover(
  d: RecoveryDeps,
  rebuilt: Rebuilt,
  adoptions: Adoptions,
): Promise<Takeover> {
  const { running, adopted, started } = rebuilt;
  if (running.length > 0) await new Promise((r) => setTimeout(r, d.graceMs));
  await adoptions.expire();
  d.term.schedule();
  const lost = adoptions.lost;
  return { queries: running.length, adopted: adopted - lost, lost, tookMs: Date.now() - started };
}

async function recoverQuery(d: RecoveryDeps, stored: StoredQuery): Promise<QueryExecution | undefined> {
  const f = stored.fields;
  const state = f['state'];
  if (!state || state === 'FAILED') {
    if (state === 'FAILED') await announceLostFailure(d, stored);
    await d.store.forgetQuery(stored.id);
    if (state === 'FAILED') void d.exchange.deleteQuery(stored.id).catch(() => {});
    return undefined;
  }
  // no recorded plan: waiting for admission or not yet planned; else running, or finished
  const q = restoredQuery(d, stored, !stored.plan ? 'QUEUED' : state === 'FINISHED' ? 'FINISHED' : 'RUNNING');
  const last = await lastEvent(d, stored);
  q.resumeEvents(last.seq);
  if (!stored.plan) {
    // it was waiting for admission, or had not finished planning (its plan is not recorded): it
    // waits again, and admission starts it — in order of submission, once the queries that were
    // running count against its user's cap again — to be planned again, as if just submitted
    q.awaitingAdmission = true;
    return q;
  }
  restoreRun(q, stored);
  await restoreTasks(d, q);
  if (state === 'FINISHED') {
    restoreResult(d, q, stored);
    // the last leader recorded the end but died (or stood down) before its FINISHED event was
    // stored: a client waiting for it would wait for ever
    if (d.term.eventsStream && last.type !== 'FINISHED')
      q.emit({ type: 'FINISHED', rows: q.rows, elapsedMs: q.elapsedMs, columns: q.columns });
    return undefined;
  }
  if (q.scheduler!.done) {
    // every task had finished: the last leader died committing or ending the query; do it again
    await q.mailbox.run(() => d.control.finish(q));
    return undefined;
  }
  return q;
}

/** Plan, splits, attempt counters and timestamps as the records have them. */
function restoreRun(q: QueryExecution, stored: StoredQuery): void {
  const f = stored.fields;
  const { plan, splits } = stored.plan!;
  q.plan = plan;
  q.splits = splits;
  q.hashPartitions = Number(f['hashPartitions'] ?? 1);
  q.queryAttempt = Number(f['queryAttempt'] ?? 0);
  q.queryFailures = Number(f['queryFailures'] ?? 0);
  q.columns = parseJson<ResultColumn[]>(f['columns'], []);
  q.planningStarted = Number(f['planningStarted'] ?? q.created);
  q.executionStarted = Number(f['executionStarted'] ?? q.created);
  q.scheduler = new QueryScheduler(plan, splits, q.hashPartitions, q.queryAttempt);
}

/** Each task of the current query attempt as its records say: finished, running (adopted) or pending. */
async function restoreTasks(d: RecoveryDeps, q: QueryExecution): Promise<void> {
  const { tasks, attempts } = await d.store.attempts(q.id);
  const now = Date.now();
  for (const [field, task] of tasks) {
    const [qa, rest] = field.split('/');
    if (Number(qa) !== q.queryAttempt) continue;
    const [stageId, partition] = rest!.split('.').map(Number) as [number, number];
    q.scheduler!.restore(stageId, partition, restoredTask(field, task, attempts), now);
  }
}

function restoredTask(
  field: string,
  task: TaskRecordView,
  attempts: ReadonlyMap<string, AttemptRecord>,
): RestoredTask {
  const failures = task.failures ?? 0;
  if (task.winner !== undefined) {
    const rec = attempts.get(`${field}.${task.winner}`);
    return {
      attempts: task.attempts,
      failures,
      winner: {
        attempt: task.winner,
        workerId: rec?.worker ?? 'unknown',
        outputs: outputsFromJson(task.outputs),
        stats: rec?.stats,
      },
    };
  }
  if (task.current !== undefined && task.state === 'RUNNING') {
    const rec = attempts.get(`${field}.${task.current}`);
    if (rec)
      return { attempts: task.attempts, failures, running: { attempt: task.current, workerId: rec.worker } };
  }
  return { attempts: task.attempts, failures };
}

/** A finished query serves its result again: the root's files, or the rows computed on the coordinator. */
function restoreResult(d: RecoveryDeps, q: QueryExecution, stored: StoredQuery): void {
  const f = stored.fields;
  if (f['result']) {
    q.columns = parseJson<ResultColumn[]>(f['resultColumns'], q.columns);
    q.cursor = new StaticResult(parseJson(f['result'], []));
  } else {
    q.cursor = d.control.resultCursor(q, stored.pageStarts);
  }
  q.ended = Number(f['ended'] ?? Date.now());
  q.rows = q.scheduler?.rootTask().winner?.stats?.rowsOut ?? 0;
  d.control.forgetLater(q);
}

/** The query as its records have it, in this term (not yet planned, running or ended). */
function restoredQuery(d: RecoveryDeps, stored: StoredQuery, phase: RestoredPhase): QueryExecution {
  const f = stored.fields;
  const q = d.term.newQuery(stored.id, f['sql'] ?? '', parseJson(f['session'], {}), {
    created: Number(f['created'] ?? Date.now()),
    taskKey: f['exchangeKey'] ? new Uint8Array(Buffer.from(f['exchangeKey'], 'base64')) : undefined,
    phase,
  });
  if (f['capability']) q.capabilityHash = f['capability'];
  if (f['user']) q.user = f['user'];
  return q;
}

/**
 * A query the last leader recorded as failed whose FAILED event the events stream lacks (the leader
 * died between the two): the event is sent now, with the recorded error, so that no client waits
 * for it for ever. The query is not kept.
 */
async function announceLostFailure(d: RecoveryDeps, stored: StoredQuery): Promise<void> {
  if (!d.term.eventsStream) return;
  const last = await lastEvent(d, stored);
  if (last.type === 'FAILED') return;
  const q = restoredQuery(d, stored, 'QUEUED');
  q.resumeEvents(last.seq);
  const error = parseJson<unknown>(stored.fields['error'], undefined);
  await q.fail(
    isErrorData(error)
      ? QuarryError.fromData(error)
      : new QuarryError('GENERIC_INTERNAL_ERROR', 'The query failed (its error was not recorded)'),
  );
  d.term.queries.delete(q.id);
}

/**
 * The query's last event — its number and type — from the events stream when there is one (its
 * number no less than the records'); else the records' number alone.
 */
async function lastEvent(d: RecoveryDeps, stored: StoredQuery): Promise<{ seq: number; type?: string }> {
  const recorded = Number(stored.fields['seq'] ?? 0);
  if (!d.term.eventsStream) return { seq: recorded };
  const system = d.term.systemForEvents;
  const data = await lastStored(
    system.nc,
    streamName(system.prefix, 'EVENTS'),
    `${system.prefix}.query.${stored.id}.status`,
  );
  const event = data
    ? parseJson<{ seq?: unknown; type?: unknown }>(Buffer.from(data).toString('utf8'), {})
    : {};
  const seq = Number(event.seq ?? 0);
  return {
    seq: Math.max(recorded, Number.isSafeInteger(seq) ? seq : 0),
    ...(typeof event.type === 'string' ? { type: event.type } : {}),
  };
}

function parseJson<T>(text: string | undefined, fallback: T): T {
  if (text === undefined) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}
