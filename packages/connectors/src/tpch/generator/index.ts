/**
 * TPC-H data generator, row-for-row identical to the reference `dbgen` (checked against its output at
 * SF 0.01 and the official answers at SF 1), producing columnar chunks. Entry point:
 * `generate({ table, scaleFactor, start, count, columns })`. Scale factors follow dbgen (see scale.ts).
 *
 * Splitting: the unit is the driver row (the order for `lineitem`, the part for `partsupp`, otherwise
 * the table's own row). Any range of driver rows is generated without generating the rows before it,
 * and equals the same slice of the whole table. (Exception, unverifiable here: at SF ≥ 30 000 dbgen's
 * 64-bit `l_partkey` stream, and so `o_totalprice`, see random64.ts.)
 *
 * Pruning: only the requested columns are computed; the random streams behind the others are never
 * touched. Comment columns slice a 300 MiB text pool that is built on first use (about a second) and
 * stays in memory for the life of the process.
 */
import { generateCustomer } from './tables/customer.js';
import { generateLineitem } from './tables/lineitem.js';
import { generateNation } from './tables/nation.js';
import { generateOrders } from './tables/orders.js';
import { generatePart } from './tables/part.js';
import { generatePartSupp } from './tables/partsupp.js';
import { generateRegion } from './tables/region.js';
import { generateSupplier } from './tables/supplier.js';
import { totalLines } from './tables/order-streams.js';
import { SUPPLIERS_PER_PART } from './keys.js';
import type { TableGenerator } from './outputs.js';
import { scaleCounts } from './scale.js';
import { isTpchTableName, TPCH_TABLES, type TpchTableName } from './schema.js';

export { TPCH_TABLES, TPCH_TABLE_NAMES, isTpchTableName } from './schema.js';
export type { TpchColumn, TpchColumnType, TpchTableName } from './schema.js';

export interface GeneratedChunk {
  readonly rowCount: number;
  readonly columns: readonly (Float64Array | Int32Array | string[])[];
}

const GENERATORS: Readonly<Record<TpchTableName, TableGenerator>> = {
  nation: generateNation,
  region: generateRegion,
  part: generatePart,
  supplier: generateSupplier,
  partsupp: generatePartSupp,
  customer: generateCustomer,
  orders: generateOrders,
  lineitem: generateLineitem,
};

function checkTable(table: string): TpchTableName {
  if (!isTpchTableName(table)) throw new Error(`unknown TPC-H table: ${String(table)}`);
  return table;
}

/** Driver rows at a scale factor (orders for lineitem, parts for partsupp). */
export function driverRowCount(table: TpchTableName, scaleFactor: number): number {
  const counts = scaleCounts(scaleFactor);
  switch (checkTable(table)) {
    case 'nation':
      return 25;
    case 'region':
      return 5;
    case 'part':
    case 'partsupp':
      return counts.parts;
    case 'supplier':
      return counts.suppliers;
    case 'customer':
      return counts.customers;
    case 'orders':
    case 'lineitem':
      return counts.orders;
  }
}

/** Orders up to which `estimatedRowCount('lineitem')` counts lines exactly (SF 10: ~70 ms, once). */
const EXACT_LINEITEM_ORDER_LIMIT = 15_000_000;
const exactLineCounts = new Map<number, number>();

/**
 * Row count of the table. Exact for every table except `lineitem` above SF 10, where it is the
 * expected value, 4 lines per order (line counts are uniform in 1..7); up to SF 10 the lines are
 * counted exactly (one pass over the line-count stream, remembered per scale factor).
 */
export function estimatedRowCount(table: TpchTableName, scaleFactor: number): number {
  const drivers = driverRowCount(table, scaleFactor);
  if (table === 'partsupp') return drivers * SUPPLIERS_PER_PART;
  if (table !== 'lineitem') return drivers;
  if (drivers > EXACT_LINEITEM_ORDER_LIMIT) return drivers * 4;
  let lines = exactLineCounts.get(drivers);
  if (lines === undefined) {
    lines = totalLines(drivers);
    exactLineCounts.set(drivers, lines);
  }
  return lines;
}

/** What to generate: driver rows [start, start + count) of a table at a scale factor, and which columns. */
export interface GenerateRequest {
  readonly table: TpchTableName;
  readonly scaleFactor: number;
  readonly start: number;
  readonly count: number;
  readonly columns: readonly string[];
}

/**
 * Rows of driver rows [start, start + count), only the named columns, in the order asked (a name may
 * repeat). Throws on an unknown table or column (naming it) and on a range outside the table.
 */
export function generate({ table, scaleFactor, start, count, columns }: GenerateRequest): GeneratedChunk {
  const name = checkTable(table);
  const known = new Set(TPCH_TABLES[name].columns.map((c) => c.name));
  for (const column of columns) {
    if (!known.has(column)) throw new Error(`unknown column ${String(column)} in TPC-H table ${name}`);
  }
  const drivers = driverRowCount(name, scaleFactor);
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(count) || start < 0 || count < 0) {
    throw new RangeError(
      `TPC-H ${name}: start and count must be non-negative integers, got ${start}, ${count}`,
    );
  }
  if (start + count > drivers) {
    throw new RangeError(
      `TPC-H ${name} at SF ${scaleFactor} has ${drivers} driver rows; [${start}, ${start + count}) is out of range`,
    );
  }
  const { rowCount, outputs } = GENERATORS[name]({
    counts: scaleCounts(scaleFactor),
    start,
    count,
    wanted: new Set(columns),
  });
  return { rowCount, columns: columns.map((c) => outputs.get(c)) };
}
