import { QuarryError } from '@quarry/common';
import { INTEGER_RANGES } from '../types/types.js';
import {
  divideRoundHalfUp,
  formatDecimal,
  normalizeLong,
  pow10Big,
  toBig,
  type Long,
} from '../types/values.js';

/**
 * Functions that compiled expressions call. Each has a fast path for plain numbers and stays exact
 * beyond 2^53 by switching to bigint. Errors are USER_ERRORs, as Trino raises them.
 */

const MS = Number.MAX_SAFE_INTEGER;
const INT64_MAX = INTEGER_RANGES.bigint[1];
const INT64_MIN = INTEGER_RANGES.bigint[0];
const DECIMAL_LIMIT = 10n ** 38n;

export function divisionByZero(): never {
  throw new QuarryError('DIVISION_BY_ZERO', 'Division by zero');
}

export function overflow(what: string): never {
  throw new QuarryError('NUMERIC_VALUE_OUT_OF_RANGE', `${what} overflow`);
}

/** Range check for tinyint/smallint/integer results. */
export function checkInt32(v: number, min: number, max: number, typeName: string): number {
  if (v > max || v < min) overflow(`${typeName} arithmetic`);
  return v;
}

function checkInt64(v: bigint): Long {
  if (v > INT64_MAX || v < INT64_MIN) overflow('bigint arithmetic');
  return normalizeLong(v);
}

export function bigintAdd(a: Long, b: Long): Long {
  if (typeof a === 'number' && typeof b === 'number') {
    const r = a + b;
    if (r <= MS && r >= -MS) return r;
  }
  return checkInt64(toBig(a) + toBig(b));
}

export function bigintSubtract(a: Long, b: Long): Long {
  if (typeof a === 'number' && typeof b === 'number') {
    const r = a - b;
    if (r <= MS && r >= -MS) return r;
  }
  return checkInt64(toBig(a) - toBig(b));
}

export function bigintMultiply(a: Long, b: Long): Long {
  if (typeof a === 'number' && typeof b === 'number') {
    const r = a * b;
    if (r <= MS && r >= -MS) return r;
  }
  return checkInt64(toBig(a) * toBig(b));
}

/** Integer division truncating toward zero, exact for all int64 values. */
export function bigintDivide(a: Long, b: Long): Long {
  if (b == 0) divisionByZero();
  if (typeof a === 'number' && typeof b === 'number') {
    const r = a % b;
    return (a - r) / b + 0;
  }
  return checkInt64(toBig(a) / toBig(b));
}

export function bigintModulus(a: Long, b: Long): Long {
  if (b == 0) divisionByZero();
  if (typeof a === 'number' && typeof b === 'number') return (a % b) + 0;
  return normalizeLong(toBig(a) % toBig(b));
}

export function int32Divide(a: number, b: number): number {
  if (b === 0) divisionByZero();
  const r = a % b;
  return (a - r) / b + 0;
}

export function int32Modulus(a: number, b: number): number {
  if (b === 0) divisionByZero();
  return (a % b) + 0;
}

function checkDecimal(v: bigint): Long {
  if (v >= DECIMAL_LIMIT || v <= -DECIMAL_LIMIT) overflow('Decimal');
  return normalizeLong(v);
}

/** a·fa + b·fb for unscaled decimals, with fa and fb the powers of ten that align the scales. */
export function decimalAdd(a: Long, fa: number, b: Long, fb: number): Long {
  if (typeof a === 'number' && typeof b === 'number') {
    const x = a * fa;
    const y = b * fb;
    const r = x + y;
    if (x <= MS && x >= -MS && y <= MS && y >= -MS && r <= MS && r >= -MS) return r;
  }
  return checkDecimal(toBig(a) * BigInt(fa) + toBig(b) * BigInt(fb));
}

export function decimalMultiply(a: Long, b: Long): Long {
  if (typeof a === 'number' && typeof b === 'number') {
    const r = a * b;
    if (r <= MS && r >= -MS) return r;
  }
  return checkDecimal(toBig(a) * toBig(b));
}

