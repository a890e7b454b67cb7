import type { Heartbeat } from '@quarry/protocol';
import { FailureDetector } from '@quarry/runtime';

export interface WorkerView {
  readonly id: string;
  readonly heartbeat: Heartbeat;
  readonly assigned: number;
  readonly heartbeatAgeMs: number;
}

/**
 * The workers the coordinator knows, fed by heartbeats. Slots in use are counted from the tasks the
 * coordinator itself assigned (heartbeats lag behind); a worker declared dead leaves the registry.
 */
export class WorkerRegistry {
  private readonly detector: FailureDetector<Heartbeat>;
  private readonly assigned = new Map<string, number>();

  constructor(timeoutMs: number, now: () => number = Date.now) {
    this.detector = new FailureDetector<Heartbeat>(timeoutMs, now);
  }

  /** Records a heartbeat; true when the worker is new, or came back with a new incarnation. */
  heartbeat(hb: Heartbeat): boolean {
    const known = this.detector.get(hb.workerId);
    const restarted = known !== undefined && known.info.incarnation !== hb.incarnation;
    const joined = this.detector.heartbeat(hb.workerId, hb);
    if (joined) this.assigned.set(hb.workerId, 0);
    return joined || restarted;
  }

  /** Workers whose heartbeats stopped: removed from the registry and returned. */
  sweep(): { id: string; silentForMs: number }[] {
    const dead = this.detector.sweep();
    for (const d of dead) this.assigned.delete(d.id);
    return dead.map((d) => ({ id: d.id, silentForMs: d.silentForMs }));
  }

  remove(id: string): void {
    this.detector.remove(id);
    this.assigned.delete(id);
  }

  has(id: string): boolean {
    return this.detector.has(id);
  }

  assign(id: string): void {
    this.assigned.set(id, (this.assigned.get(id) ?? 0) + 1);
  }

  release(id: string): void {
    const n = this.assigned.get(id);
    if (n !== undefined) this.assigned.set(id, Math.max(0, n - 1));
  }

  list(): WorkerView[] {
    return this.detector
      .list()
      .map((m) => ({
        id: m.id,
        heartbeat: m.info,
        assigned: this.assigned.get(m.id) ?? 0,
        heartbeatAgeMs: m.ageMs,
      }))
      .sort((a, b) => a.id.localeCompare(b.id));
  }

  /** The worker to run the next task: most free slots, not draining; `avoid` only when nothing else fits. */
  pick(avoid?: string): WorkerView | undefined {
    const candidates = this.list().filter((w) => !w.heartbeat.draining && w.assigned < w.heartbeat.slots);
    candidates.sort(
      (a, b) => b.heartbeat.slots - b.assigned - (a.heartbeat.slots - a.assigned) || a.assigned - b.assigned,
    );
    return candidates.find((w) => w.id !== avoid) ?? candidates[0];
  }

  totalSlots(): number {
    return this.list().reduce((n, w) => n + (w.heartbeat.draining ? 0 : w.heartbeat.slots), 0);
  }
}
