/**
 * Table sizes at a scale factor, by dbgen's rules:
 *
 * - SF ≥ 1: the fraction is dropped (dbgen stores the scale in an integer), so SF 2.5 generates SF 2;
 *   each table has base × SF rows.
 * - SF < 1: each base is multiplied by ⌊1000 · SF⌋ and divided by 1000 (integer division), with a floor
 *   of one row; the integer scale used elsewhere (clerk numbers, key ranges) is then 1.
 *
 * Nation and region always have 25 and 5 rows.
 */

/** Rows per unit of scale, as in dbgen's table definitions. Orders: 10 per customer. */
const BASE = {
  part: 200_000,
  supplier: 10_000,
  customer: 150_000,
  orders: 1_500_000,
} as const;

/** Scale factor at and above which o_custkey and l_partkey come from dbgen's 64-bit stream. */
const SCALE_64_BIT = 30_000;

export interface ScaleCounts {
  /** The scale factor as given. */
  readonly scaleFactor: number;
  /** dbgen's integer scale: ⌊SF⌋, or 1 below SF 1. */
  readonly scale: number;
  readonly parts: number;
  readonly suppliers: number;
  readonly customers: number;
  readonly orders: number;
  /** Clerks numbered 1..clerks (dbgen: max(scale × 1000, 1000)). */
  readonly clerks: number;
  /** Whether key columns draw from the 64-bit stream. */
  readonly wideKeys: boolean;
}

const cache = new Map<number, ScaleCounts>();

export function scaleCounts(scaleFactor: number): ScaleCounts {
  const known = cache.get(scaleFactor);
  if (known !== undefined) return known;
  if (typeof scaleFactor !== 'number' || !Number.isFinite(scaleFactor) || scaleFactor <= 0) {
    throw new RangeError(`TPC-H scale factor must be a positive finite number, got ${String(scaleFactor)}`);
  }
  let counts: ScaleCounts;
  if (scaleFactor < 1) {
    // same double arithmetic as dbgen's `(int)(1000 * flt_scale)`
    const perMille = Math.trunc(1000 * scaleFactor);
    const scaled = (base: number): number => Math.max(1, Math.floor((perMille * base) / 1000));
    counts = {
      scaleFactor,
      scale: 1,
      parts: scaled(BASE.part),
      suppliers: scaled(BASE.supplier),
      customers: scaled(BASE.customer),
      orders: scaled(BASE.orders),
      clerks: 1000,
      wideKeys: false,
    };
  } else {
    const scale = Math.trunc(scaleFactor);
    counts = {
      scaleFactor,
      scale,
      parts: BASE.part * scale,
      suppliers: BASE.supplier * scale,
      customers: BASE.customer * scale,
      orders: BASE.orders * scale,
      clerks: Math.max(scale * 1000, 1000),
      wideKeys: scale >= SCALE_64_BIT,
    };
  }
  cache.set(scaleFactor, counts);
  return counts;
}
