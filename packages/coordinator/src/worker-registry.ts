import type { Heartbeat } from '@quarry/cluster-protocol';
import { FailureDetector, type Dead, type FailureDetectorOptions } from '@quarry/runtime';
import { Blocklist, DEFAULT_BLOCKLIST } from './blocklist.js';

export interface WorkerView {
  readonly id: string;
  readonly heartbeat: Heartbeat;
  /** Task slots the coordinator counts as taken. */
  readonly assigned: number;
  /**
   * Memory taken by its tasks: what the worker reported its running tasks hold (tasks this
   * coordinator did not hand it included: an earlier leader's), plus the limits of the tasks handed
   * to it that its last heartbeat did not list yet.
   */
  readonly reservedBytes: number;
  readonly heartbeatAgeMs: number;
}

/** An assignment the worker has not listed in its heartbeats for this long is taken as ended. */
const RECONCILE_GRACE_MS = 2000;

/**
 * The workers the coordinator knows, fed by heartbeats, and which task slots are taken. A slot is
 * taken from dispatch until the worker's own final report on that task (FINISHED or FAILED — a
 * cancelled task still holds its slot until it has stopped), or until the worker is declared dead.
 * Heartbeats list the worker's running tasks, so an assignment whose final report was lost is freed
 * after a grace period. A worker that refused a task is passed over until its next heartbeat.
 */
export class WorkerRegistry {
  private readonly detector: FailureDetector<Heartbeat>;
  /** Per worker: assignment key → when it was made and the memory it was given. */
  private readonly assigned = new Map<string, Map<string, { at: number; bytes: number }>>();
  private readonly paused = new Set<string>();

  private readonly now: () => number;
  /** Workers kept from new tasks for a while (slow, or failing): `pick` passes them over. */
  readonly blocklist: Blocklist;

  /** `detector`: when a silent worker is suspected and probed, and when a probe's silence is final. */
  constructor(detector: FailureDetectorOptions) {
    this.now = detector.now ?? Date.now;
    this.detector = new FailureDetector<Heartbeat>(detector);
    this.blocklist = new Blocklist({ ...DEFAULT_BLOCKLIST, now: this.now });
  }

  /** Records a heartbeat; true when the worker is new, or came back with a new incarnation. */
  heartbeat(hb: Heartbeat): boolean {
    const known = this.detector.get(hb.workerId);
    const restarted = known !== undefined && known.info.incarnation !== hb.incarnation;
    const joined = this.detector.heartbeat(hb.workerId, hb);
    const listed = new Set(hb.tasks ?? []);
    const now = this.now();
    // a worker met for the first time may already run tasks (of an earlier leader, now adopted): their slots are taken
    if (joined || restarted)
      this.assigned.set(
        hb.workerId,
        new Map(joined ? [...listed].map((k) => [k, { at: now, bytes: 0 }]) : []),
      );
    this.paused.delete(hb.workerId);
    const mine = this.assigned.get(hb.workerId)!;
    for (const [key, a] of mine) if (!listed.has(key) && now - a.at > RECONCILE_GRACE_MS) mine.delete(key);
    return joined || restarted;
  }

  /**
   * Workers whose heartbeats stopped: `suspects` are to be probed (see the probe methods), `dead`
   * ones (a probe that never reported back) are removed and returned.
   */
  sweep(): { suspects: { id: string; incarnation: string }[]; dead: { id: string; silentForMs: number }[] } {
    const { suspects, dead } = this.detector.sweep();
    return {
      suspects: suspects.map((s) => ({ id: s.id, incarnation: s.info.incarnation })),
      dead: dead.map((d) => this.buried(d)),
    };
  }

  /**
   * A probe reached the worker. An answer from another incarnation (the process restarted under the
   * same id) means the one we knew is gone, with its tasks: it is removed and returned.
   */
  probeAnswered(id: string, incarnation: string): { id: string; silentForMs: number } | undefined {
    const known = this.detector.get(id);
    if (!known) return undefined;
    if (known.info.incarnation !== incarnation) return this.probeGone(id);
    this.detector.probeAnswered(id);
    return undefined;
  }

  /** Nobody listens on the worker's subject any more: removed and returned. */
  probeGone(id: string): { id: string; silentForMs: number } | undefined {
    const dead = this.detector.probeGone(id);
    return dead && this.buried(dead);
  }

  /** The probe sent at `sentAt` got no answer in time: dead (returned) unless we stalled meanwhile. */
  probeUnanswered(id: string, sentAt: number): { id: string; silentForMs: number } | undefined {
    const dead = this.detector.probeUnanswered(id, sentAt);
    return dead && this.buried(dead);
  }

