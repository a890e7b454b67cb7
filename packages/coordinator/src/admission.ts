import type { QueryState } from '@quarry/protocol';

/** The user of submissions that name none. */
export const ANONYMOUS_USER = 'anonymous';

/** What admission looks at in a query. */
export interface Admittable {
  readonly state: QueryState;
  readonly user: string;
  readonly created: number;
  /** Recorded and waiting in QUEUED to be started (planned). */
  readonly awaitingAdmission: boolean;
}

/**
 * `query.max-concurrent-queries-per-user`: which waiting queries may start now. A user's queries
 * that are planning or running count against the cap; waiting ones start oldest first while their
 * user is under it (0: no cap). A pure function of the queries' states, recomputed whenever the
 * coordinator looks (every tick, at each submission): nothing is counted apart from the queries
 * themselves, so a new leader that rebuilt the queries from their records decides exactly as the
 * old one would have — a query that was running still counts, one that was waiting still waits.
 */
export function admissible<Q extends Admittable>(queries: Iterable<Q>, maxPerUser: number): Q[] {
  const active = new Map<string, number>();
  const waiting: Q[] = [];
  for (const q of queries) {
    if (q.state === 'PLANNING' || q.state === 'RUNNING') active.set(q.user, (active.get(q.user) ?? 0) + 1);
    else if (q.state === 'QUEUED' && q.awaitingAdmission) waiting.push(q);
  }
  // a stable sort: queries submitted within the same millisecond keep their arrival order
  waiting.sort((a, b) => a.created - b.created);
  const start: Q[] = [];
  for (const q of waiting) {
    const n = active.get(q.user) ?? 0;
    if (maxPerUser > 0 && n >= maxPerUser) continue;
    active.set(q.user, n + 1);
    start.push(q);
  }
  return start;
}
