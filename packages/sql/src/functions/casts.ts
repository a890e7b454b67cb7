import { QuarryError } from '@quarry/common';
import { INTEGER_RANGES, isIntegral, typeToString, type DataType } from '../types/types.js';
import {
  fitsPrecision,
  formatDate,
  formatDecimal,
  formatIntervalDayTime,
  formatIntervalYearMonth,
  formatTimestamp,
  normalizeLong,
  parseDate,
  parseDecimal,
  parseTimestamp,
  rescaleLong,
  type Long,
} from '../types/values.js';
import type { MapValue } from '../types/composite.js';
import { decimalToDouble } from './helpers.js';
import type { CodegenContext } from './registry.js';

/**
 * CAST between types: `canCast` for the analyzer, `castCode` for the compiler. A failed cast is an
 * INVALID_CAST_ARGUMENT (or NUMERIC_VALUE_OUT_OF_RANGE) user error; TRY_CAST turns it into NULL.
 */

type Caster = (v: never) => unknown;

function castError(value: unknown, to: DataType): QuarryError {
  return new QuarryError(
    'INVALID_CAST_ARGUMENT',
    `Cannot cast '${String(value)}' to ${typeToString(to).toUpperCase()}`,
  );
}

function outOfRange(value: unknown, to: DataType): QuarryError {
  return new QuarryError(
    'NUMERIC_VALUE_OUT_OF_RANGE',
    `Out of range for ${typeToString(to)}: ${String(value)}`,
  );
}

function integralBounds(t: DataType): [bigint, bigint] {
  const r = INTEGER_RANGES[t.kind as keyof typeof INTEGER_RANGES];
  return [BigInt(r[0]), BigInt(r[1])];
}

function toIntegral(v: Long, to: DataType): Long {
  const [lo, hi] = integralBounds(to);
  if (typeof v === 'number') {
    if (v < Number(lo) || v > Number(hi)) throw outOfRange(v, to);
    return v;
  }
  if (v < lo || v > hi) throw outOfRange(v, to);
  return normalizeLong(v);
}

