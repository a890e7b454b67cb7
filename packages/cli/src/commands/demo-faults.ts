import type { QueryHandle } from '@quarry/client';
import { formatDuration } from '@quarry/common';
import type { QueryEvent } from '@quarry/protocol';
import type { LocalCluster, ProcessHandle } from '../local/cluster.js';
import { leaderNow, nameOf, waitForLeader } from '../local/coordinators.js';
import { describeEvent } from './query.js';

/** What `quarry demo` did to its cluster while the query ran, and what it saw of the takeover. */
export interface DemoFaultReport {
  /** The worker killed (none when no worker was busy when its kill was due). */
  readonly worker: ProcessHandle | undefined;
  /** The leading coordinator killed, and the epoch it led under. */
  readonly leader: { readonly handle: ProcessHandle; readonly epoch: number } | undefined;
  /** The standby's takeover, as its COORDINATOR_FAILOVER event told. */
  readonly takeover:
    | {
        readonly by: string;
        readonly epoch: number;
        /** Attempts the records showed running, which the new leader took over. */
        readonly adopted: number;
        /** Of those, the ones no worker ran any more (reported lost, run again). */
        readonly lost: number;
        readonly tookMs: number;
      }
    | undefined;
  /** The query failed (then at its FAILED event, without waiting for the end of the stream). */
  readonly failed: boolean;
}

/**
 * Follows a query's status events, printing them with the time since the start, and breaks the
 * cluster on cue: once a task has finished, SIGKILL of a worker that runs one; once that worker's
 * tasks run again elsewhere, SIGKILL of the leading coordinator, in the middle of the query. The
 * standby takes the lease, rebuilds the query from Redis and says so with a COORDINATOR_FAILOVER
 * event, shown with the new leader's process and how long the takeover took.
 */
export async function followWithFaults(
  handle: QueryHandle,
  cluster: LocalCluster,
  out: (line: string) => void,
): Promise<DemoFaultReport> {
  const faults = new DemoFaults(cluster, out);
  for await (const e of handle.events()) {
    await faults.observe(e);
    if (e.type === 'FAILED') return faults.report(true);
  }
  return faults.report(false);
}

class DemoFaults {
  private readonly started = Date.now();
  /** Running task attempts: taskId → workerId. */
  private readonly running = new Map<string, string>();
  private finishedTasks = 0;
  private worker: ProcessHandle | undefined;
  private leader: { handle: ProcessHandle; epoch: number; at: number } | undefined;
  private takeover: { by: string; epoch: number; adopted: number; tookMs: number } | undefined;
  private lostAtTakeover = 0;
  /** Tasks reported with a lost worker (their failures are not the takeover's). */
  private readonly ofLostWorkers = new Set<string>();

  constructor(
    private readonly cluster: LocalCluster,
    private readonly out: (line: string) => void,
  ) {}

  report(failed: boolean): DemoFaultReport {
    const takeover = this.takeover && { ...this.takeover, lost: this.lostAtTakeover };
    return { worker: this.worker, leader: this.leader, takeover, failed };
  }

  /** A line stamped with the time since the start: now, or when an event happened. */
  private say(text: string, at = Date.now()): void {
    this.out(`  +${formatDuration(Math.max(0, at - this.started)).padStart(6)}  ${text}`);
  }

  async observe(e: QueryEvent): Promise<void> {
    const task = e.type === 'RUNNING' ? e.task : undefined;
    this.track(e);
    // tasks starting are shown once the faults begin (before, they are many and alike)
    if (task?.state !== 'RUNNING' || this.worker || this.leader) this.say(describeEvent(e), e.time);
    if (e.type === 'COORDINATOR_FAILOVER') await this.tookOver(e);
    if (e.type !== 'RUNNING') return;
    if (!this.worker && this.finishedTasks >= 1) await this.killWorker();
    // the leader, in the middle of the query: once the lost worker's tasks run again (a retried
    // attempt started) or, when no worker could be killed, once a few tasks are done
    const retried = task?.state === 'RUNNING' && task.attempt > 0;
    if (!this.leader && this.running.size > 0 && (retried || (!this.worker && this.finishedTasks >= 3)))
      await this.killLeader();
  }

  /** Which task attempts run where, and how many finished. */
  private track(e: QueryEvent): void {
    if (e.type === 'RUNNING' && e.task?.state === 'RUNNING') this.running.set(e.task.taskId, e.task.workerId);
    else if (e.type === 'RUNNING' && e.task) this.running.delete(e.task.taskId);
    if (e.type === 'RUNNING' && e.task?.state === 'FINISHED') this.finishedTasks++;
    if (e.type === 'WORKER_LOST') {
      for (const t of e.tasks) {
        this.running.delete(t.taskId);
        this.ofLostWorkers.add(t.taskId);
      }
    }
    if (e.type !== 'TASK_FAILED') return;
    this.running.delete(e.task.taskId);
    // an adopted attempt that no worker ran any more, reported by the new leader
    const lost = e.error.code === 'REMOTE_HOST_GONE' && !this.ofLostWorkers.has(e.task.taskId);
    if (this.takeover && lost) this.lostAtTakeover++;
  }

  /** SIGKILL of a worker that runs a task. */
  private async killWorker(): Promise<void> {
    const victimId = [...this.running.values()][0];
    const victim = this.cluster.workers.find((w) => w.name === victimId);
    if (!victim) return;
    this.worker = victim;
    await victim.kill();
    const tasks = [...this.running].filter(([, w]) => w === victimId).map(([id]) => id);
    this.say(`✖ kill -9 ${nameOf(victim)} while it runs ${tasks.join(', ')}`);
  }

  /** SIGKILL of the leading coordinator; its standby takes over once the lease lapses. */
  private async killLeader(): Promise<void> {
    const leader = await leaderNow(this.cluster);
    if (!leader) return;
    await leader.handle.kill();
    this.leader = { handle: leader.handle, epoch: leader.registration.epoch, at: Date.now() };
    this.say(
      `✖ kill -9 ${nameOf(leader.handle)}, the leading coordinator (epoch ${leader.registration.epoch}), while ${[...this.running.keys()].join(', ')} run`,
    );
    this.say('  … the standby takes over once the lease lapses (coordinator.lease-timeout)');
  }

  private async tookOver(e: Extract<QueryEvent, { type: 'COORDINATOR_FAILOVER' }>): Promise<void> {
    const tookMs = this.leader ? Math.max(0, e.time - this.leader.at) : 0;
    this.takeover = { by: e.coordinatorId, epoch: e.epoch, adopted: e.adoptedTasks, tookMs };
    const now = await waitForLeader(this.cluster, e.coordinatorId);
    const who = now ? `${nameOf(now.handle)}, ${e.coordinatorId},` : e.coordinatorId;
    this.say(
      `✓ ${who} leads now under epoch ${e.epoch}, ${formatDuration(tookMs)} after the kill: the query goes on from its records in Redis`,
      e.time,
    );
  }
}
