import { resolveArrayConcat } from './arrays.js';
import { QuarryError } from '@quarry/common';
import {
  BIGINT,
  DOUBLE,
  INTEGER,
  MAX_DECIMAL_PRECISION,
  VARCHAR,
  decimalType,
  isIntegral,
  isNumeric,
  type DataType,
} from '../types/index.js';
import {
  civilFromDays,
  daysFromCivil,
  divideRoundHalfUp,
  normalizeLong,
  pow10Big,
  rescaleLong,
  toBig,
  type Long,
} from '../types/values.js';
import { concat2, concatChecked } from './limits.js';
import { defineFamily, defineGenerator, type FunctionFamily } from './registry.js';

/** Named scalar functions: strings, math, dates. Each family resolves types; each id has a generator. */

export const isStr = (t: DataType) => t.kind === 'varchar' || t.kind === 'char' || t.kind === 'unknown';
export const isInt = (t: DataType) => isIntegral(t) || t.kind === 'unknown';

/** A family with one signature: arguments passing `params`, taken as they are, and a computed return type. */
export function simple(
  signature: string,
  params: ((t: DataType) => boolean)[],
  id: string,
  returnType: (ts: readonly DataType[]) => DataType,
): FunctionFamily {
  return simpleFamily({ signature, params, id, returnType });
}

/** Like `simple`, with every argument cast to double. */
export function overDoubles(
  signature: string,
  params: ((t: DataType) => boolean)[],
  id: string,
  returnType: (ts: readonly DataType[]) => DataType,
): FunctionFamily {
  return simpleFamily({ signature, params, id, returnType, argTypes: (ts) => ts.map(() => DOUBLE) });
}

function simpleFamily(f: {
  readonly signature: string;
  readonly params: readonly ((t: DataType) => boolean)[];
  readonly id: string;
  readonly returnType: (ts: readonly DataType[]) => DataType;
  readonly argTypes?: (ts: readonly DataType[]) => DataType[];
}): FunctionFamily {
  const { params, id, returnType, argTypes } = f;
  return {
    signatures: [f.signature],
    resolve: (ts) => {
      if (ts.length !== params.length || !params.every((p, i) => p(ts[i]!))) return undefined;
      return { id, argTypes: argTypes ? argTypes(ts) : ts, returnType: returnType(ts) };
    },
  };
}

// --- strings -------------------------------------------------------------------------------------

/** Strings count characters by code point, as Trino does; strings without surrogates take the fast path. */
const SURROGATE = /[\uD800-\uDFFF]/;
function codePointLength(s: string): number {
  if (!SURROGATE.test(s)) return s.length;
  let n = 0;
  for (const _ of s) n++;
  return n;
}

defineFamily(
  'length',
  simple('length(varchar) → bigint', [isStr], 'length', () => BIGINT),
);
defineGenerator('length', ([s], _t, _r, ctx) => `${ctx.ref(codePointLength)}(${s})`);

defineFamily(
  'upper',
  simple('upper(varchar) → varchar', [isStr], 'upper', () => VARCHAR),
);
defineGenerator('upper', ([s], _t, _r, ctx) => `${ctx.ref(upperCase)}(${s})`);
defineFamily(
  'lower',
  simple('lower(varchar) → varchar', [isStr], 'lower', () => VARCHAR),
);
defineGenerator('lower', ([s], _t, _r, ctx) => `${ctx.ref(lowerCase)}(${s})`);

/**
 * Case mapping code point by code point, as Trino (Java's Character.toUpperCase/toLowerCase):
 * no context rules (final sigma) and no one-to-many mappings (ß stays ß, ﬁ stays ﬁ, İ lowers to i).
 */
