import type { Block, Page } from '../page/block.js';
import { concatPages, pageBytes, slicePage, takePage } from '../page/block.js';
import type { SortKey, SortNode, TopNNode } from '../plan/nodes.js';
import { physicalKind } from '../types/types.js';
import { compareVarchar, hasHighUnits } from '../types/values.js';
import { PAGE_ROWS, type Operator, type TaskContext } from './operator.js';

export type RowComparator = (a: number, b: number) => number;

/**
 * Compares rows of one page by sort keys. NULLs go where the key says; NaN sorts above every
 * other double, as in Trino; long values may mix numbers and bigints (compared by value).
 */
export function rowComparator(page: Page, keys: readonly SortKey[]): RowComparator {
  const parts = keys.map((k) => {
    const block: Block = page.blocks[k.channel]!;
    const values = block.values as ArrayLike<unknown>;
    const nulls = block.nulls;
    const dir = k.ascending ? 1 : -1;
    const nullOrder = k.nullsFirst ? -1 : 1;
    const isFloat = physicalKind(block.type) === 'float64';
    // strings compare by code point; natively (faster) when no value has a unit ≥ 0xD800
    if (physicalKind(block.type) === 'string' && (values as string[]).some(hasHighUnits)) {
      const strings = values as string[];
      return (a: number, b: number): number => {
        const an = nulls !== undefined && nulls[a] === 1;
        const bn = nulls !== undefined && nulls[b] === 1;
        if (an || bn) return an && bn ? 0 : an ? nullOrder : -nullOrder;
        return dir * Math.sign(compareVarchar(strings[a]!, strings[b]!));
      };
    }
    return (a: number, b: number): number => {
      const an = nulls !== undefined && nulls[a] === 1;
      const bn = nulls !== undefined && nulls[b] === 1;
      if (an || bn) return an && bn ? 0 : an ? nullOrder : -nullOrder;
      const x = values[a] as number;
      const y = values[b] as number;
      if (x < y) return -dir;
      if (x > y) return dir;
      if (isFloat && x !== y) {
        const xNaN = x !== x;
        const yNaN = y !== y;
        if (xNaN !== yNaN) return xNaN ? dir : -dir;
      }
      return 0;
    };
  });
  if (parts.length === 1) return parts[0]!;
  return (a, b) => {
    for (const p of parts) {
      const c = p(a, b);
      if (c !== 0) return c;
    }
    return 0;
  };
}

/** Positions of the page's rows in sorted order (stable). */
export function sortedPositions(page: Page, keys: readonly SortKey[], limit = page.rowCount): Int32Array {
  const cmp = rowComparator(page, keys);
  const positions = Array.from({ length: page.rowCount }, (_, i) => i);
  positions.sort((a, b) => cmp(a, b) || a - b);
  return Int32Array.from(positions.slice(0, limit));
}

async function collect(
  input: Operator,
  ctx: TaskContext,
  types: Page['blocks'][number]['type'][],
): Promise<{ page: Page; reserved: number }> {
  const pages: Page[] = [];
  let reserved = 0;
  let bytes = 0;
  for await (const page of input.execute()) {
    pages.push(page);
    bytes += pageBytes(page);
    reserved = ctx.memory.update(reserved, bytes);
  }
  return { page: pages.length ? concatPages(types, pages) : { blocks: [], rowCount: 0 }, reserved };
}

export class SortOperator implements Operator {
  constructor(
    private readonly node: SortNode,
    private readonly input: Operator,
    private readonly ctx: TaskContext,
  ) {}

  async *execute(): AsyncIterable<Page> {
    const { page, reserved } = await collect(
      this.input,
      this.ctx,
      this.node.outputs.map((c) => c.type),
    );
    if (page.rowCount === 0) return;
    const sorted = takePage(page, sortedPositions(page, this.node.keys));
    this.ctx.memory.update(reserved, 0);
    for (let s = 0; s < sorted.rowCount; s += PAGE_ROWS)
      yield slicePage(sorted, s, Math.min(sorted.rowCount, s + PAGE_ROWS));
  }
}

/** The first `count` rows by the keys, holding at most about 2 × max(count, one page) rows. */
export class TopNOperator implements Operator {
  constructor(
    private readonly node: TopNNode,
    private readonly input: Operator,
    private readonly ctx: TaskContext,
  ) {}

  async *execute(): AsyncIterable<Page> {
    const { node } = this;
    if (node.count === 0) return;
    const types = node.outputs.map((c) => c.type);
    let kept: Page | undefined;
    let reserved = 0;
    const shrink = (p: Page) => takePage(p, sortedPositions(p, node.keys, node.count));
    let pending: Page[] = [];
    let pendingRows = 0;
    for await (const page of this.input.execute()) {
      pending.push(page);
      pendingRows += page.rowCount;
      if (pendingRows >= Math.max(node.count, PAGE_ROWS)) {
        kept = shrink(concatPages(types, kept ? [kept, ...pending] : pending));
        pending = [];
        pendingRows = 0;
        reserved = this.ctx.memory.update(reserved, pageBytes(kept));
      }
    }
    const all = kept ? [kept, ...pending] : pending;
    if (all.length === 0) return;
    const result = shrink(concatPages(types, all));
    this.ctx.memory.update(reserved, 0);
    if (result.rowCount > 0) yield result;
  }
}
