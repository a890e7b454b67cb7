import { physicalKind, type DataType } from '@quarry/sql';
import type { RowGroup, SchemaElement, Statistics } from 'hyparquet';
import type { ExternalColumn } from './external-types.js';
import type { LakeColumn } from './metadata.js';
import { STRING_STATS_LENGTH, type EncodedStats, type EncodedValue } from './stats.js';

type MinMaxType = NonNullable<Statistics['min_value']>;

/** Beyond this, a decimal's unscaled value is not recovered exactly from the footer's double. */
const EXACT_DECIMAL = 2 ** 50;

/**
 * Per table column, the statistics a row group's footer holds for it, encoded as lake table
 * versions keep them (`stats.ts`): the null count, and min/max when the footer has them in a form
 * that compares as the engine compares — strings only when both bounds are ASCII (UTF-8 byte
 * order and the engine's UTF-16 order agree there), no range with NaN or an infinity, decimals
 * only while their unscaled value is exact. Undefined when the footer has no null count.
 */
export function footerStats(
  group: RowGroup,
  matched: readonly { fileName: string; element: SchemaElement; column: ExternalColumn }[],
  columns: readonly LakeColumn[],
): (EncodedStats | undefined)[] {
  return columns.map((column, i) => {
    const { fileName: name, element } = matched[i]!;
    // hyparquet scales decimal bounds only when the legacy annotation is there; else they are unscaled
    const scaled = element.converted_type === 'DECIMAL';
    const chunk = group.columns.find(
      (c) => c.meta_data?.path_in_schema.length === 1 && c.meta_data.path_in_schema[0] === name,
    );
    const stats = chunk?.meta_data?.statistics;
    if (!stats || stats.null_count === undefined) return undefined;
    const nulls = Number(stats.null_count);
    const min = encode(column.type, bound(stats, column.type, 'min'), scaled);
    const max = encode(column.type, bound(stats, column.type, 'max'), scaled);
    // timestamps read at a lower precision are rounded: the file's bounds would not hold
    const rounded = column.type.kind === 'timestamp' && column.type.precision < 6;
    if (min === undefined || max === undefined || rounded) return { nulls };
    if (typeof min === 'string' && physicalKind(column.type) === 'string') {
      return max.toString().length <= STRING_STATS_LENGTH
        ? { nulls, min: min.slice(0, STRING_STATS_LENGTH), max }
        : { nulls, min: min.slice(0, STRING_STATS_LENGTH) };
    }
    return { nulls, min, max };
  });
}

/** The exact bound when the footer has one; the deprecated min/max only where their order is signed. */
function bound(stats: Statistics, type: DataType, which: 'min' | 'max'): MinMaxType | undefined {
  const exact = which === 'min' ? stats.min_value : stats.max_value;
  if (exact !== undefined) return exact;
  return physicalKind(type) === 'string' ? undefined : which === 'min' ? stats.min : stats.max;
}

function encode(type: DataType, v: MinMaxType | undefined, scaled: boolean): EncodedValue | undefined {
  if (v === undefined) return undefined;
  switch (physicalKind(type)) {
    case 'bool':
      return typeof v === 'boolean' ? v : undefined;
    case 'int32':
      return typeof v === 'number' && Number.isInteger(v) ? v : undefined;
    case 'float64': {
      const n = typeof v === 'bigint' ? Number(v) : v;
      return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
    }
    case 'string':
      return typeof v === 'string' && /^[\x00-\x7f]*$/.test(v) ? v : undefined;
    case 'long':
      return encodeLong(type, v, scaled);
    default:
      return undefined; // composite values: no statistics
  }
}

function encodeLong(type: DataType, v: MinMaxType, scaled: boolean): string | undefined {
  if (type.kind === 'decimal' && scaled) {
    if (typeof v !== 'number' && typeof v !== 'bigint') return undefined;
    if (typeof v === 'bigint') return String(v);
    const unscaled = Math.round(v * 10 ** type.scale);
    return Math.abs(unscaled) < EXACT_DECIMAL ? String(unscaled) : undefined;
  }
  if (typeof v === 'bigint') return String(v);
  return typeof v === 'number' && Number.isInteger(v) ? String(v) : undefined;
}
