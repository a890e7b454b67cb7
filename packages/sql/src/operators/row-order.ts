import { sortCompare } from '../types/composite.js';
import type { Block, Page } from '../page/block.js';
import type { SortKey } from '../plan/nodes.js';
import { physicalKind } from '../types/types.js';
import { compareVarchar, hasHighUnits } from '../types/values.js';

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
    if (physicalKind(block.type) === 'object') {
      const type = block.type;
      return (a: number, b: number): number => {
        const an = nulls !== undefined && nulls[a] === 1;
        const bn = nulls !== undefined && nulls[b] === 1;
        if (an || bn) return an && bn ? 0 : an ? nullOrder : -nullOrder;
        return dir * Math.sign(sortCompare(type, values[a], values[b]));
      };
    }
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
