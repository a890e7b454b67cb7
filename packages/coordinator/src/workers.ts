import { QuarryError, type ErrorData, type Logger } from '@quarry/common';
import { ClusterAddresses, decodePingReply, taskId, type Heartbeat } from '@quarry/cluster-protocol';
import type { TaskRef } from '@quarry/protocol';
import { exchangeFingerprint } from '@quarry/exchange';
import { isNoResponders, type ActorSystem } from '@quarry/runtime';
import type { CoordinatorConfig } from './config.js';
import type { CoordinatorMetrics } from './metrics.js';
import type { QueryExecution } from './query.js';
import type { QueryControl } from './query-control.js';
import type { WorkerRegistry } from './worker-registry.js';

export const DEFAULT_PROBE_TIMEOUT_MS = 2000;
const DEFAULT_REQUIRED_WORKERS_MAX_WAIT_MS = 5 * 60_000;
/** How long the task reports a drained worker sent before leaving get to arrive. */
const LEAVE_GRACE_MS = 3000;

export interface WorkerLivenessDeps {
  readonly config: CoordinatorConfig;
  readonly system: ActorSystem;
  readonly registry: WorkerRegistry;
  readonly control: QueryControl;
  readonly metrics: CoordinatorMetrics;
  readonly logger: Logger;
  /** The coordinator's queries, as they are now. */
  readonly queries: () => Iterable<QueryExecution>;
  /** Hands runnable tasks to workers (after a worker joined). */
  readonly schedule: () => void;
}

/**
 * Which workers live, as the coordinator sees it: heartbeats (joining, leaving), the failure
 * detector's suspects probed on `worker.<id>.ping`, the broker connection watched (no one judged
 * while it is down), and what a lost or departed worker's tasks become. The registry holds the
 * state; this decides and tells the queries.
 */
export class WorkerLiveness {
  /** Since when no worker (with a slot, not draining) has been in the registry. */
  private noWorkersSince: number | undefined;
  /** Where the coordinator's exchange keeps files: workers must announce the same. */
  private readonly exchange: string;
  /** Workers refused for another exchange, told once. */
  private readonly refused = new Set<string>();

  constructor(private readonly d: WorkerLivenessDeps) {
    this.exchange = exchangeFingerprint(d.config.exchange);
  }

  /** Once per scheduling tick: suspects are probed, the dead are lost. */
  sweep(now: number): void {
    const { suspects, dead } = this.d.registry.sweep();
    for (const x of dead) this.workerLost(x.id, x.silentForMs);
    for (const s of suspects) void this.probe(s.id);
    if (this.d.registry.totalSlots() > 0) this.noWorkersSince = undefined;
    else this.noWorkersSince ??= now;
  }

  /**
   * The error for a running query that has had no worker to run on for longer than
   * `query-manager.required-workers-max-wait` (counted from when the cluster lost its last worker or
   * the query started, whichever is later), as Trino words it; undefined otherwise.
   */
  starved(q: QueryExecution, now: number): QuarryError | undefined {
    if (this.noWorkersSince === undefined || q.state !== 'RUNNING') return undefined;
    const waitMs = this.d.config.requiredWorkersMaxWaitMs ?? DEFAULT_REQUIRED_WORKERS_MAX_WAIT_MS;
    if (now - Math.max(this.noWorkersSince, q.executionStarted ?? q.created) <= waitMs) return undefined;
    return new QuarryError(
      'NO_NODES_AVAILABLE',
      `Insufficient active worker nodes. Waited ${(waitMs / 1000).toFixed(2)}s for at least 1 worker, but none is active (query-manager.required-workers-max-wait)`,
    );
  }

  heartbeat(hb: Heartbeat): void {
    if (hb.leaving) return this.left(hb.workerId);
    if (hb.exchange !== this.exchange) return this.refuse(hb);
    if (this.d.registry.heartbeat(hb)) {
      this.d.logger.info(
        { workerId: hb.workerId, slots: hb.slots, host: hb.host, pid: hb.pid },
        'worker joined',
      );
      this.d.schedule();
    }
  }

