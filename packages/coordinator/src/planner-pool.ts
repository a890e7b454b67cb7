import { Worker as Thread } from 'node:worker_threads';
import { QuarryError, isErrorData, type Logger } from '@quarry/common';
import {
  hasProcedures,
  listsRows,
  hasViews,
  isWritable,
  type CatalogRegistry,
  type DistributedPlan,
  type Session,
} from '@quarry/sql';
import {
  CONNECTOR_CALLS,
  VIEW_CALLS,
  WRITE_CALLS,
  type CatalogInfo,
  type ConnectorCall,
  type PlannerMessage,
  type PlannerRequest,
} from './planner-messages.js';

export interface PlannerPoolOptions {
  /** `coordinator.planner-threads`: statements planned at once. */
  readonly size: number;
  /** `coordinator.planner-heap-size`: each thread's V8 heap limit (old generation), MB. */
  readonly heapMb: number;
  /** The coordinator's catalogs: every connector call of a planner thread runs on them, here. */
  readonly catalogs: CatalogRegistry;
  readonly logger: Logger;
}

/** One statement to plan. */
export interface PlanJob {
  readonly sql: string;
  readonly session: Session;
  readonly maxStageCount?: number;
  /**
   * Aborting it (the query was cancelled, or ran past `query.max-planning-time`) takes the job out
   * of the queue or, while it is planned, terminates its thread; the job rejects with the reason.
   */
  readonly signal?: AbortSignal;
}

/** Why a planner thread was replaced: its job was aborted, it ran out of heap, or it died otherwise. */
export type RestartReason = 'aborted' | 'out-of-memory' | 'crashed';

interface Job {
  readonly id: number;
  readonly request: PlanJob;
  readonly resolve: (plan: DistributedPlan) => void;
  readonly reject: (e: QuarryError) => void;
}

interface Slot {
  readonly thread: Thread;
  job: Job | undefined;
  /** Why the thread is being terminated, for its job's error. */
  killReason: QuarryError | undefined;
  lastError: string | undefined;
  /** Settles once the thread has loaded the planner, or has exited. */
  readonly ready: Promise<void>;
  readonly loaded: () => void;
}

/**
 * The coordinator's planner threads: parsing and planning — CPU work that takes seconds for a
 * huge statement — run here, never on the main thread that reads heartbeats and task reports. A
 * thread plans one statement at a time; jobs wait in order for a free thread. A thread that dies
 * (a crash, or its heap exhausted) fails only its job and is replaced; an aborted job's thread is
 * terminated and replaced. Threads start on demand and are kept.
 */
export class PlannerPool {
  private readonly slots: Slot[] = [];
  private readonly waiting: Job[] = [];
  private nextJobId = 1;
  private closed = false;
  /** Threads replaced after dying or being terminated (for metrics and tests). */
  restarts = 0;
  /** Told why each thread was replaced. */
  onRestart: (reason: RestartReason) => void = () => {};

  /**
   * Threads start when statements need them or on `warm()` (a leader's term; a standby coordinator
   * starts none), up to `size`.
   */
  constructor(private readonly o: PlannerPoolOptions) {}

  /** Threads running now. */
  get threads(): number {
    return this.slots.length;
  }

  /**
   * Starts every thread now (a leader does when its term opens), so that no statement waits for one
   * to start; resolves once each has loaded the planner (or is gone).
   */
  warm(): Promise<void> {
    while (!this.closed && this.slots.length < this.o.size) this.slots.push(this.spawn());
    return Promise.all(this.slots.map((s) => s.ready)).then(() => {});
  }

  /** Statements being planned now. */
  get busy(): number {
    return this.slots.filter((s) => s.job).length;
  }

