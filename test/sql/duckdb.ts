/**
 * DuckDB with the TPC-H tables of SF 0.01 (the reference rows of testdata/tpch/reference-sf0.01,
 * which quarry's `tpch.tiny` reproduces exactly), typed as the TPC-H specification types them and
 * as quarry's connector does: keys BIGINT (nation and region keys INTEGER), money and quantities
 * DECIMAL(15,2), dates DATE, text VARCHAR. One thread, so results (sums of doubles too) are the same
 * on every run.
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { duckText, type Text } from './values.js';
import { TPCH_DATA } from '../support/reference.js';

const BIGINT = 'BIGINT';
const INTEGER = 'INTEGER';
const MONEY = 'DECIMAL(15,2)';
const DATE = 'DATE';
const TEXT = 'VARCHAR';

/** Columns of each table, in the order of the .tbl files. */
export const TPCH_SCHEMA: Readonly<Record<string, readonly (readonly [string, string])[]>> = {
  region: [
    ['r_regionkey', INTEGER],
    ['r_name', TEXT],
    ['r_comment', TEXT],
  ],
  nation: [
    ['n_nationkey', INTEGER],
    ['n_name', TEXT],
    ['n_regionkey', INTEGER],
    ['n_comment', TEXT],
  ],
  part: [
    ['p_partkey', BIGINT],
    ['p_name', TEXT],
    ['p_mfgr', TEXT],
    ['p_brand', TEXT],
    ['p_type', TEXT],
    ['p_size', INTEGER],
    ['p_container', TEXT],
    ['p_retailprice', MONEY],
    ['p_comment', TEXT],
  ],
  supplier: [
    ['s_suppkey', BIGINT],
    ['s_name', TEXT],
    ['s_address', TEXT],
    ['s_nationkey', INTEGER],
    ['s_phone', TEXT],
    ['s_acctbal', MONEY],
    ['s_comment', TEXT],
  ],
  partsupp: [
    ['ps_partkey', BIGINT],
    ['ps_suppkey', BIGINT],
    ['ps_availqty', INTEGER],
    ['ps_supplycost', MONEY],
    ['ps_comment', TEXT],
  ],
  customer: [
    ['c_custkey', BIGINT],
    ['c_name', TEXT],
    ['c_address', TEXT],
    ['c_nationkey', INTEGER],
    ['c_phone', TEXT],
    ['c_acctbal', MONEY],
    ['c_mktsegment', TEXT],
    ['c_comment', TEXT],
  ],
  orders: [
    ['o_orderkey', BIGINT],
    ['o_custkey', BIGINT],
    ['o_orderstatus', TEXT],
    ['o_totalprice', MONEY],
    ['o_orderdate', DATE],
    ['o_orderpriority', TEXT],
    ['o_clerk', TEXT],
    ['o_shippriority', INTEGER],
    ['o_comment', TEXT],
  ],
  lineitem: [
    ['l_orderkey', BIGINT],
    ['l_partkey', BIGINT],
    ['l_suppkey', BIGINT],
    ['l_linenumber', INTEGER],
    ['l_quantity', MONEY],
    ['l_extendedprice', MONEY],
    ['l_discount', MONEY],
    ['l_tax', MONEY],
    ['l_returnflag', TEXT],
    ['l_linestatus', TEXT],
    ['l_shipdate', DATE],
    ['l_commitdate', DATE],
    ['l_receiptdate', DATE],
    ['l_shipinstruct', TEXT],
    ['l_shipmode', TEXT],
    ['l_comment', TEXT],
  ],
};

export interface DuckResult {
  readonly columns: readonly { readonly name: string; readonly type: string }[];
  readonly rows: readonly (readonly Text[])[];
}

export class DuckSession {
  private constructor(
    private readonly instance: DuckDBInstance,
    readonly connection: DuckDBConnection,
  ) {}

  /** A DuckDB in memory with the eight tables loaded from the reference .tbl.gz files. */
  static async withTinyTables(): Promise<DuckSession> {
    const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
    const connection = await instance.connect();
    for (const [table, columns] of Object.entries(TPCH_SCHEMA)) {
      const file = `${TPCH_DATA}reference-sf0.01/${table}.tbl.gz`;
      // every line ends with a `|`: one more, empty, column
      const spec = [...columns, ['trailing', TEXT] as const].map(([n, t]) => `'${n}': '${t}'`).join(', ');
      await connection.run(
        `CREATE TABLE ${table} AS SELECT ${columns.map(([n]) => n).join(', ')} ` +
          `FROM read_csv('${file}', delim = '|', header = false, quote = '', escape = '', columns = {${spec}})`,
      );
    }
    return new DuckSession(instance, connection);
  }

  /** Runs one statement; values as text (see values.ts). Throws DuckDB's error. */
  async query(sql: string): Promise<DuckResult> {
    const reader = await this.connection.runAndReadAll(sql);
    const types = reader.columnTypes().map((t) => t.toString());
    const columns = reader.columnNames().map((name, i) => ({ name, type: types[i]! }));
    const rows = reader.getRowsJson().map((row) => row.map((v, i) => duckText(types[i]!, v)));
    return { columns, rows };
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}