  /** While the coordinator cannot hear anyone (no broker), nobody is judged; the gap is forgiven. */
  pauseDetection(): void {
    this.detector.pause();
  }

  resumeDetection(): void {
    this.detector.resume();
  }

  /** How many stalls of the coordinator's own process the detector discounted. */
  get stalls(): number {
    return this.detector.stalls;
  }

  private buried(d: Dead<Heartbeat>): { id: string; silentForMs: number } {
    this.forget(d.id);
    return { id: d.id, silentForMs: d.silentForMs };
  }

  remove(id: string): void {
    this.detector.remove(id);
    this.forget(id);
  }

  private forget(id: string): void {
    this.assigned.delete(id);
    this.paused.delete(id);
    this.blocklist.forget(id);
  }

  has(id: string): boolean {
    return this.detector.has(id);
  }

  /** `key` is `<queryId>/<taskId>`, as heartbeats list them. */
  /** The tasks (`<queryId>/<taskId>`) the worker's last heartbeat listed as running; undefined for an unknown worker. */
  listedTasks(id: string): ReadonlySet<string> | undefined {
    const known = this.detector.get(id);
    return known ? new Set(known.info.tasks ?? []) : undefined;
  }

  /** A task given `bytes` of memory (0: not counted) takes one of the worker's slots. */
  assign(id: string, key: string, bytes = 0): void {
    this.assigned.get(id)?.set(key, { at: this.now(), bytes });
  }

  release(id: string, key: string): void {
    this.assigned.get(id)?.delete(key);
  }

  /** Passes over a worker until its next heartbeat (it refused a task: our count was off). */
  pause(id: string): void {
    this.paused.add(id);
  }

  list(): WorkerView[] {
    return this.detector
      .list()
      .map((m) => ({
        id: m.id,
        heartbeat: m.info,
        assigned: this.assigned.get(m.id)?.size ?? 0,
        reservedBytes: this.reserved(m.id, m.info),
        heartbeatAgeMs: m.ageMs,
      }))
      .sort((a, b) => a.id.localeCompare(b.id));
  }

  /**
   * Memory the worker's tasks hold: what its last heartbeat reported for the tasks it listed, plus the
   * limits of the tasks handed to it since (not listed yet). Without a report, the limits this
   * coordinator handed it, summed.
   */
  private reserved(id: string, hb: Heartbeat): number {
    const mine = [...(this.assigned.get(id)?.entries() ?? [])];
    if (hb.reservedBytes === undefined) return mine.reduce((n, [, a]) => n + a.bytes, 0);
    const listed = new Set(hb.tasks);
    return mine.reduce((n, [key, a]) => (listed.has(key) ? n : n + a.bytes), hb.reservedBytes);
  }

  /**
   * The worker to run the next task: most free slots, not draining, not blocked; `avoid` only when
   * nothing else fits. Blocked workers are used only while every worker is blocked (the cluster is
   * never shut out whole). `strict`: never `avoid` and never a blocked worker (a speculative attempt
   * goes elsewhere or nowhere). `memoryBytes`: the task's memory must fit beside what the worker's
   * tasks hold (a worker that announces no memory takes any task).
   */
  pick(avoid?: string, options: { strict?: boolean; memoryBytes?: number } = {}): WorkerView | undefined {
    const all = this.list();
    const need = options.memoryBytes ?? 0;
    const free = all.filter(
      (w) =>
        !w.heartbeat.draining &&
        !this.paused.has(w.id) &&
        w.assigned < w.heartbeat.slots &&
        (w.heartbeat.memoryBytes === undefined || w.reservedBytes + need <= w.heartbeat.memoryBytes),
    );
    const open = free.filter((w) => !this.blocklist.isBlocked(w.id));
    const allBlocked = all.every((w) => w.heartbeat.draining || this.blocklist.isBlocked(w.id));
    const candidates = options.strict ? open.filter((w) => w.id !== avoid) : allBlocked ? free : open;
    candidates.sort(
      (a, b) => b.heartbeat.slots - b.assigned - (a.heartbeat.slots - a.assigned) || a.assigned - b.assigned,
    );
    return candidates.find((w) => w.id !== avoid) ?? candidates[0];
  }

  /**
   * The most memory one task could be given on some worker, were it idle: the largest memory a worker
   * taking tasks announces (infinite when one announces none; 0 with no worker).
   */
  memoryCapacity(): number {
    return this.list().reduce(
      (most, w) =>
        w.heartbeat.draining ? most : Math.max(most, w.heartbeat.memoryBytes ?? Number.POSITIVE_INFINITY),
      0,
    );
  }

  totalSlots(): number {
    return this.list().reduce((n, w) => n + (w.heartbeat.draining ? 0 : w.heartbeat.slots), 0);
  }
}
