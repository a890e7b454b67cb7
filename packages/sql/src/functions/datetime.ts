import { QuarryError } from '@quarry/common';
import { BIGINT, DATE, isIntegral, type DataType } from '../types/index.js';
import { addMonthsToDays, civilFromDays, daysFromCivil, daysInMonth, type Long } from '../types/values.js';
import { checkResultLength } from './limits.js';
import { defineFamily, defineGenerator } from './registry.js';
import { isStr } from './scalars.js';

/** date_trunc, date_add, date_diff, last_day_of_month over dates (days) and timestamps (µs). */

const US_PER_DAY = 86_400_000_000;
const US: Record<string, number> = {
  microsecond: 1,
  millisecond: 1000,
  second: 1_000_000,
  minute: 60_000_000,
  hour: 3_600_000_000,
};
const DATE_UNITS = new Set(['day', 'week', 'month', 'quarter', 'year']);

function unitOf(unit: string, timestamp: boolean): string {
  const u = unit.toLowerCase();
  if (DATE_UNITS.has(u) || (timestamp && u in US)) return u;
  throw new QuarryError(
    'INVALID_FUNCTION_ARGUMENT',
    `'${unit}' is not a valid ${timestamp ? 'TIMESTAMP' : 'DATE'} field`,
  );
}

/** Days of a date truncated to the start of its week (Monday), month, quarter or year. */
function truncDays(days: number, unit: string): number {
  switch (unit) {
    case 'day':
      return days;
    case 'week':
      return days - ((((days + 3) % 7) + 7) % 7);
    default: {
      const { year, month } = civilFromDays(days);
      if (unit === 'month') return daysFromCivil(year, month, 1);
      if (unit === 'quarter') return daysFromCivil(year, month - ((month - 1) % 3), 1);
      return daysFromCivil(year, 1, 1);
    }
  }
}

function dateTrunc(unit: string, days: number): number {
  return truncDays(days, unitOf(unit, false));
}
function timestampTrunc(unit: string, micros: number): number {
  const u = unitOf(unit, true);
  const step = US[u];
  if (step !== undefined) return Math.floor(micros / step) * step;
  return truncDays(Math.floor(micros / US_PER_DAY), u) * US_PER_DAY;
}

const isTemporal = (t: DataType) => t.kind === 'date' || t.kind === 'timestamp';
const isInteger = (t: DataType) => isIntegral(t) || t.kind === 'unknown';

defineFamily('date_trunc', {
  signatures: ['date_trunc(varchar, date)', 'date_trunc(varchar, timestamp)'],
  resolve: ([u, t, ...rest]) => {
    if (!u || !t || rest.length || !isStr(u) || !isTemporal(t)) return undefined;
    return { id: `date_trunc:${t.kind}`, argTypes: [u, t], returnType: t };
  },
});
defineGenerator('date_trunc:date', ([u, d], _t, _r, ctx) => `${ctx.ref(dateTrunc)}(${u}, ${d})`);
defineGenerator('date_trunc:timestamp', ([u, d], _t, _r, ctx) => `${ctx.ref(timestampTrunc)}(${u}, ${d})`);

function monthsOf(unit: string): number | undefined {
  return unit === 'month' ? 1 : unit === 'quarter' ? 3 : unit === 'year' ? 12 : undefined;
}

function dateAdd(unit: string, n: Long, days: number): number {
  const u = unitOf(unit, false);
  const k = Number(n);
  const months = monthsOf(u);
  if (months !== undefined) return addMonthsToDays(days, k * months);
  return days + k * (u === 'week' ? 7 : 1);
}
function timestampAdd(unit: string, n: Long, micros: number): number {
  const u = unitOf(unit, true);
  const k = Number(n);
  const step = US[u];
  if (step !== undefined) return micros + k * step;
  const months = monthsOf(u);
  if (months === undefined) return micros + k * (u === 'week' ? 7 : 1) * US_PER_DAY;
  const days = Math.floor(micros / US_PER_DAY);
  return addMonthsToDays(days, k * months) * US_PER_DAY + (micros - days * US_PER_DAY);
}
defineFamily('date_add', {
  signatures: ['date_add(varchar, bigint, date)', 'date_add(varchar, bigint, timestamp)'],
  resolve: ([u, n, t, ...rest]) => {
    if (!u || !n || !t || rest.length || !isStr(u) || !isInteger(n) || !isTemporal(t)) return undefined;
    return { id: `date_add:${t.kind}`, argTypes: [u, BIGINT, t], returnType: t };
  },
});
defineGenerator('date_add:date', ([u, n, d], _t, _r, ctx) => `${ctx.ref(dateAdd)}(${u}, ${n}, ${d})`);
defineGenerator(
  'date_add:timestamp',
  ([u, n, d], _t, _r, ctx) => `${ctx.ref(timestampAdd)}(${u}, ${n}, ${d})`,
);