const ASCII = /^[\x00-\x7f]*$/;
function mapCase(s: string, upper: boolean): string {
  if (ASCII.test(s)) return upper ? s.toUpperCase() : s.toLowerCase();
  let out = '';
  for (const c of s) {
    const m = upper ? c.toUpperCase() : c.toLowerCase();
    if (m.length === c.length || [...m].length === 1) out += m;
    else out += c === '\u0130' ? 'i' : c;
  }
  return out;
}
function upperCase(s: string): string {
  return mapCase(s, true);
}
function lowerCase(s: string): string {
  return mapCase(s, false);
}
defineFamily('trim', {
  signatures: ['trim(varchar)', 'trim(varchar, varchar)'],
  resolve: (ts) => {
    if (ts.length === 1 && isStr(ts[0]!)) return { id: 'trim', argTypes: ts, returnType: VARCHAR };
    if (ts.length === 2 && ts.every(isStr)) return { id: 'trim:chars', argTypes: ts, returnType: VARCHAR };
    return undefined;
  },
});
defineGenerator('trim', ([s]) => `${s}.replace(/^ +| +$/g, '')`);
defineFamily('ltrim', {
  signatures: ['ltrim(varchar)', 'ltrim(varchar, varchar)'],
  resolve: (ts) => {
    if (ts.length === 1 && isStr(ts[0]!)) return { id: 'ltrim', argTypes: ts, returnType: VARCHAR };
    if (ts.length === 2 && ts.every(isStr)) return { id: 'ltrim:chars', argTypes: ts, returnType: VARCHAR };
    return undefined;
  },
});
defineGenerator('ltrim', ([s]) => `${s}.replace(/^ +/, '')`);
defineFamily('rtrim', {
  signatures: ['rtrim(varchar)', 'rtrim(varchar, varchar)'],
  resolve: (ts) => {
    if (ts.length === 1 && isStr(ts[0]!)) return { id: 'rtrim', argTypes: ts, returnType: VARCHAR };
    if (ts.length === 2 && ts.every(isStr)) return { id: 'rtrim:chars', argTypes: ts, returnType: VARCHAR };
    return undefined;
  },
});
defineGenerator('rtrim', ([s]) => `${s}.replace(/ +$/, '')`);
defineFamily(
  'reverse',
  simple('reverse(varchar) → varchar', [isStr], 'reverse', () => VARCHAR),
);
defineGenerator('reverse', ([s]) => `[...${s}].reverse().join('')`);

/** SQL substr: 1-based start (negative counts from the end), optional length; code points. */
function substr(s: string, start: Long, length?: Long): string {
  const points = SURROGATE.test(s) ? [...s] : undefined;
  const slice = (a: number, b?: number) => (points ? points.slice(a, b).join('') : s.slice(a, b));
  const chars = points ? points.length : s.length;
  let from = Number(start);
  if (from === 0) return '';
  if (from < 0) from = chars + from + 1;
  if (from < 1 || from > chars) return '';
  if (length === undefined) return slice(from - 1);
  const len = Number(length);
  if (len <= 0) return '';
  return slice(from - 1, from - 1 + len);
}
const substrFamily: FunctionFamily = {
  signatures: ['substr(varchar, bigint)', 'substr(varchar, bigint, bigint)'],
  resolve: (ts) => {
    if ((ts.length !== 2 && ts.length !== 3) || !isStr(ts[0]!) || !ts.slice(1).every(isInt)) return undefined;
    return { id: 'substr', argTypes: [ts[0]!, ...ts.slice(1).map(() => BIGINT)], returnType: VARCHAR };
  },
};
defineFamily('substr', substrFamily);
defineFamily('substring', substrFamily);
defineGenerator('substr', (args, _t, _r, ctx) => `${ctx.ref(substr)}(${args.join(', ')})`, { arity: [2, 3] });

defineFamily('concat', {
  signatures: ['concat(varchar, ...)', 'concat(array(T), ...)'],
  resolve: (ts) =>
    ts.length >= 1 && ts.every(isStr)
      ? { id: 'concat_n', argTypes: ts, returnType: VARCHAR }
      : ts.length >= 2
        ? resolveArrayConcat(ts)
        : undefined,
});
defineGenerator(
  'concat_n',
  (args, _t, _r, ctx) =>
    args.length === 1
      ? args[0]!
      : `${ctx.ref(args.length === 2 ? concat2 : concatChecked)}(${args.join(', ')})`,
  { arity: [1, Infinity] },
);

function strpos(s: string, sub: string): number {
  const i = s.indexOf(sub);
  return i < 0 ? 0 : codePointLength(s.slice(0, i)) + 1;
}
defineFamily('strpos', {
  signatures: ['strpos(varchar, varchar) → bigint', 'strpos(varchar, varchar, bigint) → bigint'],
  resolve: ([s, sub, instance, ...rest]) => {
    if (!s || !sub || rest.length || !isStr(s) || !isStr(sub)) return undefined;
    if (!instance) return { id: 'strpos', argTypes: [s, sub], returnType: BIGINT };
    return isInt(instance)
      ? { id: 'strpos:instance', argTypes: [s, sub, BIGINT], returnType: BIGINT }
      : undefined;
  },
});
defineFamily(
  'position',
  simple('position(varchar IN varchar) → bigint', [isStr, isStr], 'position', () => BIGINT),
);
defineGenerator('strpos', ([s, sub], _t, _r, ctx) => `${ctx.ref(strpos)}(${s}, ${sub})`);
defineGenerator('position', ([sub, s], _t, _r, ctx) => `${ctx.ref(strpos)}(${s}, ${sub})`);

