/**
 * Streams shared by ORDERS and LINEITEM. dbgen builds an order together with its lines, and an order's
 * total price and status are computed from its lines, so both tables draw the line columns from the
 * same streams. Line streams budget 7 draws per order (the most lines an order has), whatever the
 * order's actual line count.
 */
import { MODULUS, RandomStream, nextSeed, multiplierPower, mulMod, type KeyStream } from '../random.js';
import { RandomStream64 } from '../random64.js';
import type { ScaleCounts } from '../scale.js';

export const MAX_LINES = 7;

export const ORDER_SEED = {
  date: 1066728069,
  lineCount: 1434868289,
  customer: 851767375,
  priority: 591449447,
  clerk: 1171034773,
  comment: 276090261,
} as const;

export const LINE_SEED = {
  quantity: 209208115,
  discount: 554590007,
  tax: 721958466,
  partKey: 1808217256,
  supplierNumber: 2095021727,
  shipDate: 1769349045,
  commitDate: 904914315,
  receiptDate: 373135028,
  returnFlag: 717419739,
  instruction: 1371272478,
  mode: 675466456,
  comment: 1095462486,
} as const;

/** A line column's stream positioned at an order. */
export function lineStream(seed: number, firstOrder: number): RandomStream {
  return new RandomStream(seed, MAX_LINES, firstOrder);
}

/** The line part-key stream: 31-bit, or dbgen's 64-bit stream at very large scales. */
export function partKeyStream(counts: ScaleCounts, firstOrder: number): KeyStream {
  return counts.wideKeys
    ? new RandomStream64(LINE_SEED.partKey, MAX_LINES, firstOrder)
    : lineStream(LINE_SEED.partKey, firstOrder);
}

/** The order customer-key stream: 31-bit, or dbgen's 64-bit stream at very large scales. */
export function customerKeyStream(counts: ScaleCounts, firstOrder: number): KeyStream {
  return counts.wideKeys
    ? new RandomStream64(ORDER_SEED.customer, 1, firstOrder)
    : new RandomStream(ORDER_SEED.customer, 1, firstOrder);
}

/**
 * Line counts (1..7) of orders [start, start + count). The count stream takes one draw per order, so
 * consecutive orders are consecutive draws.
 */
export function lineCounts(start: number, count: number): Uint8Array {
  const out = new Uint8Array(count);
  let seed = mulMod(ORDER_SEED.lineCount, multiplierPower(start));
  for (let i = 0; i < count; i++) {
    seed = nextSeed(seed);
    out[i] = 1 + Math.floor((seed / MODULUS) * MAX_LINES);
  }
  return out;
}

/** Total lines of orders [0, orders): one cheap pass over the line-count stream. */
export function totalLines(orders: number): number {
  let seed: number = ORDER_SEED.lineCount;
  let total = 0;
  for (let i = 0; i < orders; i++) {
    seed = nextSeed(seed);
    total += 1 + Math.floor((seed / MODULUS) * MAX_LINES);
  }
  return total;
}
