/** Running operators in tests: a source of given pages, a task context, and collecting output rows. */
import { MemoryContext, type Operator, type TaskContext } from '../../src/operators/operator.js';
import { pageRows, type Page } from '../../src/page/block.js';
import { canonical } from './expressions.js';

/** An operator yielding the given pages. */
export function pagesOf(pages: readonly Page[]): Operator {
  return {
    async *execute() {
      yield* pages;
    },
  };
}

export function taskContext(memoryLimit = 1 << 30): TaskContext {
  return {
    memory: new MemoryContext(memoryLimit),
    scan: () => {
      throw new Error('no table scans here');
    },
    remote: () => {
      throw new Error('no remote sources here');
    },
  };
}

export async function collectPages(op: Operator): Promise<Page[]> {
  const out: Page[] = [];
  for await (const p of op.execute()) out.push(p);
  return out;
}

/** Output rows in order, long values in canonical form. */
export async function collectRows(op: Operator): Promise<unknown[][]> {
  return (await collectPages(op)).flatMap((p) => pageRows(p).map((r) => r.map(canonical)));
}

/** Rows sorted by a text rendering, for results whose order is not defined. */
export function sortRows(rows: readonly unknown[][]): unknown[][] {
  const key = (r: readonly unknown[]) =>
    JSON.stringify(r, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : Number.isNaN(v) ? 'NaN' : v));
  return [...rows].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/** A deterministic pseudo-random sequence. */
export function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 4294967296;
  };
}