defineFamily(
  'starts_with',
  simple('starts_with(varchar, varchar) → boolean', [isStr, isStr], 'starts_with', () => ({
    kind: 'boolean',
  })),
);
defineGenerator('starts_with', ([s, p]) => `${s}.startsWith(${p})`);

// --- math ----------------------------------------------------------------------------------------

function roundDouble(x: number, digits: number): number {
  if (!Number.isFinite(x)) return x;
  const f = 10 ** digits;
  const y = Math.abs(x) * f;
  const r = Math.round(y) / f;
  return x < 0 ? -r : r;
}
/** Rounds to `digits` fraction digits (negative: to tens, hundreds, …), keeping the scale. */
function roundDecimal(v: Long, scale: number, digits: number): Long {
  if (digits >= scale) return v;
  // beyond 10^76 every decimal(38) value rounds to zero
  const unit = pow10Big(Math.min(scale - digits, 76));
  return normalizeLong(divideRoundHalfUp(toBig(v), unit) * unit);
}
defineFamily('round', {
  signatures: ['round(<numeric>)', 'round(<numeric>, integer)'],
  resolve: (ts) => {
    const [t, d] = ts;
    if (!t || ts.length > 2 || !isNumeric(t) || (d && !isInt(d))) return undefined;
    const digitsType = d ? [INTEGER] : [];
    if (t.kind === 'decimal') {
      if (!d)
        return {
          id: 'round:decimal0',
          argTypes: [t],
          returnType: decimalType(
            Math.min(MAX_DECIMAL_PRECISION, t.precision - t.scale + Math.min(t.scale, 1)),
            0,
          ),
        };
      return {
        id: 'round:decimal',
        argTypes: [t, ...digitsType],
        returnType: decimalType(Math.min(MAX_DECIMAL_PRECISION, t.precision + 1), t.scale),
      };
    }
    if (isIntegral(t)) return { id: 'round:identity', argTypes: [t, ...digitsType], returnType: t };
    return { id: 'round:double', argTypes: [t, ...digitsType], returnType: t };
  },
});
defineGenerator('round:identity', ([a]) => a!);
defineGenerator('round:double', ([a, d], _t, _r, ctx) => `${ctx.ref(roundDouble)}(${a}, ${d ?? 0})`);
defineGenerator('round:decimal', ([a, d], types, _r, ctx) => {
  const scale = (types[0] as { scale: number }).scale;
  return `${ctx.ref(roundDecimal)}(${a}, ${ctx.ref(scale)}, ${d ?? 0})`;
});
defineGenerator('round:decimal0', ([a], types, _r, ctx) => {
  const scale = (types[0] as { scale: number }).scale;
  return `${ctx.ref(rescaleLong)}(${a}, ${ctx.ref(scale)}, 0)`;
});

for (const [name, fn] of [
  ['floor', 'floor'],
  ['ceil', 'ceil'],
  ['ceiling', 'ceil'],
] as const) {
  defineFamily(name, {
    signatures: [`${name}(double)`],
    resolve: ([t, ...rest]) => {
      if (!t || rest.length || !isNumeric(t)) return undefined;
      if (isIntegral(t)) return { id: 'round:identity', argTypes: [t], returnType: t };
      if (t.kind === 'decimal') {
        return {
          id: `${fn}:decimal`,
          argTypes: [t],
          returnType: decimalType(
            Math.min(MAX_DECIMAL_PRECISION, t.precision - t.scale + Math.min(t.scale, 1)),
            0,
          ),
        };
      }
      return { id: `${fn}:double`, argTypes: [t], returnType: t };
    },
  });
}
defineGenerator('floor:double', ([a]) => `Math.floor(${a})`);
defineGenerator('ceil:double', ([a]) => `Math.ceil(${a})`);
function floorDecimal(v: Long, scale: number, ceil: boolean): Long {
  const d = 10n ** BigInt(scale);
  const b = toBig(v);
  let q = b / d;
  const r = b % d;
  if (r !== 0n && (ceil ? b > 0n : b < 0n)) q += ceil ? 1n : -1n;
  return normalizeLong(q);
}
defineGenerator(
  'floor:decimal',
  ([a], types, _r, ctx) =>
    `${ctx.ref(floorDecimal)}(${a}, ${ctx.ref((types[0] as { scale: number }).scale)}, false)`,
);
defineGenerator(
  'ceil:decimal',
  ([a], types, _r, ctx) =>
    `${ctx.ref(floorDecimal)}(${a}, ${ctx.ref((types[0] as { scale: number }).scale)}, true)`,
);

