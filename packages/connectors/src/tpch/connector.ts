import { QuarryError } from '@quarry/common';
import {
  BIGINT,
  DATE,
  INTEGER,
  charType,
  decimalType,
  varcharType,
  type Block,
  type Connector,
  type DataType,
  type Page,
  type Split,
  type SplitOptions,
  type TableMetadata,
  type TableRef,
} from '@quarry/sql';
import {
  TPCH_TABLES,
  driverRowCount,
  estimatedRowCount,
  generate,
  isTpchTableName,
  type TpchColumnType,
  type TpchTableName,
} from './generator/index.js';

/**
 * The `tpch` connector: the TPC-H tables generated on the fly, identical to the reference dbgen.
 * Schemas: `tiny` (scale factor 0.01), `sf1`, `sf10`, … and any `sfN` (N may be fractional, e.g.
 * `sf0.1`). A split is a range of driver rows (orders for lineitem, parts for partsupp), so tasks
 * generate their own rows without generating those before them.
 */
export interface TpchSplitInfo {
  readonly table: TpchTableName;
  readonly scaleFactor: number;
  readonly start: number;
  readonly count: number;
}

const STANDARD_SCHEMAS = ['tiny', 'sf1', 'sf10', 'sf100', 'sf1000'];
/** Driver rows generated per page. */
const CHUNK_DRIVER_ROWS = 4096;

export function scaleFactorOf(schema: string): number | undefined {
  if (schema === 'tiny') return 0.01;
  const m = /^sf(\d+(?:\.\d+)?)$/.exec(schema);
  if (!m) return undefined;
  const sf = Number(m[1]);
  return sf > 0 && Number.isFinite(sf) ? sf : undefined;
}

function columnType(t: TpchColumnType): DataType {
  switch (t.kind) {
    case 'bigint':
      return BIGINT;
    case 'integer':
      return INTEGER;
    case 'decimal':
      return decimalType(t.precision, t.scale);
    case 'date':
      return DATE;
    case 'varchar':
      return varcharType(t.length);
    case 'char':
      return charType(t.length);
  }
}

/**
 * Distinct values of the columns the planner joins and groups on, from the specification's value
 * domains (keys are dense; a third of customers place no orders; dates span about seven years).
 */
function distinctValues(column: string, sf: number): number | undefined {
  const rows = (t: TpchTableName) => estimatedRowCount(t, sf);
  switch (column) {
    case 'n_nationkey':
    case 'n_name':
    case 's_nationkey':
    case 'c_nationkey':
      return 25;
    case 'n_regionkey':
    case 'r_regionkey':
    case 'r_name':
      return 5;
    case 'p_partkey':
    case 'ps_partkey':
    case 'l_partkey':
      return rows('part');
    case 's_suppkey':
    case 'ps_suppkey':
    case 'l_suppkey':
      return rows('supplier');
    case 'c_custkey':
      return rows('customer');
    case 'o_custkey':
      return Math.ceil((rows('customer') * 2) / 3);
    case 'o_orderkey':
    case 'l_orderkey':
      return rows('orders');
    case 'p_brand':
      return 25;
    case 'p_type':
      return 150;
    case 'p_size':
      return 50;
    case 'p_container':
      return 40;
    case 'p_mfgr':
    case 'c_mktsegment':
    case 'o_orderpriority':
      return 5;
    case 'o_orderstatus':
    case 'l_returnflag':
      return 3;
    case 'l_linestatus':
      return 2;
    case 'l_shipmode':
      return 7;
    case 'l_shipinstruct':
      return 4;
    case 'o_orderdate':
    case 'l_shipdate':
    case 'l_commitdate':
    case 'l_receiptdate':
      return 2500;
    case 'l_quantity':
      return 50;
    case 'l_discount':
      return 11;
    case 'l_tax':
      return 9;
    default:
      return undefined;
  }
}

/**
 * Column names as Trino's `tpch.column-naming` chooses them: STANDARD keeps the specification's
 * names (`l_orderkey`; quarry's default, which the TPC-H queries are written against), SIMPLIFIED
 * drops the table prefix (`orderkey`; Trino's default).
 */
export type TpchColumnNaming = 'STANDARD' | 'SIMPLIFIED';

export interface TpchOptions {
  readonly columnNaming?: TpchColumnNaming;
}

/** A column's name under a naming: SIMPLIFIED drops everything up to the first `_`. */
function columnName(standard: string, naming: TpchColumnNaming): string {
  return naming === 'SIMPLIFIED' ? standard.slice(standard.indexOf('_') + 1) : standard;
}

export class TpchConnector implements Connector {
  readonly connectorName = 'tpch';
  readonly columnNaming: TpchColumnNaming;