  /**
   * A worker whose exchange keeps its files elsewhere (another base directory, bucket or endpoint)
   * would write outputs its consumers cannot read: it is not registered, and said so once.
   */
  private refuse(hb: Heartbeat): void {
    if (this.refused.has(hb.workerId)) return;
    this.refused.add(hb.workerId);
    this.d.logger.error(
      {
        workerId: hb.workerId,
        host: hb.host,
        pid: hb.pid,
        workerExchange: hb.exchange ?? null,
        exchange: this.exchange,
      },
      "worker refused: its exchange configuration differs from the coordinator's (exchange-manager.properties)",
    );
  }

  /** Follows the broker connection: while it is down nobody is judged, and the gap is forgiven. */
  async watchConnection(): Promise<void> {
    for await (const s of this.d.system.nc.status()) {
      if (s.type === 'disconnect') this.d.registry.pauseDetection();
      else if (s.type === 'reconnect') this.d.registry.resumeDetection();
    }
  }

  /**
   * A drained worker reported every task before saying goodbye, but on another subject: those
   * reports may still be on their way. What still looks running there is failed only after a grace
   * period, and only as the attempts seen now (a finished one then stays finished).
   */
  private left(workerId: string): void {
    if (!this.d.registry.has(workerId)) return;
    this.d.logger.info({ workerId }, 'worker left (drained)');
    this.d.registry.remove(workerId);
    const refs = this.runningRefs(workerId);
    if (refs.length === 0) return;
    const error: ErrorData = {
      code: 'REMOTE_HOST_GONE',
      type: 'EXTERNAL',
      message: `Worker ${workerId} left`,
    };
    setTimeout(() => this.failRefs(refs, error), LEAVE_GRACE_MS).unref();
  }

  /**
   * Asks a silent worker directly whether it lives. "No responders" is proof of death (its connection,
   * and so its subscription, is gone); no answer in time is death unless the coordinator itself
   * stalled meanwhile (the detector then has it probed again).
   */
  private async probe(workerId: string): Promise<void> {
    const sentAt = Date.now();
    const timeout = this.d.config.probeTimeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
    this.d.logger.info({ workerId }, 'worker silent: probing it');
    let lost: { id: string; silentForMs: number } | undefined;
    try {
      const reply = await this.d.system.ask(ClusterAddresses.ping(workerId), {}, timeout, decodePingReply);
      lost = this.d.registry.probeAnswered(workerId, reply.incarnation);
      if (!lost) this.d.metrics.probeAnswered();
    } catch (e) {
      lost = isNoResponders(e)
        ? this.d.registry.probeGone(workerId)
        : this.d.registry.probeUnanswered(workerId, sentAt);
    }
    if (lost) this.workerLost(lost.id, lost.silentForMs);
  }

  private workerLost(workerId: string, silentForMs: number): void {
    this.d.logger.warn({ workerId, silentForMs }, 'worker lost: heartbeats stopped');
    this.d.metrics.workerLost();
    const refs = this.runningRefs(workerId);
    const byQuery = new Map<QueryExecution, TaskRef[]>();
    for (const { q, ref } of refs) byQuery.set(q, [...(byQuery.get(q) ?? []), ref]);
    for (const [q, tasks] of byQuery) q.emit({ type: 'WORKER_LOST', workerId, silentForMs, tasks });
    this.failRefs(refs, {
      code: 'REMOTE_HOST_GONE',
      type: 'EXTERNAL',
      message: `Worker ${workerId} stopped heartbeating (silent for ${silentForMs} ms)`,
    });
  }

  /** The task attempts the coordinator believes run on a worker now. */
  private runningRefs(workerId: string): { q: QueryExecution; ref: TaskRef }[] {
    const out: { q: QueryExecution; ref: TaskRef }[] = [];
    for (const q of this.d.queries()) {
      if (q.state !== 'RUNNING' || !q.scheduler) continue;
      for (const { task: t, attempt } of q.scheduler.runningOn(workerId)) {
        const ref = {
          stageId: t.stageId,
          partition: t.partition,
          attempt,
          queryAttempt: q.queryAttempt,
          workerId,
        };
        out.push({ q, ref: { taskId: taskId(t.stageId, t.partition, attempt, q.queryAttempt), ...ref } });
      }
    }
    return out;
  }

  /** Fails these attempts (an attempt that has ended meanwhile is left as it ended). */
  private failRefs(refs: readonly { q: QueryExecution; ref: TaskRef }[], error: ErrorData): void {
    for (const { q, ref } of refs) q.mailbox.post(() => this.d.control.taskFailed(q, ref, error));
  }
}
