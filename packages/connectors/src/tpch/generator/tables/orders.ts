/**
 * ORDERS: one row per order index 1..orders (keys are sparse, see `orderKey`). The total price and the
 * status replay the order's lines from the line streams: price = Σ ⌊⌊extended · (100 − discount) / 100⌋
 * · (100 + tax) / 100⌋ in cents, status F / O when all / none of the lines shipped by 1995-06-17, else P.
 */
import { CURRENT_DAY, ORDER_DATE_SPAN, SHIP_DAYS, START_DAY } from '../dates.js';
import { DISTS } from '../distribution.js';
import { orderKey, retailPriceCents } from '../keys.js';
import { ChunkOutputs, type ChunkRequest, type ChunkResult } from '../outputs.js';
import { RandomStream } from '../random.js';
import { TPCH_TABLES } from '../schema.js';
import { taggedNumber } from '../strings.js';
import { TextStream } from '../text-pool.js';
import {
  customerKeyStream,
  LINE_SEED,
  lineCounts,
  lineStream,
  ORDER_SEED,
  partKeyStream,
} from './order-streams.js';

/** One customer key in three never orders: keys divisible by 3 are moved to a neighbour. */
const CUSTOMER_MORTALITY = 3;

/** Clerk names are few (1000 per unit of scale) and repeat constantly: cached up to this many. */
const CLERK_CACHE_LIMIT = 1_000_000;
let clerkNames: string[] = [];

function clerkName(clerk: number, clerks: number): string {
  if (clerks > CLERK_CACHE_LIMIT) return taggedNumber('Clerk#', clerk);
  if (clerkNames.length <= clerks) clerkNames = new Array<string>(clerks + 1);
  return (clerkNames[clerk] ??= taggedNumber('Clerk#', clerk));
}

export function generateOrders({ counts, start, count, wanted }: ChunkRequest): ChunkResult {
  const out = new ChunkOutputs(TPCH_TABLES.orders.columns, wanted, count);
  const keyOut = out.f64('o_orderkey');
  const customerOut = out.f64('o_custkey');
  const statusOut = out.str('o_orderstatus');
  const priceOut = out.f64('o_totalprice');
  const dateOut = out.i32('o_orderdate');
  const priorityOut = out.str('o_orderpriority');
  const clerkOut = out.str('o_clerk');
  const shipPriorityOut = out.i32('o_shippriority');
  const commentOut = out.str('o_comment');

  const lines = statusOut || priceOut ? lineCounts(start, count) : null;
  const dates = dateOut || statusOut ? new RandomStream(ORDER_SEED.date, 1, start) : null;
  const customers = customerOut ? customerKeyStream(counts, start) : null;
  const priorities = priorityOut ? new RandomStream(ORDER_SEED.priority, 1, start) : null;
  const clerks = clerkOut ? new RandomStream(ORDER_SEED.clerk, 1, start) : null;
  const comments = commentOut ? new TextStream(ORDER_SEED.comment, 49, 1, start) : null;
  const quantities = priceOut ? lineStream(LINE_SEED.quantity, start) : null;
  const discounts = priceOut ? lineStream(LINE_SEED.discount, start) : null;
  const taxes = priceOut ? lineStream(LINE_SEED.tax, start) : null;
  const partKeys = priceOut ? partKeyStream(counts, start) : null;
  const shipDates = statusOut ? lineStream(LINE_SEED.shipDate, start) : null;
  const maxCustomer = counts.customers;

  for (let row = 0; row < count; row++) {
    if (keyOut) keyOut[row] = orderKey(start + row + 1);
    const orderDate = dates ? START_DAY + dates.int(0, ORDER_DATE_SPAN) : 0;
    if (dateOut) dateOut[row] = orderDate;
    if (customerOut && customers) {
      let customer = customers.int(1, maxCustomer);
      let delta = 1;
      while (customer % CUSTOMER_MORTALITY === 0) {
        customer = Math.min(customer + delta, maxCustomer);
        delta = -delta;
      }
      customerOut[row] = customer;
    }
    if (lines) {
      const lineCount = lines[row] as number;
      let total = 0;
      let shipped = 0;
      for (let l = 0; l < lineCount; l++) {
        if (quantities && discounts && taxes && partKeys) {
          const quantity = quantities.int(1, 50);
          const discount = discounts.int(0, 10);
          const tax = taxes.int(0, 8);
          const extended = retailPriceCents(partKeys.int(1, counts.parts)) * quantity;
          total += Math.floor((Math.floor((extended * (100 - discount)) / 100) * (100 + tax)) / 100);
        }
        if (shipDates && orderDate + shipDates.int(SHIP_DAYS.min, SHIP_DAYS.max) <= CURRENT_DAY) shipped++;
      }
      if (priceOut) priceOut[row] = total;
      if (statusOut) statusOut[row] = shipped === lineCount ? 'F' : shipped > 0 ? 'P' : 'O';
    }
    if (priorityOut && priorities) priorityOut[row] = DISTS.orderPriorities.pick(priorities);
    if (clerkOut && clerks) clerkOut[row] = clerkName(clerks.int(1, counts.clerks), counts.clerks);
    if (shipPriorityOut) shipPriorityOut[row] = 0;
    if (commentOut && comments) commentOut[row] = comments.next();
    dates?.endRow();
    customers?.endRow();
    priorities?.endRow();
    clerks?.endRow();
    comments?.endRow();
    quantities?.endRow();
    discounts?.endRow();
    taxes?.endRow();
    partKeys?.endRow();
    shipDates?.endRow();
  }
  return { rowCount: count, outputs: out };
}