/** Whole months from a to b, counted as Joda does: a plus that many months does not pass b. */
function monthsBetween(a: number, b: number): number {
  const ca = civilFromDays(a);
  const cb = civilFromDays(b);
  let m = (cb.year - ca.year) * 12 + (cb.month - ca.month);
  if (m > 0 && addMonthsToDays(a, m) > b) m--;
  else if (m < 0 && addMonthsToDays(a, m) < b) m++;
  return m;
}
function diffDays(unit: string, a: number, b: number): number {
  const months = monthsOf(unit);
  if (months !== undefined) return Math.trunc(monthsBetween(a, b) / months);
  return Math.trunc((b - a) / (unit === 'week' ? 7 : 1));
}
function dateDiff(unit: string, a: number, b: number): number {
  return diffDays(unitOf(unit, false), a, b);
}
function timestampDiff(unit: string, a: number, b: number): number {
  const u = unitOf(unit, true);
  const step = US[u];
  if (step !== undefined) return Math.trunc((b - a) / step);
  const months = monthsOf(u);
  if (months === undefined) return Math.trunc((b - a) / ((u === 'week' ? 7 : 1) * US_PER_DAY));
  // whole months: compare the time of day too
  const da = Math.floor(a / US_PER_DAY);
  const db = Math.floor(b / US_PER_DAY);
  let m = monthsBetween(da, db);
  const ta = a - da * US_PER_DAY;
  const tb = b - db * US_PER_DAY;
  if (m > 0 && addMonthsToDays(da, m) === db && tb < ta) m--;
  if (m < 0 && addMonthsToDays(da, m) === db && tb > ta) m++;
  return Math.trunc(m / months);
}
defineFamily('date_diff', {
  signatures: ['date_diff(varchar, date, date)', 'date_diff(varchar, timestamp, timestamp)'],
  resolve: ([u, a, b, ...rest]) => {
    if (!u || !a || !b || rest.length || !isStr(u) || !isTemporal(a) || !isTemporal(b)) return undefined;
    const t = a.kind === 'timestamp' || b.kind === 'timestamp' ? (a.kind === 'timestamp' ? a : b) : DATE;
    return { id: `date_diff:${t.kind}`, argTypes: [u, t, t], returnType: BIGINT };
  },
});
defineGenerator('date_diff:date', ([u, a, b], _t, _r, ctx) => `${ctx.ref(dateDiff)}(${u}, ${a}, ${b})`);
defineGenerator(
  'date_diff:timestamp',
  ([u, a, b], _t, _r, ctx) => `${ctx.ref(timestampDiff)}(${u}, ${a}, ${b})`,
);

function lastDayOfMonth(days: number): number {
  const { year, month } = civilFromDays(days);
  return daysFromCivil(year, month, daysInMonth(year, month));
}
defineFamily('last_day_of_month', {
  signatures: ['last_day_of_month(date)', 'last_day_of_month(timestamp)'],
  resolve: ([t, ...rest]) => {
    if (!t || rest.length || !isTemporal(t)) return undefined;
    return { id: `last_day_of_month:${t.kind}`, argTypes: [t], returnType: DATE };
  },
});
defineGenerator('last_day_of_month:date', ([d], _t, _r, ctx) => `${ctx.ref(lastDayOfMonth)}(${d})`);
defineGenerator(
  'last_day_of_month:timestamp',
  ([d], _t, _r, ctx) => `${ctx.ref(lastDayOfMonth)}(Math.floor(${d} / ${US_PER_DAY}))`,
);

/** ISO week-numbering year. */
function yearOfWeek(days: number): number {
  const dow = ((((days + 3) % 7) + 7) % 7) + 1;
  return civilFromDays(days - dow + 4).year;
}
for (const name of ['year_of_week', 'yow'] as const) {
  defineFamily(name, {
    signatures: [`${name}(date)`, `${name}(timestamp)`],
    resolve: ([t, ...rest]) => {
      if (!t || rest.length || !isTemporal(t)) return undefined;
      return { id: `year_of_week:${t.kind}`, argTypes: [t], returnType: BIGINT };
    },
  });
}
defineGenerator('year_of_week:date', ([d], _t, _r, ctx) => `${ctx.ref(yearOfWeek)}(${d})`);
defineGenerator(
  'year_of_week:timestamp',
  ([d], _t, _r, ctx) => `${ctx.ref(yearOfWeek)}(Math.floor(${d} / ${US_PER_DAY}))`,
);

// --- date_format (MySQL-style specifiers, as Trino's) ---------------------------------------------

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function ordinal(d: number): string {
  const tens = d % 100;
  if (tens >= 11 && tens <= 13) return `${d}th`;
  return `${d}${['th', 'st', 'nd', 'rd'][d % 10] ?? 'th'}`;
}

