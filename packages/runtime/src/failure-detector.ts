/**
 * Declares members dead when their heartbeats stop. A plain state machine with the clock passed in,
 * so that tests drive time. A member is dead once `timeoutMs` has passed since its last heartbeat;
 * `sweep` removes and returns the dead. A dead member that heartbeats again joins anew.
 */
export class FailureDetector<Info> {
  private readonly members = new Map<string, { lastSeen: number; info: Info }>();

  constructor(
    private readonly timeoutMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records a heartbeat; returns true when the member is new (or rejoining after being declared dead). */
  heartbeat(id: string, info: Info): boolean {
    const known = this.members.get(id);
    this.members.set(id, { lastSeen: this.now(), info });
    return known === undefined;
  }

  /** Members whose last heartbeat is older than the timeout: removed, and returned. */
  sweep(): { id: string; info: Info; silentForMs: number }[] {
    const now = this.now();
    const dead: { id: string; info: Info; silentForMs: number }[] = [];
    for (const [id, m] of this.members) {
      if (now - m.lastSeen > this.timeoutMs) {
        dead.push({ id, info: m.info, silentForMs: now - m.lastSeen });
        this.members.delete(id);
      }
    }
    return dead;
  }

  remove(id: string): boolean {
    return this.members.delete(id);
  }

  has(id: string): boolean {
    return this.members.has(id);
  }

  get(id: string): { info: Info; ageMs: number } | undefined {
    const m = this.members.get(id);
    return m && { info: m.info, ageMs: this.now() - m.lastSeen };
  }

  list(): { id: string; info: Info; ageMs: number }[] {
    const now = this.now();
    return [...this.members].map(([id, m]) => ({ id, info: m.info, ageMs: now - m.lastSeen }));
  }
}
