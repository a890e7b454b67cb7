import { QuarryError } from '@quarry/common';
import { MAX_DECIMAL_PRECISION, type DataType, type MapValue } from './types.js';

/**
 * Values of the `long` layout (bigint, decimal's unscaled value): a JS number while the value is a
 * safe integer (|v| ≤ 2^53 − 1), a `bigint` beyond. Arithmetic on `long`s stays exact: fast paths
 * on numbers check that the result is still safe and redo the operation on bigints when not.
 */
export type Long = number | bigint;

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

export function isSafeLong(v: number): boolean {
  return v <= MAX_SAFE && v >= -MAX_SAFE;
}

/** Canonical form: a number when it fits exactly, else a bigint. */
export function normalizeLong(v: bigint): Long {
  return v <= BigInt(MAX_SAFE) && v >= -BigInt(MAX_SAFE) ? Number(v) : v;
}

export function toBig(v: Long): bigint {
  return typeof v === 'bigint' ? v : BigInt(v);
}

export function addLong(a: Long, b: Long): Long {
  if (typeof a === 'number' && typeof b === 'number') {
    const r = a + b;
    if (isSafeLong(r)) return r;
  }
  return normalizeLong(toBig(a) + toBig(b));
}

export function subtractLong(a: Long, b: Long): Long {
  if (typeof a === 'number' && typeof b === 'number') {
    const r = a - b;
    if (isSafeLong(r)) return r;
  }
  return normalizeLong(toBig(a) - toBig(b));
}

export function multiplyLong(a: Long, b: Long): Long {
  if (typeof a === 'number' && typeof b === 'number') {
    const r = a * b;
    if (isSafeLong(r)) return r;
  }
  return normalizeLong(toBig(a) * toBig(b));
}

export function compareLong(a: Long, b: Long): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const POW10_BIG: bigint[] = Array.from({ length: 77 }, (_, i) => 10n ** BigInt(i));

export function pow10Big(n: number): bigint {
  const p = POW10_BIG[n];
  if (p === undefined) throw new RangeError(`10^${n} is out of range`);
  return p;
}

/** Divides rounding half away from zero, as Trino rounds decimals. `d` must be positive. */
export function divideRoundHalfUp(n: bigint, d: bigint): bigint {
  const q = n / d;
  const r = n % d;
  if (r === 0n) return q;
  const twice = (r < 0n ? -r : r) * 2n;
  if (twice >= d) return n < 0n ? q - 1n : q + 1n;
  return q;
}

/** Changes the scale of an unscaled decimal value, rounding half up when scale shrinks. */
export function rescaleLong(v: Long, fromScale: number, toScale: number): Long {
  if (fromScale === toScale) return v;
  if (toScale > fromScale) return multiplyLong(v, normalizeLong(pow10Big(toScale - fromScale)));
  return normalizeLong(divideRoundHalfUp(toBig(v), pow10Big(fromScale - toScale)));
}

/** Whether an unscaled value fits in `precision` digits. */
export function fitsPrecision(v: Long, precision: number): boolean {
  const abs = v < 0 ? -v : v;
  if (typeof abs === 'number' && precision >= 16) return true;
  return toBig(abs) < pow10Big(precision);
}

const MAX_PARSED_DIGITS = 2 * MAX_DECIMAL_PRECISION;

/**
 * Decimal text → unscaled value at `scale`, rounding half up. Undefined when the text is not a number;
 * NUMERIC_VALUE_OUT_OF_RANGE when the value has more than 76 integer digits at that scale.
 */
