/**
 * Test helpers: the reference dbgen output at SF 0.01 (from the shared TPC-H material beside the
 * repository) and dbgen's text formatting of generated values, for comparing line by line.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { TPCH_TABLES, type GeneratedChunk, type TpchTableName } from '../../src/tpch/generator/index.js';

const REFERENCE_DIR = fileURLToPath(new URL('../../../../testdata/tpch/reference-sf0.01/', import.meta.url));

/** Lines of `<table>.tbl.gz`, without their trailing `|`. */
export function referenceLines(table: TpchTableName): string[] {
  const path = `${REFERENCE_DIR}${table}.tbl.gz`;
  if (!existsSync(path))
    throw new Error(`reference data missing: ${path} (testdata/tpch is part of the repository)`);
  const text = gunzipSync(readFileSync(path)).toString('latin1');
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => line.slice(0, -1));
}

function formatCents(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

function formatDay(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}

/**
 * dbgen's text for one value of a column of the table. dbgen prints `l_quantity` as a whole number
 * (the column is DECIMAL(15,2) but its values are integral).
 */
export function formatValue(table: TpchTableName, column: string, value: number | string): string {
  const spec = TPCH_TABLES[table].columns.find((c) => c.name === column);
  if (spec === undefined) throw new Error(`no column ${column}`);
  if (column === 'l_quantity') {
    const cents = value as number;
    return cents % 100 === 0 ? String(cents / 100) : `fractional quantity ${formatCents(cents)}`;
  }
  switch (spec.type.kind) {
    case 'decimal':
      return formatCents(value as number);
    case 'date':
      return formatDay(value as number);
    default:
      return String(value);
  }
}

/** The chunk's rows as dbgen prints them, `|`-joined, columns in the order given. */
export function formatRows(
  table: TpchTableName,
  columns: readonly string[],
  chunk: GeneratedChunk,
): string[] {
  const lines: string[] = [];
  for (let row = 0; row < chunk.rowCount; row++) {
    const fields = columns.map((name, i) => {
      const data = chunk.columns[i];
      if (data === undefined) throw new Error(`chunk has no column ${i}`);
      return formatValue(table, name, data[row] as number | string);
    });
    lines.push(fields.join('|'));
  }
  return lines;
}

export function columnNames(table: TpchTableName): string[] {
  return TPCH_TABLES[table].columns.map((c) => c.name);
}

/** A column as a plain array, for deep comparisons. */
export function plain(column: GeneratedChunk['columns'][number] | undefined): (number | string)[] {
  return column === undefined ? [] : Array.from(column as ArrayLike<number | string>);
}