/** round(a · 10^shift / b), half away from zero. */
export function decimalDivide(a: Long, b: Long, shift: number): Long {
  if (b == 0) divisionByZero();
  if (typeof a === 'number' && typeof b === 'number' && shift <= 15) {
    const n = a * 10 ** shift;
    if (n <= MS && n >= -MS) {
      const r = n % b;
      let q = (n - r) / b;
      if (Math.abs(r) * 2 >= Math.abs(b)) q += n < 0 !== b < 0 ? -1 : 1;
      return q + 0;
    }
  }
  return checkDecimal(divideRoundHalfUpSigned(toBig(a) * pow10Big(shift), toBig(b)));
}

function divideRoundHalfUpSigned(n: bigint, d: bigint): bigint {
  return d < 0n ? divideRoundHalfUp(-n, -d) : divideRoundHalfUp(n, d);
}

export function decimalModulus(a: Long, fa: number, b: Long, fb: number): Long {
  if (b == 0) divisionByZero();
  const x = toBig(a) * BigInt(fa);
  const y = toBig(b) * BigInt(fb);
  return normalizeLong(x % y);
}

export function negateLong(a: Long): Long {
  return typeof a === 'number' ? -a + 0 : normalizeLong(-a);
}

/** -a and |a| for bigint: only -2^63 overflows. */
export function bigintNegate(a: Long): Long {
  return typeof a === 'number' ? -a + 0 : checkInt64(-a);
}

export function bigintAbs(a: Long): Long {
  return typeof a === 'number' ? Math.abs(a) : checkInt64(a < 0n ? -a : a);
}

/** Converts an unscaled decimal to the nearest double. */
export function decimalToDouble(v: Long, scale: number): number {
  // one correctly rounded division of two exact doubles
  if (typeof v === 'number' && scale <= 22) return v / 10 ** scale;
  // Number(v) / 10^scale would round twice; parsing the decimal text rounds once
  return Number(formatDecimal(v, scale));
}

/** A compiled LIKE pattern. */
export interface LikeMatcher {
  test(value: string): boolean;
}

/**
 * Compiles a LIKE pattern; `%` any run, `_` one character, `escape` quotes the next. Patterns made
 * only of literal text and `%` (the usual `'%BRASS'`, `'forest%'`, `'%special%requests%'`) match by
 * `startsWith`/`indexOf`/`endsWith`, without a regular expression's backtracking.
 */
export function likePattern(pattern: string, escape: string | null): LikeMatcher {
  const re = likeRegExp(pattern, escape);
  if (escape !== null || pattern.includes('_')) return re;
  return literalSegments(pattern.split('%'));
}

function literalSegments(parts: readonly string[]): LikeMatcher {
  if (parts.length === 1) {
    const exact = parts[0]!;
    return { test: (v) => v === exact };
  }
  const first = parts[0]!;
  const last = parts[parts.length - 1]!;
  const middle = parts.slice(1, -1).filter((p) => p !== '');
  return {
    test(v: string): boolean {
      if (v.length < first.length + last.length) return false;
      if (!v.startsWith(first) || !v.endsWith(last)) return false;
      let at = first.length;
      const end = v.length - last.length;
      for (const m of middle) {
        const i = v.indexOf(m, at);
        if (i < 0 || i + m.length > end) return false;
        at = i + m.length;
      }
      return true;
    },
  };
}

function likeRegExp(pattern: string, escape: string | null): RegExp {
  if (escape !== null && escape.length !== 1) {
    throw new QuarryError('INVALID_FUNCTION_ARGUMENT', 'Escape string must be a single character');
  }
  let re = '^';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (escape !== null && c === escape) {
      const next = pattern[++i];
      if (next === undefined || (next !== '%' && next !== '_' && next !== escape)) {
        throw new QuarryError(
          'INVALID_FUNCTION_ARGUMENT',
          "Escape character must be followed by '%', '_' or the escape character itself",
        );
      }
      re += next.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    } else if (c === '%') re += '[\\s\\S]*';
    else if (c === '_') re += '[\\s\\S]';
    else re += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`${re}$`, 'u');
}

const likeCache = new Map<string, LikeMatcher>();

export function like(value: string, pattern: string, escape: string | null): boolean {
  const key = `${escape ?? ''}\u0000${pattern}`;
  let re = likeCache.get(key);
  if (!re) {
    if (likeCache.size > 1000) likeCache.clear();
    re = likePattern(pattern, escape);
    likeCache.set(key, re);
  }
  return re.test(value);
}
