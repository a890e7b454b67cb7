import { QuarryError } from '@quarry/common';
import { formatReal } from './casts.js';
import { dateTimeText, DATE_TIME_CONVERSIONS, localDateString, localDateTimeString } from './java-dates.js';
import {
  bigDecimalString,
  decimalOfDouble,
  doubleString,
  floatBody,
  justify,
  signed,
  unsignedBody,
  type Decimal,
  type NumberFlags,
} from './java-numbers.js';
import { checkResultLength } from './limits.js';
import { CLASS_NAMES, JavaFormatError, type JavaValue } from './java-values.js';

/**
 * Java's `String.format` (java.util.Formatter, Locale.ENGLISH) over the values Trino's `format()`
 * passes it: specifiers `%[index$][flags][width][.precision]conversion` with conversions b B s S c C
 * d o x X e E f g G t T % n, flags `- # + space 0 , ( <`, and Java's checks and exception names.
 * Not covered: `%h`/`%H` (hash codes) and `%a`/`%A` (hexadecimal floats), refused as NOT_SUPPORTED.
 */

const FLAG_ORDER = '-#+ 0,(<';

interface Spec extends NumberFlags {
  /** As Java's FormatSpecifier.toString prints it. */
  readonly text: string;
  /** 1-based explicit index, 0 for the next argument, -1 for the previous one (`<`). */
  readonly index: number;
  readonly flags: string;
  readonly width: number;
  readonly precision: number;
  readonly dateTime: boolean;
  /** Lower case; `upper` says whether it was written in upper case. */
  readonly conversion: string;
  readonly upper: boolean;
}

