import type { SpillSpace } from '../spi/spill.js';
import type { WriteHandle, WriteSink, WriteSinkOptions } from '../spi/writes.js';
import { QuarryError } from '@quarry/common';
import type { Page } from '../page/block.js';
import type { RemoteSourceNode, TableScanNode } from '../plan/nodes.js';

/**
 * Every operator is a stream of pages pulled from its inputs: `execute()` yields output pages and
 * ends when the input is exhausted. Plan nodes are data; an operator is the runtime state built
 * from one (see `build.ts`).
 */
export interface Operator {
  execute(): AsyncIterable<Page>;
}

/** What a running task provides to its operators. */
export interface TaskContext {
  readonly memory: MemoryContext;
  /** Pages of a table scan over this task's splits. */
  scan(node: TableScanNode): AsyncIterable<Page>;
  /** Pages the producer stages wrote for this task's partition. */
  remote(node: RemoteSourceNode): AsyncIterable<Page>;
  /** Aborted when the task is cancelled; operators check it between pages. */
  readonly signal?: AbortSignal;
  /** Where this task attempt writes a table's rows (TableWriter); given by tasks that write. */
  writeSink?(handle: WriteHandle, options?: WriteSinkOptions): WriteSink;
  /**
   * Local files for state past the memory limit (sort, aggregation); absent when spilling is off,
   * and then exceeding the limit fails the task with EXCEEDED_LOCAL_MEMORY_LIMIT as before.
   */
  readonly spill?: SpillSpace;
}

/** Target rows per output page of operators that build their own pages. */
export const PAGE_ROWS = 8192;

/**
 * Memory a task holds in buffers (hash tables, sort buffers). Exceeding the limit is an
 * INSUFFICIENT_RESOURCES error that fails the task cleanly, never a crashed worker.
 */
export class MemoryContext {
  private reserved = 0;
  private peakBytes = 0;

  constructor(readonly limitBytes: number) {}

  get used(): number {
    return this.reserved;
  }

  get peak(): number {
    return this.peakBytes;
  }

  /** Bytes still free under the limit. */
  get available(): number {
    return Math.max(0, this.limitBytes - this.reserved);
  }

  /** Whether a holder of `previous` bytes could hold `bytes` instead without passing the limit. */
  fits(previous: number, bytes: number): boolean {
    return this.reserved + bytes - previous <= this.limitBytes;
  }

  /** Sets one holder's reservation to `bytes`, given what it held before; returns the new amount. */
  update(previous: number, bytes: number): number {
    this.reserved += bytes - previous;
    if (this.reserved > this.peakBytes) this.peakBytes = this.reserved;
    if (this.reserved > this.limitBytes) {
      throw new QuarryError(
        'EXCEEDED_LOCAL_MEMORY_LIMIT',
        `Query exceeded per-task memory limit of ${formatBytes(this.limitBytes)} (used ${formatBytes(this.reserved)})`,
      );
    }
    return bytes;
  }
}

export function formatBytes(n: number): string {
  if (n >= 1 << 30) return `${(n / (1 << 30)).toFixed(2)}GB`;
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(2)}MB`;
  return `${Math.round(n / 1024)}kB`;
}

export function checkCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new QuarryError('USER_CANCELED', 'Task was cancelled');
}
