/**
 * TPC-H rows for DuckDB, from quarry's own generator (the rows quarry's `tpch` connector scans, which
 * are dbgen's): each table is generated in chunks, written as a `|`-separated file in a temporary
 * directory, read into an in-memory DuckDB table with the specification's types, and the file
 * removed. The generator comes from `@quarry/connectors/internal`, as in bench/tpchgen.ts.
 */
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import {
  TPCH_TABLE_NAMES,
  TPCH_TABLES,
  driverRowCount,
  generate,
  type TpchColumnType,
} from '@quarry/connectors/internal';

const CHUNK = 50_000;

function duckType(type: TpchColumnType): string {
  switch (type.kind) {
    case 'bigint':
      return 'BIGINT';
    case 'integer':
      return 'INTEGER';
    case 'decimal':
      return `DECIMAL(${type.precision},${type.scale})`;
    case 'date':
      return 'DATE';
    case 'varchar':
    case 'char':
      return 'VARCHAR';
  }
}

const DAY_MS = 86_400_000;
const dateTexts = new Map<number, string>();

function dateText(days: number): string {
  let s = dateTexts.get(days);
  if (s === undefined) {
    s = new Date(days * DAY_MS).toISOString().slice(0, 10);
    dateTexts.set(days, s);
  }
  return s;
}

/** Cents (an exact integer in a double) as a decimal with 2 digits. */
function centsText(cents: number): string {
  const digits = String(Math.abs(cents)).padStart(3, '0');
  return `${cents < 0 ? '-' : ''}${digits.slice(0, -2)}.${digits.slice(-2)}`;
}

type Column = Float64Array | Int32Array | string[];

function formatter(type: TpchColumnType): (column: Column, row: number) => string {
  switch (type.kind) {
    case 'decimal':
      return (c, r) => centsText((c as Float64Array)[r]!);
    case 'date':
      return (c, r) => dateText((c as Int32Array)[r]!);
    case 'bigint':
    case 'integer':
      return (c, r) => String((c as Float64Array | Int32Array)[r]!);
    case 'varchar':
    case 'char':
      return (c, r) => (c as string[])[r]!;
  }
}

export interface LoadReport {
  readonly rows: number;
  readonly seconds: number;
}

/** Creates the eight tables at scale factor `sf` in DuckDB, filled with quarry's generated rows. */
export async function loadTpch(connection: DuckDBConnection, sf: number): Promise<LoadReport> {
  const started = performance.now();
  const dir = mkdtempSync(join(tmpdir(), 'quarry-tpch-duckdb-'));
  let rows = 0;
  try {
    for (const table of TPCH_TABLE_NAMES) {
      const columns = TPCH_TABLES[table].columns;
      const names = columns.map((c) => c.name);
      const formats = columns.map((c) => formatter(c.type));
      const file = join(dir, `${table}.tbl`);
      const fd = openSync(file, 'w');
      try {
        const drivers = driverRowCount(table, sf);
        for (let start = 0; start < drivers; start += CHUNK) {
          const chunk = generate({
            table,
            scaleFactor: sf,
            start,
            count: Math.min(CHUNK, drivers - start),
            columns: names,
          });
          const lines: string[] = new Array<string>(chunk.rowCount);
          for (let r = 0; r < chunk.rowCount; r++) {
            let line = formats[0]!(chunk.columns[0]!, r);
            for (let c = 1; c < formats.length; c++) line += '|' + formats[c]!(chunk.columns[c]!, r);
            lines[r] = line;
          }
          writeSync(fd, lines.join('\n') + '\n');
          rows += chunk.rowCount;
        }
      } finally {
        closeSync(fd);
      }
      const spec = columns.map((c) => `'${c.name}': '${duckType(c.type)}'`).join(', ');
      await connection.run(
        `CREATE TABLE ${table} AS SELECT * FROM read_csv('${file}', delim = '|', header = false, ` +
          `quote = '', escape = '', columns = {${spec}})`,
      );
      rmSync(file);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { rows, seconds: (performance.now() - started) / 1000 };
}