// --- dates ---------------------------------------------------------------------------------------

const DATE_PARTS = [
  'year',
  'quarter',
  'month',
  'day',
  'day_of_month',
  'day_of_week',
  'dow',
  'day_of_year',
  'doy',
  'week',
  'hour',
  'minute',
  'second',
] as const;
type DatePart = (typeof DATE_PARTS)[number];

function datePart(days: number, part: DatePart): number {
  const { year, month, day } = civilFromDays(days);
  switch (part) {
    case 'year':
      return year;
    case 'quarter':
      return Math.floor((month - 1) / 3) + 1;
    case 'month':
      return month;
    case 'day':
    case 'day_of_month':
      return day;
    case 'day_of_week':
    case 'dow':
      return ((((days + 3) % 7) + 7) % 7) + 1; // 1970-01-01 was a Thursday; Monday = 1
    case 'day_of_year':
    case 'doy':
      return days - daysFromCivil(year, 1, 1) + 1;
    case 'week':
      return isoWeek(days);
    default:
      throw new QuarryError('INVALID_FUNCTION_ARGUMENT', `Cannot extract ${part.toUpperCase()} from a date`);
  }
}

function isoWeek(days: number): number {
  const dow = ((((days + 3) % 7) + 7) % 7) + 1;
  const thursday = days - dow + 4;
  const { year } = civilFromDays(thursday);
  const jan1 = daysFromCivil(year, 1, 1);
  return Math.floor((thursday - jan1) / 7) + 1;
}

function timestampPart(micros: number, part: DatePart): number {
  const perDay = 86_400_000_000;
  const days = Math.floor(micros / perDay);
  const rest = micros - days * perDay;
  if (part === 'hour') return Math.floor(rest / 3_600_000_000);
  if (part === 'minute') return Math.floor(rest / 60_000_000) % 60;
  if (part === 'second') return Math.floor(rest / 1_000_000) % 60;
  return datePart(days, part);
}

for (const part of DATE_PARTS) {
  defineFamily(part, {
    signatures: [`${part}(date)`, `${part}(timestamp)`],
    resolve: ([t, ...rest]) => {
      if (!t || rest.length) return undefined;
      if (t.kind === 'date' && part !== 'hour' && part !== 'minute' && part !== 'second') {
        return { id: `part:date:${part}`, argTypes: [t], returnType: BIGINT };
      }
      if (t.kind === 'timestamp') return { id: `part:timestamp:${part}`, argTypes: [t], returnType: BIGINT };
      return undefined;
    },
  });
  defineGenerator(`part:date:${part}`, ([d], _t, _r, ctx) => `${ctx.ref(datePart)}(${d}, '${part}')`);
  defineGenerator(
    `part:timestamp:${part}`,
    ([d], _t, _r, ctx) => `${ctx.ref(timestampPart)}(${d}, '${part}')`,
  );
}

export const EXTRACT_FIELDS: ReadonlySet<string> = new Set(DATE_PARTS);

// --- internal ------------------------------------------------------------------------------------

/** Raised by a decorrelated scalar subquery that found more than one row for an outer row. */
export const SUBQUERY_MULTIPLE_ROWS = 'Scalar sub-query has returned multiple rows';
function failSubqueryRows(): never {
  throw new QuarryError('INVALID_ARGUMENTS', SUBQUERY_MULTIPLE_ROWS);
}
defineGenerator('fail_subquery_rows', (_a, _t, _r, ctx) => `${ctx.ref(failSubqueryRows)}()`);

/** Raised by the last, checking level of an unrolled WITH RECURSIVE query that still found rows. */
export function recursionDepthExceeded(depth: number): QuarryError {
  return new QuarryError(
    'NOT_SUPPORTED',
    `Recursion depth limit exceeded (${depth}). Use 'max_recursion_depth' session property to modify the limit.`,
  );
}
function failRecursionDepth(depth: number): never {
  throw recursionDepthExceeded(depth);
}
defineGenerator('fail_recursion_depth', ([depth], _t, _r, ctx) => `${ctx.ref(failRecursionDepth)}(${depth})`);
