/**
 * LINEITEM: 1 to 7 lines per order; the driver row is the order, so a chunk holds every line of orders
 * [start, start + count). Each column's stream is created only if a requested column needs it; derived
 * columns pull in their inputs (the extended price needs the part key and the quantity, the return flag
 * needs the ship and receipt dates, and so on).
 */
import { COMMIT_DAYS, CURRENT_DAY, ORDER_DATE_SPAN, RECEIPT_DAYS, SHIP_DAYS, START_DAY } from '../dates.js';
import { DISTS } from '../distribution.js';
import { orderKey, partSupplierKey, retailPriceCents } from '../keys.js';
import { ChunkOutputs, type ChunkRequest, type ChunkResult } from '../outputs.js';
import type { ScaleCounts } from '../scale.js';
import { RandomStream } from '../random.js';
import { TPCH_TABLES } from '../schema.js';
import { TextStream } from '../text-pool.js';
import { LINE_SEED, MAX_LINES, ORDER_SEED, lineCounts, lineStream, partKeyStream } from './order-streams.js';

export function generateLineitem({ counts, start, count, wanted }: ChunkRequest): ChunkResult {
  const lines = lineCounts(start, count);
  let rows = 0;
  for (let i = 0; i < count; i++) rows += lines[i] as number;

  const out = new ChunkOutputs(TPCH_TABLES.lineitem.columns, wanted, rows);
  const c = lineColumns(out);
  const s = lineStreams(c, counts, start);
  const opened = Object.values(s).filter((stream) => stream !== null);
  let row = 0;
  for (let o = 0; o < count; o++) {
    const key = orderKey(start + o + 1);
    const orderDate = s.dates ? START_DAY + s.dates.int(0, ORDER_DATE_SPAN) : 0;
    const lineCount = lines[o] as number;
    for (let l = 0; l < lineCount; l++, row++) {
      if (c.orderKey) c.orderKey[row] = key;
      if (c.lineNumber) c.lineNumber[row] = l + 1;
      fillQuantities(c, s, row, counts);
      fillDatesAndText(c, s, row, orderDate);
    }
    for (const stream of opened) stream.endRow();
  }
  return { rowCount: rows, outputs: out };
}

/** The arrays of the wanted columns (null for the others). */
function lineColumns(out: ChunkOutputs) {
  return {
    orderKey: out.f64('l_orderkey'),
    partKey: out.f64('l_partkey'),
    supplierKey: out.f64('l_suppkey'),
    lineNumber: out.i32('l_linenumber'),
    quantity: out.f64('l_quantity'),
    price: out.f64('l_extendedprice'),
    discount: out.f64('l_discount'),
    tax: out.f64('l_tax'),
    flag: out.str('l_returnflag'),
    status: out.str('l_linestatus'),
    ship: out.i32('l_shipdate'),
    commit: out.i32('l_commitdate'),
    receipt: out.i32('l_receiptdate'),
    instruction: out.str('l_shipinstruct'),
    mode: out.str('l_shipmode'),
    comment: out.str('l_comment'),
  };
}

type LineColumns = ReturnType<typeof lineColumns>;

/** The random streams the wanted columns need, each positioned at order `start` (null for the others). */
function lineStreams(c: LineColumns, counts: ScaleCounts, start: number) {
  const needShip = c.ship || c.status || c.receipt || c.flag;
  const needReceipt = c.receipt || c.flag;
  const line = (needed: unknown, seed: number): RandomStream | null =>
    needed ? lineStream(seed, start) : null;
  return {
    dates: needShip || c.commit ? new RandomStream(ORDER_SEED.date, 1, start) : null,
    quantities: line(c.quantity || c.price, LINE_SEED.quantity),
    discounts: line(c.discount, LINE_SEED.discount),
    taxes: line(c.tax, LINE_SEED.tax),
    partKeys: c.partKey || c.supplierKey || c.price ? partKeyStream(counts, start) : null,
    supplierNumbers: line(c.supplierKey, LINE_SEED.supplierNumber),
    shipDates: line(needShip, LINE_SEED.shipDate),
    commitDates: line(c.commit, LINE_SEED.commitDate),
    receiptDates: line(needReceipt, LINE_SEED.receiptDate),
    flags: line(c.flag, LINE_SEED.returnFlag),
    instructions: line(c.instruction, LINE_SEED.instruction),
    modes: line(c.mode, LINE_SEED.mode),
    comments: c.comment ? new TextStream(LINE_SEED.comment, 27, MAX_LINES, start) : null,
  };
}

type LineStreams = ReturnType<typeof lineStreams>;

/** Quantity, discount, tax, part and supplier keys and the extended price of one line. */
function fillQuantities(c: LineColumns, s: LineStreams, row: number, counts: ScaleCounts): void {
  let quantity = 0;
  if (s.quantities) {
    quantity = s.quantities.int(1, 50);
    if (c.quantity) c.quantity[row] = quantity * 100;
  }
  if (c.discount && s.discounts) c.discount[row] = s.discounts.int(0, 10);
  if (c.tax && s.taxes) c.tax[row] = s.taxes.int(0, 8);
  if (s.partKeys) {
    const partKey = s.partKeys.int(1, counts.parts);
    if (c.partKey) c.partKey[row] = partKey;
    if (c.supplierKey && s.supplierNumbers) {
      c.supplierKey[row] = partSupplierKey(partKey, s.supplierNumbers.int(0, 3), counts.suppliers);
    }
    if (c.price) c.price[row] = retailPriceCents(partKey) * quantity;
  }
}

/** Ship, receipt and commit dates, status and return flag, and the text columns of one line. */
function fillDatesAndText(c: LineColumns, s: LineStreams, row: number, orderDate: number): void {
  if (s.shipDates) {
    const shipDate = orderDate + s.shipDates.int(SHIP_DAYS.min, SHIP_DAYS.max);
    if (c.ship) c.ship[row] = shipDate;
    if (c.status) c.status[row] = shipDate <= CURRENT_DAY ? 'F' : 'O';
    if (s.receiptDates) {
      const receiptDate = shipDate + s.receiptDates.int(RECEIPT_DAYS.min, RECEIPT_DAYS.max);
      if (c.receipt) c.receipt[row] = receiptDate;
      if (c.flag && s.flags) {
        c.flag[row] = receiptDate <= CURRENT_DAY ? DISTS.returnFlags.pick(s.flags) : 'N';
      }
    }
  }
  if (c.commit && s.commitDates)
    c.commit[row] = orderDate + s.commitDates.int(COMMIT_DAYS.min, COMMIT_DAYS.max);
  if (c.instruction && s.instructions) c.instruction[row] = DISTS.shipInstructions.pick(s.instructions);
  if (c.mode && s.modes) c.mode[row] = DISTS.shipModes.pick(s.modes);
  if (c.comment && s.comments) c.comment[row] = s.comments.next();
}
