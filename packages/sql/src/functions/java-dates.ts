import { civilFromDays, daysFromCivil, formatDate } from '../types/values.js';
import { JavaFormatError, type JavaValue } from './java-values.js';

/**
 * Dates and times for Java's Formatter: `LocalDate.toString`, `LocalDateTime.toString` and the
 * `%t` conversions over a LocalDate (date fields only), a LocalDateTime or a Long (milliseconds
 * since the epoch, in UTC as a server in UTC formats them).
 */

export const DATE_TIME_CONVERSIONS: ReadonlySet<string> = new Set([...'HIklMSLNpzZsQBbhAaCYyjmdeRTrDFc']);

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
const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

/** Fields of a date-time value; time and zone fields only where the value has them. */
interface Fields {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  /** Days since the epoch. */
  readonly days: number;
  readonly time?: {
    readonly hour: number;
    readonly minute: number;
    readonly second: number;
    readonly nanos: number;
  };
  /** Milliseconds since the epoch, for a Long (an instant in UTC). */
  readonly instant?: number;
}

const MICROS_PER_DAY = 86_400_000_000;

function fieldsOf(days: number, microsOfDay?: number, instant?: number): Fields {
  const { year, month, day } = civilFromDays(days);
  if (microsOfDay === undefined) return { year, month, day, days };
  const seconds = Math.floor(microsOfDay / 1_000_000);
  const time = {
    hour: Math.floor(seconds / 3600),
    minute: Math.floor(seconds / 60) % 60,
    second: seconds % 60,
    nanos: (microsOfDay % 1_000_000) * 1000,
  };
  return { year, month, day, days, time, ...(instant !== undefined ? { instant } : {}) };
}

function fieldsOfMicros(micros: number, instant?: number): Fields {
  const days = Math.floor(micros / MICROS_PER_DAY);
  return fieldsOf(days, micros - days * MICROS_PER_DAY, instant);
}

const pad = (n: number, size: number) => String(n).padStart(size, '0');

/** LocalDate.toString: yyyy-MM-dd. */
export function localDateString(days: number): string {
  return formatDate(days);
}

/** LocalDateTime.toString: seconds only when not zero, the fraction in groups of three digits. */
export function localDateTimeString(micros: number): string {
  const f = fieldsOfMicros(micros);
  const t = f.time!;
  let s = `${formatDate(f.days)}T${pad(t.hour, 2)}:${pad(t.minute, 2)}`;
  if (t.second === 0 && t.nanos === 0) return s;
  s += `:${pad(t.second, 2)}`;
  if (t.nanos === 0) return s;
  const nanos = pad(t.nanos, 9);
  return `${s}.${t.nanos % 1_000_000 === 0 ? nanos.slice(0, 3) : t.nanos % 1000 === 0 ? nanos.slice(0, 6) : nanos}`;
}

function unsupported(field: string): JavaFormatError {
  return new JavaFormatError('UnsupportedTemporalType', `Unsupported field: ${field}`);
}

/** `%t<conversion>` of a value; `illegal` makes the error for a value that is not a date or time. */
export function dateTimeText(conversion: string, arg: NonNullable<JavaValue>, illegal: () => Error): string {
  let f: Fields;
  if (arg.cls === 'LocalDate') f = fieldsOf(arg.days);
  else if (arg.cls === 'LocalDateTime') f = fieldsOfMicros(arg.micros);
  else if (arg.cls === 'Long') f = fieldsOfMicros(Number(arg.v) * 1000, Number(arg.v));
  else throw illegal();
  return field(conversion, f);
}

function time(f: Fields, name: string): NonNullable<Fields['time']> {
  if (!f.time) throw unsupported(name);
  return f.time;
}

function instant(f: Fields, name: string): number {
  if (f.instant === undefined) throw unsupported(name);
  return f.instant;
}

function field(c: string, f: Fields): string {
  const dow = (((f.days + 3) % 7) + 7) % 7; // 1970-01-01 was a Thursday; Monday is 0
  const hour12 = (h: number) => (h % 12 === 0 ? 12 : h % 12);
  const year = Math.abs(f.year <= 0 ? 1 - f.year : f.year); // year of era
  switch (c) {
    case 'H':
      return pad(time(f, 'HourOfDay').hour, 2);
    case 'k':
      return String(time(f, 'HourOfDay').hour);
    case 'I':
      return pad(hour12(time(f, 'ClockHourOfAmPm').hour), 2);
    case 'l':
      return String(hour12(time(f, 'ClockHourOfAmPm').hour));
    case 'M':
      return pad(time(f, 'MinuteOfHour').minute, 2);
    case 'S':
      return pad(time(f, 'SecondOfMinute').second, 2);
    case 'L':
      return pad(Math.floor(time(f, 'MilliOfSecond').nanos / 1_000_000), 3);
    case 'N':
      return pad(time(f, 'NanoOfSecond').nanos, 9);
    case 'p':
      return time(f, 'AmPmOfDay').hour < 12 ? 'am' : 'pm';
    case 'z':
      return (instant(f, 'OffsetSeconds'), '+0000');
    case 'Z':
      return (instant(f, 'OffsetSeconds'), 'UTC');
    case 's':
      return String(Math.floor(instant(f, 'InstantSeconds') / 1000));
    case 'Q':
      return String(instant(f, 'InstantSeconds'));
    case 'B':
      return MONTHS[f.month - 1]!;
    case 'b':
    case 'h':
      return MONTHS[f.month - 1]!.slice(0, 3);
    case 'A':
      return DAYS[dow]!;
    case 'a':
      return DAYS[dow]!.slice(0, 3);
    case 'C':
      return pad(Math.floor(year / 100), 2);
    case 'Y':
      return pad(year, 4);
    case 'y':
      return pad(year % 100, 2);
    case 'j':
      return pad(f.days - daysFromCivil(f.year, 1, 1) + 1, 3);
    case 'm':
      return pad(f.month, 2);
    case 'd':
      return pad(f.day, 2);
    case 'e':
      return String(f.day);
    default:
      return composite(c, f);
  }
}

/** The conversions made of others: R, T, r, D, F, c. */
function composite(c: string, f: Fields): string {
  const all = (cs: string, sep: string) => [...cs].map((x) => field(x, f)).join(sep);
  switch (c) {
    case 'R':
      return all('HM', ':');
    case 'T':
      return all('HMS', ':');
    case 'r':
      return `${all('IMS', ':')} ${field('p', f).toUpperCase()}`;
    case 'D':
      return all('mdy', '/');
    case 'F':
      return all('Ymd', '-');
    default:
      return `${all('abd', ' ')} ${field('T', f)} ${field('Z', f)} ${field('Y', f)}`;
  }
}
