/**
 * The eight TPC-H tables: column names (standard prefixes, specification order) and types. Keys are
 * BIGINT except the nation and region keys, which are INTEGER; money and quantities DECIMAL(15,2);
 * text VARCHAR with the specification's lengths, and the one-letter flags CHAR(1).
 */

export type TpchTableName =
  'nation' | 'region' | 'part' | 'supplier' | 'partsupp' | 'customer' | 'orders' | 'lineitem';

export type TpchColumnType =
  | { kind: 'bigint' }
  | { kind: 'integer' }
  | { kind: 'decimal'; precision: 15; scale: 2 }
  | { kind: 'date' }
  | { kind: 'varchar'; length: number }
  | { kind: 'char'; length: number };

export interface TpchColumn {
  readonly name: string;
  readonly type: TpchColumnType;
}

const bigint: TpchColumnType = { kind: 'bigint' };
const integer: TpchColumnType = { kind: 'integer' };
const decimal: TpchColumnType = { kind: 'decimal', precision: 15, scale: 2 };
const date: TpchColumnType = { kind: 'date' };
const flag: TpchColumnType = { kind: 'char', length: 1 };
const varchar = (length: number): TpchColumnType => ({ kind: 'varchar', length });

const column = (name: string, type: TpchColumnType): TpchColumn => ({ name, type });

export const TPCH_TABLES: Readonly<Record<TpchTableName, { readonly columns: readonly TpchColumn[] }>> = {
  nation: {
    columns: [
      column('n_nationkey', integer),
      column('n_name', varchar(25)),
      column('n_regionkey', integer),
      column('n_comment', varchar(152)),
    ],
  },
  region: {
    columns: [
      column('r_regionkey', integer),
      column('r_name', varchar(25)),
      column('r_comment', varchar(152)),
    ],
  },
  part: {
    columns: [
      column('p_partkey', bigint),
      column('p_name', varchar(55)),
      column('p_mfgr', varchar(25)),
      column('p_brand', varchar(10)),
      column('p_type', varchar(25)),
      column('p_size', integer),
      column('p_container', varchar(10)),
      column('p_retailprice', decimal),
      column('p_comment', varchar(23)),
    ],
  },
  supplier: {
    columns: [
      column('s_suppkey', bigint),
      column('s_name', varchar(25)),
      column('s_address', varchar(40)),
      column('s_nationkey', integer),
      column('s_phone', varchar(15)),
      column('s_acctbal', decimal),
      column('s_comment', varchar(101)),
    ],
  },
  partsupp: {
    columns: [
      column('ps_partkey', bigint),
      column('ps_suppkey', bigint),
      column('ps_availqty', integer),
      column('ps_supplycost', decimal),
      column('ps_comment', varchar(199)),
    ],
  },
  customer: {
    columns: [
      column('c_custkey', bigint),
      column('c_name', varchar(25)),
      column('c_address', varchar(40)),
      column('c_nationkey', integer),
      column('c_phone', varchar(15)),
      column('c_acctbal', decimal),
      column('c_mktsegment', varchar(10)),
      column('c_comment', varchar(117)),
    ],
  },
  orders: {
    columns: [
      column('o_orderkey', bigint),
      column('o_custkey', bigint),
      column('o_orderstatus', flag),
      column('o_totalprice', decimal),
      column('o_orderdate', date),
      column('o_orderpriority', varchar(15)),
      column('o_clerk', varchar(15)),
      column('o_shippriority', integer),
      column('o_comment', varchar(79)),
    ],
  },
  lineitem: {
    columns: [
      column('l_orderkey', bigint),
      column('l_partkey', bigint),
      column('l_suppkey', bigint),
      column('l_linenumber', integer),
      column('l_quantity', decimal),
      column('l_extendedprice', decimal),
      column('l_discount', decimal),
      column('l_tax', decimal),
      column('l_returnflag', flag),
      column('l_linestatus', flag),
      column('l_shipdate', date),
      column('l_commitdate', date),
      column('l_receiptdate', date),
      column('l_shipinstruct', varchar(25)),
      column('l_shipmode', varchar(10)),
      column('l_comment', varchar(44)),
    ],
  },
};

export const TPCH_TABLE_NAMES = Object.keys(TPCH_TABLES) as readonly TpchTableName[];

export function isTpchTableName(name: string): name is TpchTableName {
  return Object.prototype.hasOwnProperty.call(TPCH_TABLES, name);
}
