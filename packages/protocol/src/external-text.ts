/**
 * The external text of dates and decimals, as the row format gives them (the engine's
 * `formatDate` and `formatDecimal`), for columnar pages that carry them as numbers: a date as
 * days since 1970-01-01, a decimal as its unscaled integer within ±2^53.
 */

const MS_PER_DAY = 86_400_000;

/** `YYYY-MM-DD` of a day (proleptic Gregorian; years before 1 as `-YYYY`). */
export function dateText(days: number): string {
  const d = new Date(days * MS_PER_DAY);
  const year = d.getUTCFullYear();
  const y = year < 0 ? `-${String(-year).padStart(4, '0')}` : String(year).padStart(4, '0');
  return `${y}-${String(d.getUTCMonth() + 1).padStart(2, '0')}-${String(d.getUTCDate()).padStart(2, '0')}`;
}

const ZEROS = Array.from({ length: 16 }, (_, i) => '0'.repeat(i));

/** Exact text of `unscaled × 10^-scale`, for an integer `unscaled` within ±2^53 and scale ≤ 15. */
export function decimalText(unscaled: number, scale: number, unit = 10 ** scale): string {
  const a = unscaled < 0 ? -unscaled : unscaled;
  const frac = a % unit; // exact: both are integers within 2^53
  const whole = (a - frac) / unit;
  const head = unscaled < 0 ? '-' + whole : '' + whole;
  if (scale === 0) return head;
  const digits = '' + frac;
  return head + '.' + ZEROS[scale - digits.length]! + digits;
}
