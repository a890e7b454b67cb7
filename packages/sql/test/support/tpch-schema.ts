/**
 * The eight TPC-H tables as empty in-memory tables (the specification's column names and types), for
 * tests that plan the TPC-H queries without running them. Registered as catalog `tpch` with the
 * schemas the queries and SQL cases name.
 */
import { MapCatalogRegistry } from '../../src/spi/connector.js';
import {
  BIGINT,
  DATE,
  INTEGER,
  charType,
  decimalType,
  varcharType,
  type DataType,
} from '../../src/types/types.js';
import { MemConnector, type MemTable } from './connector.js';

const money = decimalType(15, 2);
const flag = charType(1);
const v = varcharType;

const SPEC: Record<string, [string, DataType][]> = {
  nation: [
    ['n_nationkey', INTEGER],
    ['n_name', v(25)],
    ['n_regionkey', INTEGER],
    ['n_comment', v(152)],
  ],
  region: [
    ['r_regionkey', INTEGER],
    ['r_name', v(25)],
    ['r_comment', v(152)],
  ],
  part: [
    ['p_partkey', BIGINT],
    ['p_name', v(55)],
    ['p_mfgr', v(25)],
    ['p_brand', v(10)],
    ['p_type', v(25)],
    ['p_size', INTEGER],
    ['p_container', v(10)],
    ['p_retailprice', money],
    ['p_comment', v(23)],
  ],
  supplier: [
    ['s_suppkey', BIGINT],
    ['s_name', v(25)],
    ['s_address', v(40)],
    ['s_nationkey', INTEGER],
    ['s_phone', v(15)],
    ['s_acctbal', money],
    ['s_comment', v(101)],
  ],
  partsupp: [
    ['ps_partkey', BIGINT],
    ['ps_suppkey', BIGINT],
    ['ps_availqty', INTEGER],
    ['ps_supplycost', money],
    ['ps_comment', v(199)],
  ],
  customer: [
    ['c_custkey', BIGINT],
    ['c_name', v(25)],
    ['c_address', v(40)],
    ['c_nationkey', INTEGER],
    ['c_phone', v(15)],
    ['c_acctbal', money],
    ['c_mktsegment', v(10)],
    ['c_comment', v(117)],
  ],
  orders: [
    ['o_orderkey', BIGINT],
    ['o_custkey', BIGINT],
    ['o_orderstatus', flag],
    ['o_totalprice', money],
    ['o_orderdate', DATE],
    ['o_orderpriority', v(15)],
    ['o_clerk', v(15)],
    ['o_shippriority', INTEGER],
    ['o_comment', v(79)],
  ],
  lineitem: [
    ['l_orderkey', BIGINT],
    ['l_partkey', BIGINT],
    ['l_suppkey', BIGINT],
    ['l_linenumber', INTEGER],
    ['l_quantity', money],
    ['l_extendedprice', money],
    ['l_discount', money],
    ['l_tax', money],
    ['l_returnflag', flag],
    ['l_linestatus', flag],
    ['l_shipdate', DATE],
    ['l_commitdate', DATE],
    ['l_receiptdate', DATE],
    ['l_shipinstruct', v(25)],
    ['l_shipmode', v(10)],
    ['l_comment', v(44)],
  ],
};

function tables(): Record<string, MemTable> {
  const out: Record<string, MemTable> = {};
  for (const [name, columns] of Object.entries(SPEC))
    out[name] = { columns: columns.map(([n, type]) => ({ name: n, type })), rows: [] };
  return out;
}

export const TPCH_SCHEMAS = ['tiny', 'sf1', 'sf100'] as const;

export function tpchRegistry(): MapCatalogRegistry {
  const schemas = Object.fromEntries(TPCH_SCHEMAS.map((s) => [s, tables()]));
  return new MapCatalogRegistry([['tpch', new MemConnector(schemas)]]);
}
