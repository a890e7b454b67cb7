import { QuarryError, internalError } from '@quarry/common';
import type { SpillLimits } from '@quarry/exchange';

/** Where one running task's spilled bytes are counted: its query's slot and its own. */
export interface SpillLease {
  readonly query: number;
  readonly task: number;
}

/** The limits a task thread checks: `max-spill-per-node` and `query-max-spill-per-node`. */
export interface SpillCaps {
  readonly perNode: number;
  readonly perQuery: number;
}

const NODE = 0;

/**
 * The worker's spill counters, shared by its task threads: bytes on disk now for the whole node, per
 * query with tasks running here, and per running task — 64-bit integers in a SharedArrayBuffer,
 * changed only with Atomics, so threads check the node's and the query's limits without asking the
 * main thread. The main thread owns the slots: it leases a query slot (shared by the query's tasks)
 * and a task slot when a task starts, and when the task ends takes back whatever its thread did not
 * give back (a thread terminated mid-task never deletes its files: the worker does, and the bytes
 * return here).
 */
export class SpillBudget {
  readonly buffer: SharedArrayBuffer;
  private readonly counters: BigInt64Array;
  private readonly queries = new Map<string, { slot: number; tasks: number }>();
  private readonly freeQueries: number[];
  private readonly freeTasks: number[];

  /** `capacity`: most tasks (and so queries) running at once. */
  constructor(private readonly capacity: number) {
    this.buffer = new SharedArrayBuffer(8 * (1 + 2 * capacity));
    this.counters = new BigInt64Array(this.buffer);
    this.freeQueries = Array.from({ length: capacity }, (_, i) => 1 + i);
    this.freeTasks = Array.from({ length: capacity }, (_, i) => 1 + capacity + i);
  }

  /** Bytes in spill files on this worker now. */
  get nodeBytes(): number {
    return Number(Atomics.load(this.counters, NODE));
  }

  lease(queryId: string): SpillLease {
    const task = this.freeTasks.pop();
    if (task === undefined) throw internalError(`more than ${this.capacity} tasks at once`);
    let q = this.queries.get(queryId);
    if (!q) {
      // never short of query slots while task slots last: a query has at least one task
      q = { slot: this.freeQueries.pop()!, tasks: 0 };
      this.queries.set(queryId, q);
    }
    q.tasks++;
    return { query: q.slot, task };
  }

  /** The task has ended (its thread is done with the lease): what it still held is given back. */
  end(queryId: string, lease: SpillLease): void {
    const left = Atomics.exchange(this.counters, lease.task, 0n);
    if (left !== 0n) {
      Atomics.sub(this.counters, NODE, left);
      Atomics.sub(this.counters, lease.query, left);
    }
    this.freeTasks.push(lease.task);
    const q = this.queries.get(queryId);
    if (q && --q.tasks === 0) {
      this.queries.delete(queryId);
      this.freeQueries.push(q.slot);
    }
  }
}

/** A task thread's side of the {@link SpillBudget}: the limits its spill files are counted against. */
export class SharedSpillLimits implements SpillLimits {
  private readonly counters: BigInt64Array;

  constructor(
    buffer: SharedArrayBuffer,
    private readonly lease: SpillLease,
    private readonly caps: SpillCaps,
  ) {
    this.counters = new BigInt64Array(buffer);
  }

  reserve(bytes: number): void {
    const b = BigInt(bytes);
    const { counters, lease } = this;
    const node = Atomics.add(counters, NODE, b) + b;
    const query = Atomics.add(counters, lease.query, b) + b;
    if (node > BigInt(this.caps.perNode) || query > BigInt(this.caps.perQuery)) {
      Atomics.sub(counters, NODE, b);
      Atomics.sub(counters, lease.query, b);
      throw new QuarryError(
        'EXCEEDED_SPILL_LIMIT',
        query > BigInt(this.caps.perQuery)
          ? `Query exceeded per-query local spill limit of ${formatBytes(this.caps.perQuery)} (query-max-spill-per-node)`
          : `Query exceeded local spill limit of ${formatBytes(this.caps.perNode)} (max-spill-per-node)`,
      );
    }
    Atomics.add(counters, lease.task, b);
  }

  release(bytes: number): void {
    const b = BigInt(bytes);
    Atomics.sub(this.counters, NODE, b);
    Atomics.sub(this.counters, this.lease.query, b);
    Atomics.sub(this.counters, this.lease.task, b);
  }
}

function formatBytes(n: number): string {
  if (n >= 1024 ** 3) return `${(n / 1024 ** 3).toFixed(2)}GB`;
  if (n >= 1024 ** 2) return `${(n / 1024 ** 2).toFixed(2)}MB`;
  return `${Math.round(n / 1024)}kB`;
}