const SPEC = /%(\d+\$)?([-#+ 0,(<]*)?(\d+)?(\.\d+)?([tT])?([a-zA-Z%])/y;

/** Formats as Java does; throws JavaFormatError for what Java refuses. */
export function javaFormat(format: string, args: readonly JavaValue[]): string {
  let out = '';
  let next = 0;
  let last = -1;
  for (let i = 0; i < format.length;) {
    const at = format.indexOf('%', i);
    if (at < 0) {
      out += format.slice(i);
      break;
    }
    out += format.slice(i, at);
    SPEC.lastIndex = at;
    const m = SPEC.exec(format);
    if (!m) throw unknownConversion(format[at + 1] ?? '%');
    i = SPEC.lastIndex;
    const spec = parseSpec(m);
    if (spec.conversion === '%' || spec.conversion === 'n') {
      out += spec.conversion === 'n' ? '\n' : justify('%', spec.width, spec.left);
      continue;
    }
    let k: number;
    if (spec.index === -1) k = last;
    else if (spec.index > 0) k = spec.index - 1;
    else k = next++;
    if (k < 0 || k >= args.length)
      throw new JavaFormatError('MissingFormatArgument', `Format specifier '${spec.text}'`);
    last = k;
    out += print(spec, args[k]!);
    checkResultLength('format', out.length);
  }
  return out;
}

function unknownConversion(c: string): JavaFormatError {
  return new JavaFormatError('UnknownFormatConversion', `Conversion = '${c}'`);
}

function parseSpec(m: RegExpExecArray): Spec {
  const flags = m[2] ?? '';
  for (let i = 0; i < flags.length; i++)
    if (flags.indexOf(flags[i]!) !== i)
      throw new JavaFormatError('DuplicateFormatFlags', `Flags = '${flags[i]}'`);
  const sorted = [...FLAG_ORDER].filter((f) => flags.includes(f)).join('');
  const index = flags.includes('<') ? -1 : m[1] ? Number(m[1].slice(0, -1)) : 0;
  if (m[1] && index === 0)
    throw new JavaFormatError('IllegalFormatArgumentIndex', 'Illegal format argument index = 0');
  const raw = m[6]!;
  const dateTime = m[5] !== undefined;
  const upper = dateTime ? m[5] === 'T' : raw !== raw.toLowerCase();
  const width = m[3] ? Number(m[3]) : -1;
  checkResultLength('format', width);
  const spec: Spec = {
    text: `%${sorted}${m[1] ?? ''}${m[3] ?? ''}${m[4] ?? ''}${m[5] ?? ''}${raw}`,
    index,
    flags: sorted,
    width,
    precision: m[4] ? Number(m[4].slice(1)) : -1,
    dateTime,
    conversion: dateTime ? raw : raw.toLowerCase(),
    upper,
    left: flags.includes('-'),
    alternate: flags.includes('#'),
    plus: flags.includes('+'),
    space: flags.includes(' '),
    zero: flags.includes('0'),
    group: flags.includes(','),
    parentheses: flags.includes('('),
  };
  check(spec);
  return spec;
}

const CATEGORY: Readonly<Record<string, 'general' | 'character' | 'integer' | 'float' | 'text'>> = {
  b: 'general',
  h: 'general',
  s: 'general',
  c: 'character',
  d: 'integer',
  o: 'integer',
  x: 'integer',
  e: 'float',
  f: 'float',
  g: 'float',
  a: 'float',
  '%': 'text',
  n: 'text',
};

/** Java's checks of a specifier before any argument is read. */
function check(s: Spec): void {
  const category = s.dateTime ? 'dateTime' : CATEGORY[s.conversion];
  if (category === undefined) throw unknownConversion(s.conversion);
  if (s.dateTime && !DATE_TIME_CONVERSIONS.has(s.conversion)) throw unknownConversion(`t${s.conversion}`);
  if (!s.dateTime && (s.conversion === 'h' || s.conversion === 'a'))
    throw new QuarryError('NOT_SUPPORTED', `format(): %${s.conversion} is not supported`);
  const bad = (chars: string) => {
    for (const c of chars) if (s.flags.includes(c)) throw mismatch(c, s);
  };
  const needsWidth = (flags: string) => {
    if (s.width === -1 && [...flags].some((f) => s.flags.includes(f)))
      throw new JavaFormatError('MissingFormatWidth', s.text);
  };
  const noPrecision = () => {
    if (s.precision !== -1) throw new JavaFormatError('IllegalFormatPrecision', String(s.precision));
  };
  switch (category) {
    case 'general':
      if (s.conversion === 'b') bad('#');
      needsWidth('-');
      return bad('+ 0,(');
    case 'character':
    case 'dateTime':
      noPrecision();
      bad('#+ 0,(');
      return needsWidth('-');
    case 'integer':
    case 'float':
      needsWidth('-0');
      if ((s.plus && s.space) || (s.left && s.zero))
        throw new JavaFormatError('IllegalFormatFlags', `Flags = '${s.flags}'`);
      if (category === 'integer') noPrecision();
      if (s.conversion === 'd') return bad('#');
      if (s.conversion === 'o' || s.conversion === 'x' || s.conversion === 'e') return bad(',');
      return s.conversion === 'g' ? bad('#') : undefined;
    case 'text':
      noPrecision();
      if (s.conversion === 'n' && s.width !== -1)
        throw new JavaFormatError('IllegalFormatWidth', String(s.width));
      if (s.flags.replace('-', '') !== '' || (s.conversion === 'n' && s.flags))
        throw new JavaFormatError('IllegalFormatFlags', `Flags = '${s.flags}'`);
      return needsWidth('-');
  }
}

function mismatch(flag: string, s: Spec): JavaFormatError {
  return new JavaFormatError(
    'FormatFlagsConversionMismatch',
    `Conversion = ${s.conversion}, Flags = ${flag}`,
  );
}

function illegal(s: Spec, arg: NonNullable<JavaValue>): JavaFormatError {
  return new JavaFormatError('IllegalFormatConversion', `${s.conversion} != ${CLASS_NAMES[arg.cls]}`);
}

function print(s: Spec, arg: JavaValue): string {
  if (s.dateTime)
    return text(s, arg === null ? 'null' : dateTimeText(s.conversion, arg, () => illegal(s, arg)), false);
  switch (s.conversion) {
    case 'b':
      return text(s, arg === null ? 'false' : arg.cls === 'Boolean' ? String(arg.v) : 'true', true);
    case 's':
      if (s.alternate) throw mismatch('#', s);
      return text(s, toJavaString(arg), true);
    case 'c':
      if (arg !== null) throw illegal(s, arg);
      return text(s, 'null', false);
    case 'd':
    case 'o':
    case 'x':
      return integer(s, arg);
    default:
      return floating(s, arg);
  }
}

/** Text of a general, character or date-time conversion: precision cuts, upper case, width pads. */
function text(s: Spec, value: string, cut: boolean): string {
  const t = cut && s.precision !== -1 ? value.slice(0, s.precision) : value;
  return justify(s.upper ? t.toUpperCase() : t, s.width, s.left);
}

/** Object.toString of an argument (`null` for NULL). */
export function toJavaString(arg: JavaValue): string {
  if (arg === null) return 'null';
  switch (arg.cls) {
    case 'Long':
    case 'String':
    case 'Boolean':
      return String(arg.v);
    case 'Double':
      return doubleString(arg.v);
    case 'Float':
      return formatReal(arg.v);
    case 'BigDecimal':
      return bigDecimalString(arg.d);
    case 'LocalDate':
      return localDateString(arg.days);
    case 'LocalDateTime':
      return localDateTimeString(arg.micros);
  }
}

function integer(s: Spec, arg: JavaValue): string {
  if (arg === null) return justify('null', s.width, s.left);
  if (arg.cls !== 'Long') throw illegal(s, arg);
  if (s.conversion === 'd') {
    const negative = arg.v < 0n;
    return signed((negative ? -arg.v : arg.v).toString(), negative, s, s.width);
  }
  for (const c of '( +') if (s.flags.includes(c)) throw mismatch(c, s);
  const body = unsignedBody(arg.v, s.conversion === 'x' ? 16 : 8, s, s.width);
  return s.upper ? body.toUpperCase() : body;
}

function floating(s: Spec, arg: JavaValue): string {
  if (arg === null) return justify('null', s.width, s.left);
  const conversion = s.conversion as 'e' | 'f' | 'g';
  let d: Decimal;
  let negative: boolean;
  if (arg.cls === 'Double' || arg.cls === 'Float') {
    const v = arg.v;
    negative = v < 0 || Object.is(v, -0);
    if (Number.isNaN(v)) return justify(s.upper ? 'NAN' : 'NaN', s.width, s.left);
    if (!Number.isFinite(v)) {
      const lead = negative ? (s.parentheses ? '(' : '-') : s.plus ? '+' : s.space ? ' ' : '';
      const trail = negative && s.parentheses ? ')' : '';
      return justify(`${lead}${s.upper ? 'INFINITY' : 'Infinity'}${trail}`, s.width, s.left);
    }
    d = decimalOfDouble(Math.abs(v));
  } else if (arg.cls === 'BigDecimal') {
    negative = arg.d.unscaled < 0n;
    d = { unscaled: negative ? -arg.d.unscaled : arg.d.unscaled, scale: arg.d.scale };
  } else throw illegal(s, arg);
  const precision = s.precision === -1 ? 6 : s.precision;
  const body = floatBody(d, conversion, { precision, upper: s.upper, alternate: s.alternate });
  return signed(body, negative, s, s.width);
}
