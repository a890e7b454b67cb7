import { QuarryError } from '@quarry/common';
import type { Limit, FetchFirst, NumericLiteral, Offset, SortItem } from '../parser/ast.js';
import type { SortKey } from '../plan/nodes.js';
import type { Field } from './scope.js';

/** ORDER BY items naming an output column (by ordinal or name), and LIMIT/OFFSET counts. */
export function orderChannel(item: SortItem, fields: readonly Field[]): number | undefined {
  const e = item.expression;
  if (e.kind === 'NumericLiteral' && e.numericType === 'integer') {
    const n = Number(e.text);
    if (n < 1 || n > fields.length) {
      throw new QuarryError('INVALID_COLUMN_REFERENCE', `ORDER BY position ${n} is not in select list`, {
        location: e.loc,
      });
    }
    return n - 1;
  }
  if (e.kind === 'ColumnRef' && e.parts.length === 1) {
    const name = e.parts[0]!.value.toLowerCase();
    const matches = fields.flatMap((f, i) => (!f.hidden && f.name?.toLowerCase() === name ? [i] : []));
    if (matches.length > 1)
      throw new QuarryError('AMBIGUOUS_NAME', `'${name}' in ORDER BY is ambiguous`, { location: e.loc });
    return matches[0];
  }
  return undefined;
}

export function sortKey(item: SortItem, channel: number): SortKey {
  const ascending = item.ordering === 'ASC';
  // Trino's default: NULLS LAST for both directions
  return { channel, ascending, nullsFirst: item.nulls === 'FIRST' };
}

export function rowCount(lit: NumericLiteral, clause: string): number {
  const n = Number(lit.text);
  if (lit.numericType !== 'integer' || !Number.isSafeInteger(n) || n < 0) {
    throw new QuarryError(
      'INVALID_ARGUMENTS',
      `${clause} row count must be a non-negative integer: ${lit.text}`,
      { location: lit.loc },
    );
  }
  return n;
}

export function limitCount(limit: Limit | FetchFirst | Offset | undefined): number | undefined {
  if (!limit) return undefined;
  if (limit.kind === 'Limit') return limit.rowCount === 'ALL' ? undefined : rowCount(limit.rowCount, 'LIMIT');
  if (limit.kind === 'FetchFirst') {
    return limit.rowCount ? rowCount(limit.rowCount, 'FETCH FIRST') : 1;
  }
  return undefined;
}