export function parseDecimal(text: string, scale: number): Long | undefined {
  const m = /^\s*([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?\s*$/.exec(text);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return undefined;
  const sign = m[1] === '-' ? -1n : 1n;
  const digits = ((m[2] ?? '') + (m[3] ?? '')).replace(/^0+/, '');
  if (digits === '') return 0;
  const exp = -(m[3] ?? '').length + Number(m[4] ?? 0);
  // value = digits × 10^exp; we want round(value × 10^scale)
  const shift = exp + scale;
  let unscaled: bigint;
  if (shift >= 0) {
    // no decimal type holds this many digits; refusing early also bounds the work for '1e999999999'
    if (digits.length + shift > MAX_PARSED_DIGITS) {
      throw new QuarryError('NUMERIC_VALUE_OUT_OF_RANGE', `Decimal value out of range: ${text.trim()}`);
    }
    unscaled = BigInt(digits) * 10n ** BigInt(shift);
  } else if (-shift > digits.length + 1) unscaled = 0n;
  else unscaled = divideRoundHalfUp(BigInt(digits), 10n ** BigInt(-shift));
  return normalizeLong(sign * unscaled);
}

export function formatDecimal(unscaled: Long, scale: number): string {
  const neg = unscaled < 0;
  let digits = (neg ? -toBig(unscaled) : toBig(unscaled)).toString();
  if (scale === 0) return (neg ? '-' : '') + digits;
  if (digits.length <= scale) digits = '0'.repeat(scale - digits.length + 1) + digits;
  const cut = digits.length - scale;
  return `${neg ? '-' : ''}${digits.slice(0, cut)}.${digits.slice(cut)}`;
}

// --- dates -------------------------------------------------------------------------------------

const MS_PER_DAY = 86_400_000;

/** 'YYYY-MM-DD' → days since 1970-01-01, or undefined when not a valid date. */
export function parseDate(text: string): number | undefined {
  const m = /^\s*(-?\d{1,6})-(\d{1,2})-(\d{1,2})\s*$/.exec(text);
  if (!m) return undefined;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return undefined;
  return daysFromCivil(y, mo, d);
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
}

export function daysFromCivil(year: number, month: number, day: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(0, 0, 0, 0);
  return Math.round(d.getTime() / MS_PER_DAY);
}

export interface CivilDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

export function civilFromDays(days: number): CivilDate {
  const d = new Date(days * MS_PER_DAY);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

export function formatDate(days: number): string {
  const { year, month, day } = civilFromDays(days);
  const y = year < 0 ? `-${String(-year).padStart(4, '0')}` : String(year).padStart(4, '0');
  return `${y}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Adds months as Trino does: the day is clamped to the end of a shorter month. */
export function addMonthsToDays(days: number, months: number): number {
  const { year, month, day } = civilFromDays(days);
  const total = year * 12 + (month - 1) + months;
  const y = Math.floor(total / 12);
  const m = total - y * 12 + 1;
  return daysFromCivil(y, m, Math.min(day, daysInMonth(y, m)));
}

// --- timestamps (µs since epoch, no zone) ------------------------------------------------------

export function parseTimestamp(text: string): number | undefined {
  const m = /^\s*(-?\d{1,6}-\d{1,2}-\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?)?\s*$/.exec(
    text,
  );
  if (!m) return undefined;
  const days = parseDate(m[1] ?? '');
  if (days === undefined) return undefined;
  const h = Number(m[2] ?? 0);
  const mi = Number(m[3] ?? 0);
  const s = Number(m[4] ?? 0);
  if (h > 23 || mi > 59 || s > 59) return undefined;
  const frac = Number((m[5] ?? '').padEnd(6, '0'));
  return days * MS_PER_DAY * 1000 + ((h * 60 + mi) * 60 + s) * 1_000_000 + frac;
}

export function formatTimestamp(micros: number, precision = 3): string {
  const days = Math.floor(micros / (MS_PER_DAY * 1000));
  let rest = micros - days * MS_PER_DAY * 1000;
  const h = Math.floor(rest / 3_600_000_000);
  rest -= h * 3_600_000_000;
  const mi = Math.floor(rest / 60_000_000);
  rest -= mi * 60_000_000;
  const s = Math.floor(rest / 1_000_000);
  const frac = rest - s * 1_000_000;
  const p2 = (n: number) => String(n).padStart(2, '0');
  const base = `${formatDate(days)} ${p2(h)}:${p2(mi)}:${p2(s)}`;
  if (precision === 0) return base;
  return `${base}.${String(frac).padStart(6, '0').slice(0, precision)}`;
}

export function formatIntervalDayTime(ms: number): string {
  const neg = ms < 0;
  let rest = Math.abs(ms);
  const days = Math.floor(rest / MS_PER_DAY);
  rest -= days * MS_PER_DAY;
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const mi = Math.floor(rest / 60_000);
  rest -= mi * 60_000;
  const s = Math.floor(rest / 1000);
  const milli = rest - s * 1000;
  const p2 = (n: number) => String(n).padStart(2, '0');
  return `${neg ? '-' : ''}${days} ${p2(h)}:${p2(mi)}:${p2(s)}.${String(milli).padStart(3, '0')}`;
}

export function formatIntervalYearMonth(months: number): string {
  const neg = months < 0;
  const abs = Math.abs(months);
  return `${neg ? '-' : ''}${Math.floor(abs / 12)}-${abs % 12}`;
}

// --- external values ---------------------------------------------------------------------------

/**
 * What a client sees: JSON-compatible values. Integers and doubles are numbers (bigints beyond
 * 2^53 are strings), decimals are exact strings, dates/timestamps/intervals are strings as Trino
 * prints them. Non-finite doubles are the strings 'NaN', 'Infinity', '-Infinity'.
 */
export type ExternalValue =
  null | boolean | number | string | ExternalValue[] | { [key: string]: ExternalValue };

export function toExternal(type: DataType, v: unknown): ExternalValue {
  if (v === null || v === undefined) return null;
  switch (type.kind) {
    case 'boolean':
      return Boolean(v);
    case 'tinyint':
    case 'smallint':
    case 'integer':
      return v as number;
    case 'bigint': {
      // wide blocks hold every value as a bigint, small ones too
      const n = typeof v === 'bigint' ? normalizeLong(v) : (v as number);
      return typeof n === 'bigint' ? n.toString() : n;
    }
    case 'real':
    case 'double': {
      const n = v as number;
      return Number.isFinite(n) ? n : String(n);
    }
    case 'decimal':
      return formatDecimal(v as Long, type.scale);
    case 'varchar':
    case 'char':
      return v as string;
    case 'date':
      return formatDate(v as number);
    case 'timestamp':
      return formatTimestamp(v as number, type.precision);
    case 'interval_day_time':
      return formatIntervalDayTime(v as number);
    case 'interval_year_month':
      return formatIntervalYearMonth(v as number);
    case 'unknown':
      return null;
    case 'array':
      return (v as unknown[]).map((e) => toExternal(type.element, e));
    case 'row':
      return (v as unknown[]).map((e, i) => toExternal(type.fields[i]!.type, e));
    case 'map': {
      // as Trino's client protocol: a JSON object, keys as their text
      const m = v as MapValue;
      const out: { [key: string]: ExternalValue } = {};
      m.keys.forEach((k, i) => {
        const key = toExternal(type.key, k);
        out[typeof key === 'string' ? key : JSON.stringify(key)] = toExternal(type.value, m.values[i]);
      });
      return out;
    }
  }
}

/** Inverse of {@link toExternal}, for tests and VALUES built from client data. */
export function fromExternal(type: DataType, v: ExternalValue): unknown {
  if (v === null) return null;
  const bad = () => new QuarryError('INVALID_CAST_ARGUMENT', `Cannot read '${String(v)}' as ${type.kind}`);
  switch (type.kind) {
    case 'decimal': {
      const r = parseDecimal(String(v), type.scale);
      if (r === undefined) throw bad();
      return r;
    }
    case 'date': {
      const r = parseDate(String(v));
      if (r === undefined) throw bad();
      return r;
    }
    case 'timestamp': {
      const r = parseTimestamp(String(v));
      if (r === undefined) throw bad();
      return r;
    }
    case 'bigint':
      return typeof v === 'string' ? normalizeLong(BigInt(v)) : v;
    case 'array':
      if (!Array.isArray(v)) throw bad();
      return v.map((e) => fromExternal(type.element, e));
    case 'row':
      if (!Array.isArray(v) || v.length !== type.fields.length) throw bad();
      return v.map((e, i) => fromExternal(type.fields[i]!.type, e));
    case 'map': {
      if (typeof v !== 'object' || Array.isArray(v)) throw bad();
      const keys = Object.keys(v);
      return {
        keys: keys.map((k) =>
          fromExternal(type.key, type.key.kind === 'varchar' || type.key.kind === 'char' ? k : JSON.parse(k)),
        ),
        values: keys.map((k) => fromExternal(type.value, v[k] ?? null)),
      } satisfies MapValue;
    }
    default:
      return v;
  }
}

// --- varchar order -------------------------------------------------------------------------------

/**
 * Compares strings by code point (the order of their UTF-8 bytes), as Trino does. JavaScript's
 * `<` compares UTF-16 code units, which differs only where both strings have, at their first
 * difference, a unit ≥ 0xD800: a surrogate (part of a code point ≥ U+10000) must sort above
 * U+E000–U+FFFF.
 */
export function compareVarchar(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  if (i === n) return a.length - b.length;
  const x = a.charCodeAt(i);
  const y = b.charCodeAt(i);
  if (x >= 0xd800 && y >= 0xd800) return codePointRank(x) - codePointRank(y);
  return x - y;
}

function codePointRank(unit: number): number {
  return unit >= 0xe000 ? unit - 0x800 : unit + 0x2000;
}

/** Whether native string comparison may disagree with code point order for this string. */
export function hasHighUnits(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 0xd800) return true;
  return false;
}
