/**
 * Decides when a member is dead, without crying wolf. A plain state machine with the clock passed in,
 * so that tests drive time.
 *
 * - A member silent for `suspectAfterMs` is *suspected*, not dead: `sweep` returns it once as a
 *   suspect, and the owner probes it directly (a request to the member's own subject).
 * - The probe decides: an answer clears the suspicion (`probeAnswered`); "nobody is listening"
 *   (`probeGone`: on NATS, a process whose connection closed has no subscriptions left, so a killed
 *   worker answers "no responders" at once) makes it dead; no answer at all (`probeUnanswered`) makes
 *   it dead too, unless this process itself stalled meanwhile, in which case it is probed again.
 * - A suspect whose probe never reports back is dead `probeDeadlineMs` after it was suspected.
 * - Pauses of this process are not silence of the members: when two sweeps are further apart than
 *   `stallThresholdMs`, the time beyond the sweep interval is added to every member's last-heard time
 *   (their heartbeats were waiting, unread, in our socket), and `pause`/`resume` do the same for
 *   a stretch during which we could not hear anyone (a broker outage on our side).
 */
export interface FailureDetectorOptions {
  /** A member silent this long is suspected and probed. */
  readonly suspectAfterMs: number;
  /** How often the owner calls `sweep`. */
  readonly sweepIntervalMs: number;
  /** A suspect with no probe outcome this long after it was suspected is declared dead. */
  readonly probeDeadlineMs: number;
  /**
   * Two sweeps further apart than this mean this process stalled (GC, a long synchronous task, the
   * OS not scheduling it). Default: the sweep interval plus a quarter of `suspectAfterMs`.
   */
  readonly stallThresholdMs?: number;
  readonly now?: () => number;
}

export interface Dead<Info> {
  readonly id: string;
  readonly info: Info;
  readonly silentForMs: number;
}

export interface SweepResult<Info> {
  /** Newly suspected members, to be probed (each is returned once per suspicion). */
  readonly suspects: readonly { readonly id: string; readonly info: Info; readonly silentForMs: number }[];
  /** Members declared dead by this sweep: removed. */
  readonly dead: readonly Dead<Info>[];
}

interface Member<Info> {
  lastSeen: number;
  info: Info;
  /** When the current suspicion started; undefined while the member is trusted. */
  suspectedAt?: number;
}

export class FailureDetector<Info> {
  private readonly members = new Map<string, Member<Info>>();
  private readonly now: () => number;
  private readonly stallThresholdMs: number;
  private lastSweep: number | undefined;
  /** When this process last found itself stalled, or resumed after a pause. */
  private lastStallEnd = Number.NEGATIVE_INFINITY;
  private pausedAt: number | undefined;
  private stallsSeen = 0;

  constructor(private readonly options: FailureDetectorOptions) {
    this.now = options.now ?? Date.now;
    this.stallThresholdMs = options.stallThresholdMs ?? options.sweepIntervalMs + options.suspectAfterMs / 4;
  }

  /** Records a heartbeat; returns true when the member is new (or rejoining after being declared dead). */
  heartbeat(id: string, info: Info): boolean {
    const known = this.members.get(id);
    this.members.set(id, { lastSeen: this.now(), info });
    return known === undefined;
  }

  /**
   * Suspects the silent, declares dead the suspects whose probe deadline passed. Nothing is judged
   * while paused, nor on the sweep that finds this process stalled (the members' heartbeats may be
   * waiting in the socket behind the timer that called us).
   */
  sweep(): SweepResult<Info> {
    const now = this.now();
    const previous = this.lastSweep;
    this.lastSweep = now;
    if (this.pausedAt !== undefined) return { suspects: [], dead: [] };
    if (previous !== undefined && now - previous > this.stallThresholdMs) {
      this.discount(now - previous - this.options.sweepIntervalMs, now);
      return { suspects: [], dead: [] };
    }
    const suspects: { id: string; info: Info; silentForMs: number }[] = [];
    const dead: Dead<Info>[] = [];
    for (const [id, m] of this.members) {
      const silentForMs = now - m.lastSeen;
      if (m.suspectedAt === undefined) {
        if (silentForMs > this.options.suspectAfterMs) {
          m.suspectedAt = now;
          suspects.push({ id, info: m.info, silentForMs });
        }
      } else if (now - m.suspectedAt > this.options.probeDeadlineMs) {
        dead.push({ id, info: m.info, silentForMs });
        this.members.delete(id);
      }
    }
    return { suspects, dead };
  }

  /** The probe was answered: the member is alive, whatever its heartbeats say. */
  probeAnswered(id: string): void {
    const m = this.members.get(id);
    if (!m) return;
    m.lastSeen = Math.max(m.lastSeen, this.now());
    delete m.suspectedAt;
  }

  /** Nobody listens on the member's subject: its process or its connection is gone. Removed and returned. */
  probeGone(id: string): Dead<Info> | undefined {
    return this.declareDead(id);
  }

  /**
   * The probe, sent at `sentAt`, got no answer in its time. The member is dead, unless this process
   * stalled or was paused since `sentAt` (the answer may be waiting unread): then it is suspected
   * afresh and returned by the next sweep for another probe.
   */
  probeUnanswered(id: string, sentAt: number): Dead<Info> | undefined {
    const m = this.members.get(id);
    if (!m) return undefined;
    if (this.lastStallEnd >= sentAt || this.pausedAt !== undefined) {
      delete m.suspectedAt;
      m.lastSeen = Math.max(m.lastSeen, this.now() - this.options.suspectAfterMs);
      return undefined;
    }
    return this.declareDead(id);
  }

  /** Stop judging: this process cannot hear its members (say, it lost its broker connection). */
  pause(): void {
    this.pausedAt ??= this.now();
  }

  /** Judge again; the paused stretch does not count as anyone's silence. */
  resume(): void {
    if (this.pausedAt === undefined) return;
    const now = this.now();
    const pausedFor = now - this.pausedAt;
    this.pausedAt = undefined;
    this.discount(pausedFor, now);
  }

  /** How many stalls of this process were discounted so far (for metrics and tests). */
  get stalls(): number {
    return this.stallsSeen;
  }

  remove(id: string): boolean {
    return this.members.delete(id);
  }

  has(id: string): boolean {
    return this.members.has(id);
  }

  get(id: string): { info: Info; ageMs: number; suspected: boolean } | undefined {
    const m = this.members.get(id);
    return m && { info: m.info, ageMs: this.now() - m.lastSeen, suspected: m.suspectedAt !== undefined };
  }

  list(): { id: string; info: Info; ageMs: number; suspected: boolean }[] {
    const now = this.now();
    return [...this.members].map(([id, m]) => ({
      id,
      info: m.info,
      ageMs: now - m.lastSeen,
      suspected: m.suspectedAt !== undefined,
    }));
  }

  private declareDead(id: string): Dead<Info> | undefined {
    const m = this.members.get(id);
    if (!m) return undefined;
    this.members.delete(id);
    return { id, info: m.info, silentForMs: this.now() - m.lastSeen };
  }

  /** `ms` of our own deafness are forgiven to every member, and to every running suspicion. */
  private discount(ms: number, now: number): void {
    this.stallsSeen++;
    this.lastStallEnd = now;
    if (ms <= 0) return;
    for (const m of this.members.values()) {
      m.lastSeen = Math.min(now, m.lastSeen + ms);
      if (m.suspectedAt !== undefined) m.suspectedAt = Math.min(now, m.suspectedAt + ms);
    }
  }
}
