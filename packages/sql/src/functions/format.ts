import { QuarryError } from '@quarry/common';
import { VARCHAR, type DataType } from '../types/index.js';
import {
  formatIntervalDayTime,
  formatIntervalYearMonth,
  toBig,
  toExternal,
  type Long,
} from '../types/values.js';
import { javaFormat } from './java-format.js';
import { JavaFormatError, type JavaValue } from './java-values.js';
import { defineFamily, defineGenerator } from './registry.js';
import { isStr } from './scalars.js';

/**
 * `format(format, args…)` as Trino's: Java's `String.format` (java-format.ts) over the arguments
 * converted as Trino converts them — integers to Long, real to Float, double to Double, decimal to
 * BigDecimal, varchar and char to String, date to LocalDate, timestamp to LocalDateTime, intervals
 * to their text, NULL to null. So `%d` refuses a decimal and `%.2f` an integer, as in Trino. A
 * format Java refuses is INVALID_FUNCTION_ARGUMENT `Invalid format string: <format> (<Java
 * exception>: <message>)`; a NULL format gives NULL.
 */

function javaValue(type: DataType, v: unknown): JavaValue {
  if (v === null) return null;
  switch (type.kind) {
    case 'unknown':
      return null;
    case 'boolean':
      return { cls: 'Boolean', v: v as boolean };
    case 'tinyint':
    case 'smallint':
    case 'integer':
    case 'bigint':
      return { cls: 'Long', v: toBig(v as Long) };
    case 'real':
      return { cls: 'Float', v: v as number };
    case 'double':
      return { cls: 'Double', v: v as number };
    case 'decimal':
      return { cls: 'BigDecimal', d: { unscaled: toBig(v as Long), scale: type.scale } };
    case 'varchar':
    case 'char':
      return { cls: 'String', v: v as string };
    case 'date':
      return { cls: 'LocalDate', days: v as number };
    case 'timestamp':
      return { cls: 'LocalDateTime', micros: v as number };
    case 'interval_day_time':
      return { cls: 'String', v: formatIntervalDayTime(v as number) };
    case 'interval_year_month':
      return { cls: 'String', v: formatIntervalYearMonth(v as number) };
    case 'array':
    case 'map':
    case 'row':
      return { cls: 'String', v: JSON.stringify(toExternal(type, v)) };
  }
}

function format(types: readonly DataType[], fmt: string | null, ...values: unknown[]): string | null {
  if (fmt === null) return null;
  try {
    return javaFormat(
      fmt,
      values.map((v, i) => javaValue(types[i]!, v)),
    );
  } catch (e) {
    if (!(e instanceof JavaFormatError)) throw e;
    throw new QuarryError('INVALID_FUNCTION_ARGUMENT', `Invalid format string: ${fmt} (${e.message})`);
  }
}

defineFamily('format', {
  signatures: ['format(varchar, T, ...) with at least one value to format'],
  resolve: (ts) =>
    ts.length >= 2 && isStr(ts[0]!) ? { id: 'format', argTypes: ts, returnType: VARCHAR } : undefined,
});
defineGenerator(
  'format',
  ([fmt, ...values], types, _r, ctx) =>
    `${ctx.ref(format)}(${ctx.ref(types.slice(1))}, ${[fmt!, ...values].join(', ')})`,
  { handlesNulls: true, arity: [2, Infinity] },
);