/** A timestamp's fields, as date_format's specifiers print them. */
interface TimeParts {
  readonly days: number;
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly hour12: number;
  readonly minute: number;
  readonly second: number;
  readonly micro: number;
  /** 0 = Sunday. */
  readonly weekday: number;
}

function timeParts(micros: number): TimeParts {
  const days = Math.floor(micros / US_PER_DAY);
  const rest = micros - days * US_PER_DAY;
  const { year, month, day } = civilFromDays(days);
  const hour = Math.floor(rest / 3_600_000_000);
  return {
    days,
    year,
    month,
    day,
    hour,
    hour12: hour % 12 === 0 ? 12 : hour % 12,
    minute: Math.floor(rest / 60_000_000) % 60,
    second: Math.floor(rest / 1_000_000) % 60,
    micro: rest % 1_000_000,
    weekday: (((days + 4) % 7) + 7) % 7, // 1970-01-01 was a Thursday
  };
}

const amPm = (p: TimeParts) => (p.hour < 12 ? 'AM' : 'PM');

/** What each supported `%x` specifier of date_format prints (MySQL's, as Trino takes them). */
const DATE_FORMAT_SPECIFIERS: ReadonlyMap<string, (p: TimeParts) => string> = new Map<
  string,
  (p: TimeParts) => string
>([
  ['a', (p) => WEEKDAYS[p.weekday]!.slice(0, 3)],
  ['b', (p) => MONTHS[p.month - 1]!.slice(0, 3)],
  ['c', (p) => String(p.month)],
  ['D', (p) => ordinal(p.day)],
  ['d', (p) => pad(p.day, 2)],
  ['e', (p) => String(p.day)],
  ['f', (p) => pad(p.micro, 6)],
  ['H', (p) => pad(p.hour, 2)],
  ['h', (p) => pad(p.hour12, 2)],
  ['I', (p) => pad(p.hour12, 2)],
  ['i', (p) => pad(p.minute, 2)],
  ['j', (p) => pad(p.days - daysFromCivil(p.year, 1, 1) + 1, 3)],
  ['k', (p) => String(p.hour)],
  ['l', (p) => String(p.hour12)],
  ['M', (p) => MONTHS[p.month - 1]!],
  ['m', (p) => pad(p.month, 2)],
  ['p', amPm],
  ['r', (p) => `${pad(p.hour12, 2)}:${pad(p.minute, 2)}:${pad(p.second, 2)} ${amPm(p)}`],
  ['S', (p) => pad(p.second, 2)],
  ['s', (p) => pad(p.second, 2)],
  ['T', (p) => `${pad(p.hour, 2)}:${pad(p.minute, 2)}:${pad(p.second, 2)}`],
  ['W', (p) => WEEKDAYS[p.weekday]!],
  ['w', (p) => String(p.weekday)],
  ['Y', (p) => pad(p.year, 4)],
  ['y', (p) => pad(p.year % 100, 2)],
]);

/** Week-based specifiers Trino rejects too. */
const UNSUPPORTED_SPECIFIERS = new Set(['U', 'u', 'V', 'v', 'X', 'x']);

/** Formats a timestamp (µs) with `%Y-%m-%d`-style specifiers; `%x` for an unknown x prints x. */
function dateFormat(micros: number, format: string): string {
  const parts = timeParts(micros);
  let out = '';
  for (let i = 0; i < format.length; i++) {
    const c = format[i]!;
    if (c !== '%' || i + 1 === format.length) {
      out += c;
      continue;
    }
    const spec = format[++i]!;
    if (UNSUPPORTED_SPECIFIERS.has(spec))
      throw new QuarryError('INVALID_FUNCTION_ARGUMENT', `%${spec} not supported in date format string`);
    const print = DATE_FORMAT_SPECIFIERS.get(spec);
    out += print ? print(parts) : spec;
  }
  // at most a few characters per character of the format: built, then held to the limit
  checkResultLength('date_format', out.length);
  return out;
}
defineFamily('date_format', {
  signatures: ['date_format(timestamp, varchar)', 'date_format(date, varchar)'],
  resolve: ([t, f, ...rest]) => {
    if (!t || !f || rest.length || !isTemporal(t) || !isStr(f)) return undefined;
    return { id: `date_format:${t.kind}`, argTypes: [t, f], returnType: { kind: 'varchar' } };
  },
});
defineGenerator('date_format:timestamp', ([t, f], _t, _r, ctx) => `${ctx.ref(dateFormat)}(${t}, ${f})`);
defineGenerator(
  'date_format:date',
  ([d, f], _t, _r, ctx) => `${ctx.ref(dateFormat)}((${d}) * ${US_PER_DAY}, ${f})`,
);