  /** Parses and plans a statement in a planner thread; rejects with a QuarryError. */
  plan(request: PlanJob): Promise<DistributedPlan> {
    return new Promise<DistributedPlan>((resolve, reject) => {
      if (this.closed) return reject(new QuarryError('GENERIC_INTERNAL_ERROR', 'The planner is closed'));
      const signal = request.signal;
      if (signal?.aborted) return reject(abortReason(signal));
      const job: Job = {
        id: this.nextJobId++,
        request,
        resolve: (plan) => (signal?.removeEventListener('abort', onAbort), resolve(plan)),
        reject: (e) => (signal?.removeEventListener('abort', onAbort), reject(e)),
      };
      const onAbort = () => this.abort(job, abortReason(signal!));
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(job);
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const closing = new QuarryError('GENERIC_INTERNAL_ERROR', 'The coordinator is stopping');
    for (const job of this.waiting.splice(0)) job.reject(closing);
    for (const s of this.slots) s.killReason = closing;
    await Promise.all(this.slots.map((s) => s.thread.terminate()));
  }

  private dispatch(): void {
    while (this.waiting.length > 0 && !this.closed) {
      let slot = this.slots.find((s) => !s.job);
      if (!slot) {
        if (this.slots.length >= this.o.size) return;
        slot = this.spawn();
        this.slots.push(slot);
      }
      const job = this.waiting.shift()!;
      slot.job = job;
      slot.thread.ref(); // a statement being planned keeps the process alive
      const { sql, session, maxStageCount } = job.request;
      slot.thread.postMessage({
        type: 'plan',
        jobId: job.id,
        sql,
        session,
        ...(maxStageCount !== undefined ? { maxStageCount } : {}),
        catalogs: this.catalogInfos(),
      } satisfies PlannerRequest);
    }
  }

  private abort(job: Job, reason: QuarryError): void {
    const queued = this.waiting.indexOf(job);
    if (queued >= 0) {
      this.waiting.splice(queued, 1);
      return job.reject(reason);
    }
    const slot = this.slots.find((s) => s.job === job);
    if (!slot) return;
    this.o.logger.info({ reason: reason.message }, 'planning aborted: terminating its planner thread');
    slot.killReason = reason;
    void slot.thread.terminate();
  }

  private catalogInfos(): CatalogInfo[] {
    return this.o.catalogs.names().flatMap((name) => {
      const c = this.o.catalogs.get(name);
      if (!c) return [];
      const writable = isWritable(c);
      return [
        {
          name,
          connectorName: c.connectorName,
          writable,
          supportsFaultTolerantWrites: writable && c.supportsFaultTolerantWrites,
          views: hasViews(c),
          procedures: hasProcedures(c) ? c.procedures : [],
          listsRows: listsRows(c),
        },
      ];
    });
  }

  private spawn(): Slot {
    const thread = new Thread(new URL('./planner-thread.js', import.meta.url), {
      resourceLimits: { maxOldGenerationSizeMb: this.o.heapMb },
    });
    let loaded = () => {};
    const ready = new Promise<void>((resolve) => (loaded = resolve));
    const slot: Slot = { thread, job: undefined, killReason: undefined, lastError: undefined, ready, loaded };
    thread.on('message', (m: PlannerMessage) => this.onMessage(slot, m));
    thread.on('error', (err) => {
      slot.lastError = (err as NodeJS.ErrnoException).code ?? err.message;
      this.o.logger.error({ err }, 'planner thread failed');
    });
    thread.on('exit', (code) => this.onExit(slot, code));
    // an idle thread does not keep the process alive
    thread.unref();
    return slot;
  }

  private onMessage(slot: Slot, m: PlannerMessage): void {
    if (m.type === 'ready') return slot.loaded();
    const job = slot.job;
    if (!job || m.jobId !== job.id) return;
    if (m.type === 'call') return void this.serveCall(slot, job, m);
    slot.job = undefined;
    slot.thread.unref();
    if (m.type === 'planned') job.resolve(m.plan);
    else job.reject(fromThread(m.error));
    this.dispatch();
  }

  /** Runs a connector method for a planner thread, and answers it (if the thread still plans that job). */
  private async serveCall(slot: Slot, job: Job, m: Extract<PlannerMessage, { type: 'call' }>): Promise<void> {
    let answer: PlannerRequest;
    try {
      const value = await this.callConnector(m.catalog, m.method, m.args);
      answer = { type: 'answer', callId: m.callId, value };
    } catch (e) {
      const { stack: _stack, ...error } = QuarryError.wrap(e).toData();
      answer = { type: 'answer', callId: m.callId, error };
    }
    if (slot.job === job) slot.thread.postMessage(answer);
  }

  private callConnector(catalog: string, method: ConnectorCall, args: readonly unknown[]): Promise<unknown> {
    const connector = this.o.catalogs.get(catalog);
    if (!connector) throw new QuarryError('CATALOG_NOT_FOUND', `Catalog '${catalog}' not found`);
    if (
      !CONNECTOR_CALLS.includes(method) ||
      (WRITE_CALLS.has(method) && !isWritable(connector)) ||
      (VIEW_CALLS.has(method) && !hasViews(connector)) ||
      (method === 'listRows' && !listsRows(connector))
    )
      throw new QuarryError('GENERIC_INTERNAL_ERROR', `A planner thread called ${catalog}.${method}`);
    const fn = (connector as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[method]!;
    return fn.apply(connector, [...args]);
  }

  private onExit(slot: Slot, code: number): void {
    slot.loaded(); // nobody waits for a thread that is gone
    const job = slot.job;
    slot.job = undefined;
    const oom = slot.lastError === 'ERR_WORKER_OUT_OF_MEMORY';
    if (job) {
      const error =
        slot.killReason ??
        (oom
          ? new QuarryError(
              'EXCEEDED_LOCAL_MEMORY_LIMIT',
              `Planning the query ran out of memory: its planner thread may hold ${this.o.heapMb} MB (coordinator.planner-heap-size)`,
            )
          : new QuarryError(
              'GENERIC_INTERNAL_ERROR',
              `The planner thread exited (code ${code}) while planning the query (this is a bug in quarry)`,
            ));
      job.reject(error);
    }
    if (this.closed) return;
    this.restarts++;
    this.onRestart(slot.killReason ? 'aborted' : oom ? 'out-of-memory' : 'crashed');
    // its replacement starts when a statement needs it
    this.slots.splice(this.slots.indexOf(slot), 1);
    this.dispatch();
  }
}

/** An error that crossed from a planner thread, rebuilt as the same QuarryError. */
function fromThread(data: unknown): QuarryError {
  if (isErrorData(data)) return QuarryError.fromData(data);
  return new QuarryError('GENERIC_INTERNAL_ERROR', 'A planner thread failed without an error');
}

function abortReason(signal: AbortSignal): QuarryError {
  return signal.reason instanceof QuarryError
    ? signal.reason
    : new QuarryError('USER_CANCELED', 'Planning was stopped');
}
