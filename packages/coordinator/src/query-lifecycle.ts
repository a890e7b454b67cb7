import type { QueryState } from '@quarry/protocol';

/**
 * Where a query is in its life, as its actor (query.ts) sees it. FINISHING is the time between the
 * last task's end and the query's end — a write committed, a result recorded —, which clients and
 * metrics see as RUNNING.
 */
export type QueryPhase = 'QUEUED' | 'PLANNING' | 'RUNNING' | 'FINISHING' | 'FINISHED' | 'FAILED';

/**
 * Every legal transition. A query is QUEUED when recorded, PLANNING once admitted, RUNNING once its
 * plan is recorded (a new leader resumes it from there), FINISHING once every task has finished, and
 * ends FINISHED or FAILED. It may fail from any phase before it ends; an ended query stays ended.
 */
export const TRANSITIONS: Readonly<Record<QueryPhase, readonly QueryPhase[]>> = {
  QUEUED: ['PLANNING', 'FAILED'],
  PLANNING: ['RUNNING', 'FAILED'],
  RUNNING: ['FINISHING', 'FAILED'],
  FINISHING: ['FINISHED', 'FAILED'],
  FINISHED: [],
  FAILED: [],
};

/** The phases a new leader rebuilds a query in from its records (recovery.ts). */
export type RestoredPhase = Extract<QueryPhase, 'QUEUED' | 'RUNNING' | 'FINISHED'>;

/** A phase as the protocol names the query's state. */
const PUBLIC_STATE: Readonly<Record<QueryPhase, QueryState>> = {
  QUEUED: 'QUEUED',
  PLANNING: 'PLANNING',
  RUNNING: 'RUNNING',
  FINISHING: 'RUNNING',
  FINISHED: 'FINISHED',
  FAILED: 'FAILED',
};

/**
 * A query's phase and the one way to change it: `move`, which applies a transition the table allows
 * and refuses any other — told to `refused`, the phase unchanged. No I/O and no clock: what a
 * transition records and announces is the actor's business.
 */
export class QueryLifecycle {
  private current: QueryPhase;

  constructor(
    private readonly refused: (from: QueryPhase, to: QueryPhase) => void,
    initial: RestoredPhase = 'QUEUED',
  ) {
    this.current = initial;
  }

  get phase(): QueryPhase {
    return this.current;
  }

  /** The phase as clients, metrics and the system tables see it. */
  get state(): QueryState {
    return PUBLIC_STATE[this.current];
  }

  /** Whether the query has ended (FINISHED or FAILED): nothing follows. */
  get ended(): boolean {
    return TRANSITIONS[this.current].length === 0;
  }

  can(to: QueryPhase): boolean {
    return TRANSITIONS[this.current].includes(to);
  }

  /** Moves to `to` if the table allows it from the current phase; returns whether it did. */
  move(to: QueryPhase): boolean {
    if (!this.can(to)) {
      this.refused(this.current, to);
      return false;
    }
    this.current = to;
    return true;
  }
}