  /** `catalog`: the name this connector is mounted under (`<catalog>.properties`). */
  constructor(
    readonly catalog = 'tpch',
    options: TpchOptions = {},
  ) {
    this.columnNaming = options.columnNaming ?? 'STANDARD';
  }

  async listSchemas(): Promise<readonly string[]> {
    return STANDARD_SCHEMAS;
  }

  /** Any `sfN` schema exists, listed or not. */
  async schemaExists(schema: string): Promise<boolean> {
    return scaleFactorOf(schema) !== undefined;
  }

  async listTables(schema: string): Promise<readonly string[]> {
    return scaleFactorOf(schema) === undefined ? [] : Object.keys(TPCH_TABLES).sort();
  }

  async getTable(schema: string, table: string): Promise<TableMetadata | undefined> {
    const sf = scaleFactorOf(schema);
    if (sf === undefined || !isTpchTableName(table)) return undefined;
    return {
      catalog: this.catalog,
      schema,
      table,
      columns: TPCH_TABLES[table].columns.map((c) => {
        const distinctCount = distinctValues(c.name, sf);
        const name = columnName(c.name, this.columnNaming);
        // TPC-H data holds no NULL
        return {
          name,
          type: columnType(c.type),
          nullsFraction: 0,
          ...(distinctCount ? { distinctCount } : {}),
        };
      }),
      rowCount: estimatedRowCount(table, sf),
    };
  }

  async splits(ref: TableRef, options: SplitOptions): Promise<readonly Split[]> {
    const sf = scaleFactorOf(ref.schema);
    if (sf === undefined || !isTpchTableName(ref.table)) {
      throw new QuarryError(
        'TABLE_NOT_FOUND',
        `Table '${ref.catalog}.${ref.schema}.${ref.table}' does not exist`,
      );
    }
    const total = driverRowCount(ref.table, sf);
    const count = Math.max(1, Math.min(options.targetSplits, Math.ceil(total / 1000)));
    const rowsPerDriver = estimatedRowCount(ref.table, sf) / total;
    const splits: Split[] = [];
    for (let i = 0; i < count; i++) {
      const start = Math.floor((total * i) / count);
      const end = Math.floor((total * (i + 1)) / count);
      if (end > start) {
        const info: TpchSplitInfo = { table: ref.table, scaleFactor: sf, start, count: end - start };
        splits.push({ catalog: ref.catalog, info, rows: Math.round((end - start) * rowsPerDriver) });
      }
    }
    return splits;
  }

  /** A split's range of driver rows, cut into `parts` ranges (rows are generated from their number). */
  divideSplit(split: Split, parts: number): readonly Split[] | undefined {
    const info = split.info as TpchSplitInfo;
    const n = Math.min(parts, info.count);
    if (n < 2) return undefined;
    return Array.from({ length: n }, (_, i) => {
      const start = info.start + Math.floor((info.count * i) / n);
      const end = info.start + Math.floor((info.count * (i + 1)) / n);
      const rows =
        split.rows === undefined ? {} : { rows: Math.round((split.rows * (end - start)) / info.count) };
      return { catalog: split.catalog, info: { ...info, start, count: end - start }, ...rows };
    });
  }

  async *pageSource(ref: TableRef, split: Split, columns: readonly string[]): AsyncIterable<Page> {
    const info = split.info as TpchSplitInfo;
    const meta = TPCH_TABLES[info.table];
    const asked = columns.map((name) => {
      const c = meta.columns.find((x) => columnName(x.name, this.columnNaming) === name);
      if (!c)
        throw new QuarryError('COLUMN_NOT_FOUND', `Column '${name}' not found in ${ref.schema}.${ref.table}`);
      return c;
    });
    const types = asked.map((c) => columnType(c.type));
    // With no columns asked (count(*)), generate the cheapest one to learn the row counts.
    const generated = asked.length > 0 ? asked.map((c) => c.name) : [meta.columns[0]!.name];
    for (let start = info.start; start < info.start + info.count; start += CHUNK_DRIVER_ROWS) {
      const count = Math.min(CHUNK_DRIVER_ROWS, info.start + info.count - start);
      const chunk = generate({
        table: info.table,
        scaleFactor: info.scaleFactor,
        start,
        count,
        columns: generated,
      });
      const blocks: Block[] = columns.map((_, i) => ({
        type: types[i]!,
        length: chunk.rowCount,
        values: chunk.columns[i]!,
        nulls: undefined,
      }));
      yield { blocks, rowCount: chunk.rowCount };
      // let the event loop breathe between chunks (cancellation, progress reports)
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
}
