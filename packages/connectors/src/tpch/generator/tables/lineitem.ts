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
import { RandomStream } from '../random.js';
import { TPCH_TABLES } from '../schema.js';
import { TextStream } from '../text-pool.js';
import { LINE_SEED, MAX_LINES, ORDER_SEED, lineCounts, lineStream, partKeyStream } from './order-streams.js';

export function generateLineitem({ counts, start, count, wanted }: ChunkRequest): ChunkResult {
  const lines = lineCounts(start, count);
  let rows = 0;
  for (let i = 0; i < count; i++) rows += lines[i] as number;

  const out = new ChunkOutputs(TPCH_TABLES.lineitem.columns, wanted, rows);
  const orderKeyOut = out.f64('l_orderkey');
  const partKeyOut = out.f64('l_partkey');
  const supplierKeyOut = out.f64('l_suppkey');
  const lineNumberOut = out.i32('l_linenumber');
  const quantityOut = out.f64('l_quantity');
  const priceOut = out.f64('l_extendedprice');
  const discountOut = out.f64('l_discount');
  const taxOut = out.f64('l_tax');
  const flagOut = out.str('l_returnflag');
  const statusOut = out.str('l_linestatus');
  const shipOut = out.i32('l_shipdate');
  const commitOut = out.i32('l_commitdate');
  const receiptOut = out.i32('l_receiptdate');
  const instructionOut = out.str('l_shipinstruct');
  const modeOut = out.str('l_shipmode');
  const commentOut = out.str('l_comment');

  const needShip = shipOut || statusOut || receiptOut || flagOut;
  const needReceipt = receiptOut || flagOut;
  const line = (needed: unknown, seed: number): RandomStream | null =>
    needed ? lineStream(seed, start) : null;

  const dates = needShip || commitOut ? new RandomStream(ORDER_SEED.date, 1, start) : null;
  const quantities = line(quantityOut || priceOut, LINE_SEED.quantity);
  const discounts = line(discountOut, LINE_SEED.discount);
  const taxes = line(taxOut, LINE_SEED.tax);
  const partKeys = partKeyOut || supplierKeyOut || priceOut ? partKeyStream(counts, start) : null;
  const supplierNumbers = line(supplierKeyOut, LINE_SEED.supplierNumber);
  const shipDates = line(needShip, LINE_SEED.shipDate);
  const commitDates = line(commitOut, LINE_SEED.commitDate);
  const receiptDates = line(needReceipt, LINE_SEED.receiptDate);
  const flags = line(flagOut, LINE_SEED.returnFlag);
  const instructions = line(instructionOut, LINE_SEED.instruction);
  const modes = line(modeOut, LINE_SEED.mode);
  const comments = commentOut ? new TextStream(LINE_SEED.comment, 27, MAX_LINES, start) : null;
  const { parts, suppliers } = counts;

  let row = 0;
  for (let o = 0; o < count; o++) {
    const key = orderKey(start + o + 1);
    const orderDate = dates ? START_DAY + dates.int(0, ORDER_DATE_SPAN) : 0;
    const lineCount = lines[o] as number;
    for (let l = 0; l < lineCount; l++, row++) {
      if (orderKeyOut) orderKeyOut[row] = key;
      if (lineNumberOut) lineNumberOut[row] = l + 1;
      let quantity = 0;
      if (quantities) {
        quantity = quantities.int(1, 50);
        if (quantityOut) quantityOut[row] = quantity * 100;
      }
      if (discountOut && discounts) discountOut[row] = discounts.int(0, 10);
      if (taxOut && taxes) taxOut[row] = taxes.int(0, 8);
      if (partKeys) {
        const partKey = partKeys.int(1, parts);
        if (partKeyOut) partKeyOut[row] = partKey;
        if (supplierKeyOut && supplierNumbers) {
          supplierKeyOut[row] = partSupplierKey(partKey, supplierNumbers.int(0, 3), suppliers);
        }
        if (priceOut) priceOut[row] = retailPriceCents(partKey) * quantity;
      }
      if (shipDates) {
        const shipDate = orderDate + shipDates.int(SHIP_DAYS.min, SHIP_DAYS.max);
        if (shipOut) shipOut[row] = shipDate;
        if (statusOut) statusOut[row] = shipDate <= CURRENT_DAY ? 'F' : 'O';
        if (receiptDates) {
          const receiptDate = shipDate + receiptDates.int(RECEIPT_DAYS.min, RECEIPT_DAYS.max);
          if (receiptOut) receiptOut[row] = receiptDate;
          if (flagOut && flags) {
            flagOut[row] = receiptDate <= CURRENT_DAY ? DISTS.returnFlags.pick(flags) : 'N';
          }
        }
      }
      if (commitOut && commitDates)
        commitOut[row] = orderDate + commitDates.int(COMMIT_DAYS.min, COMMIT_DAYS.max);
      if (instructionOut && instructions) instructionOut[row] = DISTS.shipInstructions.pick(instructions);
      if (modeOut && modes) modeOut[row] = DISTS.shipModes.pick(modes);
      if (commentOut && comments) commentOut[row] = comments.next();
    }
    dates?.endRow();
    quantities?.endRow();
    discounts?.endRow();
    taxes?.endRow();
    partKeys?.endRow();
    supplierNumbers?.endRow();
    shipDates?.endRow();
    commitDates?.endRow();
    receiptDates?.endRow();
    flags?.endRow();
    instructions?.endRow();
    modes?.endRow();
    comments?.endRow();
  }
  return { rowCount: rows, outputs: out };
}