function roundHalfAway(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

function doubleToLong(x: number, to: DataType): Long {
  if (!Number.isFinite(x)) throw castError(x, to);
  const r = roundHalfAway(x);
  // as Trino: past bigint's range the cast itself is invalid; the narrower integers are out of range
  if (to.kind === 'bigint' && (r >= 2 ** 63 || r < -(2 ** 63)))
    throw new QuarryError('INVALID_CAST_ARGUMENT', `Unable to cast ${formatDouble(x)} to bigint`);
  return toIntegral(Number.isSafeInteger(r) ? r : BigInt(r), to);
}

/** A type as Trino's cast messages print it: `DECIMAL(8, 3)`, `VARCHAR`, `BIGINT`. */
function castTypeName(t: DataType): string {
  if (t.kind === 'decimal') return `DECIMAL(${t.precision}, ${t.scale})`;
  return t.kind === 'varchar' || t.kind === 'char' ? t.kind.toUpperCase() : typeToString(t).toUpperCase();
}

/** A value that does not fit the decimal type cast to: Trino's INVALID_CAST_ARGUMENT. */
function checkDecimal(v: Long, to: DataType & { kind: 'decimal' }, original: string, from: DataType): Long {
  if (!fitsPrecision(v, to.precision)) throw decimalTooLarge(original, from, to);
  return v;
}

function decimalTooLarge(original: string, from: DataType, to: DataType): QuarryError {
  const tail = from.kind === 'varchar' || from.kind === 'char' ? '. Value too large.' : '';
  return new QuarryError(
    'INVALID_CAST_ARGUMENT',
    `Cannot cast ${castTypeName(from)} '${original}' to ${castTypeName(to)}${tail}`,
  );
}

/** Decimal text at a scale, where text too large for any decimal is the same cast error. */
function parseDecimalFor(text: string, from: DataType, to: DataType & { kind: 'decimal' }): Long | undefined {
  try {
    return parseDecimal(text, to.scale);
  } catch (e) {
    if (e instanceof QuarryError && e.code === 'NUMERIC_VALUE_OUT_OF_RANGE')
      throw decimalTooLarge(text.trim(), from, to);
    throw e;
  }
}

function stringToBoolean(s: string, to: DataType): boolean {
  const t = s.trim().toLowerCase();
  if (t === 'true' || t === 't' || t === '1') return true;
  if (t === 'false' || t === 'f' || t === '0') return false;
  throw castError(s, to);
}

function stringToIntegral(s: string, to: DataType): Long {
  const t = s.trim();
  if (!/^[+-]?\d+$/.test(t)) throw castError(s, to);
  return toIntegral(normalizeLong(BigInt(t)), to);
}

function stringToDouble(s: string, to: DataType): number {
  const t = s.trim();
  const lower = t.toLowerCase();
  if (lower === 'nan') return NaN;
  if (lower === 'infinity' || lower === '+infinity') return Infinity;
  if (lower === '-infinity') return -Infinity;
  // decimal notation only: Number() would also take '0x10', '0b1' and '0o7'
  if (!/^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(t)) throw castError(s, to);
  return Number(t);
}

function truncateString(s: string, to: DataType): string {
  const len = to.kind === 'varchar' || to.kind === 'char' ? to.length : undefined;
  let out = len !== undefined && s.length > len ? s.slice(0, len) : s;
  if (to.kind === 'char') out = out.replace(/ +$/, '');
  return out;
}

/** The conversion function for a cast, or undefined when Trino has no such cast. */
export function caster(from: DataType, to: DataType): Caster | undefined {
  const f = from.kind;
  if (f === 'unknown') return () => null;
  if (typeToString(from) === typeToString(to)) return (v) => v;
  if (isIntegral(from)) return fromIntegral(from, to);
  switch (f) {
    case 'decimal':
      return fromDecimal(from, to);
    case 'double':
    case 'real':
      return fromFloating(from, to);
    case 'boolean':
      return fromBoolean(to);
    case 'varchar':
    case 'char':
      return fromString(from, to);
    case 'date':
      return fromDate(to);
    case 'interval_day_time':
    case 'interval_year_month':
      if (!isString(to)) return undefined;
      return f === 'interval_day_time'
        ? (v: number) => truncateString(formatIntervalDayTime(v), to)
        : (v: number) => truncateString(formatIntervalYearMonth(v), to);
    case 'timestamp':
      if (isString(to)) return (v: number) => formatTimestamp(v, from.precision);
      if (to.kind === 'date') return (v: number) => Math.floor(v / 86_400_000_000);
      if (to.kind === 'timestamp') return (v) => v;
      return undefined;
    case 'array':
    case 'map':
    case 'row':
      return compositeCaster(from, to);
    default:
      return undefined;
  }
}

/** Casts of composite values: element by element, key and value, field by field. NULLs stay NULL. */
function compositeCaster(from: DataType, to: DataType): Caster | undefined {
  const each = (f: DataType, t: DataType) => {
    const c = caster(f, t);
    return c && ((v: unknown) => (v === null ? null : c(v as never)));
  };
  if (from.kind === 'array' && to.kind === 'array') {
    const c = each(from.element, to.element);
    return c && ((v: unknown[]) => v.map(c));
  }
  if (from.kind === 'map' && to.kind === 'map') {
    const k = each(from.key, to.key);
    const c = each(from.value, to.value);
    return k && c && ((v: MapValue) => ({ keys: v.keys.map(k), values: v.values.map(c) }));
  }
  if (from.kind === 'row' && to.kind === 'row' && from.fields.length === to.fields.length) {
    const cs = from.fields.map((f, i) => each(f.type, to.fields[i]!.type));
    if (cs.some((c) => c === undefined)) return undefined;
    return (v: unknown[]) => v.map((e, i) => cs[i]!(e));
  }
  return undefined;
}

type TypeOf<K extends DataType['kind']> = Extract<DataType, { kind: K }>;

function isString(t: DataType): boolean {
  return t.kind === 'varchar' || t.kind === 'char';
}

function fromIntegral(from: DataType, to: DataType): Caster | undefined {
  const t = to.kind;
  if (isIntegral(to)) return (v: Long) => toIntegral(v, to);
  if (t === 'decimal') return (v: Long) => checkDecimal(rescaleLong(v, 0, to.scale), to, String(v), from);
  if (t === 'double') return (v: Long) => Number(v);
  if (t === 'real') return (v: Long) => Math.fround(Number(v));
  if (t === 'boolean') return (v: Long) => v != 0;
  if (isString(to)) return (v: Long) => truncateString(String(v), to);
  return undefined;
}

function fromDecimal(from: TypeOf<'decimal'>, to: DataType): Caster | undefined {
  const t = to.kind;
  if (isIntegral(to)) return (v: Long) => toIntegral(rescaleLong(v, from.scale, 0), to);
  if (t === 'decimal')
    return (v: Long) =>
      checkDecimal(rescaleLong(v, from.scale, to.scale), to, formatDecimal(v, from.scale), from);
  if (t === 'double') return (v: Long) => decimalToDouble(v, from.scale);
  if (t === 'real') return (v: Long) => Math.fround(decimalToDouble(v, from.scale));
  if (isString(to)) return (v: Long) => truncateString(formatDecimal(v, from.scale), to);
  if (t === 'boolean') return (v: Long) => v != 0;
  return undefined;
}

function fromFloating(from: TypeOf<'double' | 'real'>, to: DataType): Caster | undefined {
  const t = to.kind;
  if (isIntegral(to)) return (v: number) => doubleToLong(v, to);
  if (t === 'double') return (v) => v;
  if (t === 'real') return (v: number) => Math.fround(v);
  if (t === 'decimal')
    return (v: number) => {
      if (!Number.isFinite(v)) throw castError(v, to);
      return checkDecimal(parseDecimalFor(String(v), from, to)!, to, formatDouble(v), from);
    };
  if (isString(to))
    return from.kind === 'real'
      ? (v: number) => truncateString(formatReal(v), to)
      : (v: number) => truncateString(formatDouble(v), to);
  if (t === 'boolean') return (v: number) => v !== 0;
  return undefined;
}

function fromBoolean(to: DataType): Caster | undefined {
  const t = to.kind;
  if (isString(to)) return (v: boolean) => truncateString(v ? 'true' : 'false', to);
  if (isIntegral(to)) return (v: boolean) => (v ? 1 : 0);
  if (t === 'double' || t === 'real') return (v: boolean) => (v ? 1 : 0);
  if (t === 'decimal') return (v: boolean) => rescaleLong(v ? 1 : 0, 0, to.scale);
  return undefined;
}

function fromString(from: DataType, to: DataType): Caster | undefined {
  const t = to.kind;
  if (isString(to)) return (v: string) => truncateString(v, to);
  if (t === 'boolean') return (v: string) => stringToBoolean(v, to);
  if (isIntegral(to)) return (v: string) => stringToIntegral(v, to);
  if (t === 'double') return (v: string) => stringToDouble(v, to);
  if (t === 'real') return (v: string) => Math.fround(stringToDouble(v, to));
  if (t === 'decimal')
    return (v: string) => {
      const r = parseDecimalFor(v, from, to);
      if (r === undefined) throw castError(v, to);
      return checkDecimal(r, to, v, from);
    };
  if (t === 'date')
    return (v: string) => {
      const d = parseDate(v);
      if (d === undefined) throw castError(v, to);
      return d;
    };
  if (t === 'timestamp')
    return (v: string) => {
      const ts = parseTimestamp(v);
      if (ts === undefined) throw castError(v, to);
      return ts;
    };
  return undefined;
}

function fromDate(to: DataType): Caster | undefined {
  if (isString(to)) return (v: number) => formatDate(v);
  if (to.kind === 'timestamp') return (v: number) => v * 86_400_000_000;
  return undefined;
}

export function canCast(from: DataType, to: DataType): boolean {
  return caster(from, to) !== undefined;
}

/**
 * Doubles print as Trino (Java) prints them: the shortest digits that read back as the same value,
 * plainly for magnitudes in [10^-3, 10^7) and always with a fraction (`1.0`, `0.001`), else in
 * scientific notation (`1.0E10`, `1.5E-5`).
 */
export function formatDouble(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? 'Infinity' : '-Infinity';
  return javaStyle(v, String(v), v.toExponential());
}

/** A real (float) value: the shortest digits that read back as the same float. */
export function formatReal(v: number): string {
  if (!Number.isFinite(v)) return formatDouble(v);
  for (let p = 1; p <= 9; p++) {
    const digits = v.toPrecision(p);
    if (Math.fround(Number(digits)) === v) {
      const n = Number(digits);
      return javaStyle(v, String(n), n.toExponential());
    }
  }
  return formatDouble(v);
}

function javaStyle(v: number, plain: string, exponential: string): string {
  if (v === 0) return Object.is(v, -0) ? '-0.0' : '0.0';
  const abs = Math.abs(v);
  if (abs >= 1e-3 && abs < 1e7) return plain.includes('.') ? plain : `${plain}.0`;
  const [mantissa, exponent] = exponential.split('e') as [string, string];
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${exponent.replace('+', '')}`;
}

/** JS code that casts `arg` (non-null) from `from` to `to`. */
export function castCode(arg: string, from: DataType, to: DataType, ctx: CodegenContext): string {
  if (typeToString(from) === typeToString(to)) return arg;
  const fn = caster(from, to);
  if (!fn) {
    throw new QuarryError('TYPE_MISMATCH', `Cannot cast ${typeToString(from)} to ${typeToString(to)}`);
  }
  return `${ctx.ref(fn)}(${arg})`;
}
