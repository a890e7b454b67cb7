import { formatDouble } from './casts.js';

/**
 * Numbers as Java's Formatter writes them (Locale.ENGLISH): exact decimals rounded HALF_UP, a
 * double taken as its shortest decimal digits (as Java's `FormattedFloatingDecimal` does), the
 * flags for signs, grouping, zero padding and parentheses. Used by `format()` (format.ts).
 */

/** An exact decimal: `unscaled × 10^-scale` (scale may be negative). */
export interface Decimal {
  readonly unscaled: bigint;
  readonly scale: number;
}

/** The flags of one format specifier that numbers read. */
export interface NumberFlags {
  readonly left: boolean;
  readonly alternate: boolean;
  readonly plus: boolean;
  readonly space: boolean;
  readonly zero: boolean;
  readonly group: boolean;
  readonly parentheses: boolean;
}

const pow10 = (n: number): bigint => 10n ** BigInt(n);

/** A finite double as the exact decimal of its shortest digits (`0.1` is 1 × 10^-1). */
export function decimalOfDouble(v: number): Decimal {
  const [mantissa, exp = '0'] = Math.abs(v).toExponential().split('e') as [string, string?];
  const [int, frac = ''] = mantissa.split('.') as [string, string?];
  const unscaled = BigInt(int + frac) * (v < 0 ? -1n : 1n);
  return { unscaled, scale: frac.length - Number(exp) };
}

/** `d` with `scale` fraction digits, rounding half away from zero. */
export function rescale(d: Decimal, scale: number): Decimal {
  if (scale >= d.scale) return { unscaled: d.unscaled * pow10(scale - d.scale), scale };
  const divisor = pow10(d.scale - scale);
  const q = d.unscaled / divisor;
  const r = d.unscaled % divisor;
  const twice = (r < 0n ? -r : r) * 2n;
  return { unscaled: twice >= divisor ? q + (d.unscaled < 0n ? -1n : 1n) : q, scale };
}

/** Digits of |d| with a point before the last `scale` (scale ≥ 0). */
function plainDigits(d: Decimal): string {
  const digits = (d.unscaled < 0n ? -d.unscaled : d.unscaled).toString();
  if (d.scale <= 0) return digits + '0'.repeat(-d.scale);
  const padded = digits.padStart(d.scale + 1, '0');
  return `${padded.slice(0, -d.scale)}.${padded.slice(-d.scale)}`;
}

/** The power of ten of the first significant digit of a non-zero decimal. */
function exponentOf(d: Decimal): number {
  return (d.unscaled < 0n ? -d.unscaled : d.unscaled).toString().length - 1 - d.scale;
}

function scientific(d: Decimal, precision: number, upper: boolean): string {
  let e = d.unscaled === 0n ? 0 : exponentOf(d);
  let m = rescale({ unscaled: d.unscaled, scale: d.scale + e }, precision);
  // rounding 9.99… up gives 10.0…: one more power of ten
  if (m.unscaled !== 0n && exponentOf(m) > 0) {
    e += 1;
    m = rescale({ unscaled: d.unscaled, scale: d.scale + e }, precision);
  }
  const exp = `${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  return `${plainDigits(m)}${upper ? 'E' : 'e'}${exp}`;
}

/** `%e`, `%f` or `%g` of an exact decimal: the magnitude's text, without sign. */
export function floatBody(
  d: Decimal,
  conversion: 'e' | 'f' | 'g',
  spec: { precision: number; upper: boolean; alternate: boolean },
): string {
  const { upper, alternate } = spec;
  let text: string;
  if (conversion === 'f') text = plainDigits(rescale(d, spec.precision));
  else if (conversion === 'e') text = scientific(d, spec.precision, upper);
  else {
    const p = spec.precision === 0 ? 1 : spec.precision;
    // rounded to p significant digits, it is written plainly when within [10^-4, 10^p)
    const e = d.unscaled === 0n ? 0 : exponentOf(rescale(d, p - 1 - exponentOf(d)));
    text = e >= -4 && e < p ? plainDigits(rescale(d, p - 1 - e)) : scientific(d, p - 1, upper);
  }
  if (!alternate || text.includes('.')) return text;
  // `#` keeps the decimal point of a value written without fraction digits
  const e = text.search(/[eE]/);
  return e < 0 ? `${text}.` : `${text.slice(0, e)}.${text.slice(e)}`;
}

/** Groups the integer digits of a magnitude in threes with commas. */
function grouped(magnitude: string): string {
  const point = magnitude.search(/[.eE]/);
  const int = point < 0 ? magnitude : magnitude.slice(0, point);
  const rest = point < 0 ? '' : magnitude.slice(point);
  return int.replace(/\B(?=(\d{3})+$)/g, ',') + rest;
}

/**
 * A signed number's text from its magnitude: grouping, the sign (`-`, `+`, space, or parentheses),
 * zero padding up to `width` after the sign, then space padding to `width`.
 */
export function signed(magnitude: string, negative: boolean, f: NumberFlags, width: number): string {
  let body = f.group ? grouped(magnitude) : magnitude;
  const lead = negative ? (f.parentheses ? '(' : '-') : f.plus ? '+' : f.space ? ' ' : '';
  const trail = negative && f.parentheses ? ')' : '';
  if (f.zero && width > 0) body = body.padStart(width - lead.length - trail.length, '0');
  return justify(lead + body + trail, width, f.left);
}

export function justify(text: string, width: number, left: boolean): string {
  if (width <= text.length) return text;
  return left ? text.padEnd(width) : text.padStart(width);
}

/** `%x`/`%o` of a Java long: two's complement for negative values, `#` adds 0x or 0. */
export function unsignedBody(v: bigint, radix: 8 | 16, f: NumberFlags, width: number): string {
  const digits = BigInt.asUintN(64, v).toString(radix);
  const prefix = f.alternate ? (radix === 16 ? '0x' : '0') : '';
  const body = f.zero ? digits.padStart(width - prefix.length, '0') : digits;
  return justify(prefix + body, width, f.left);
}

/** Java's BigDecimal.toString: plain unless the exponent is below -6 (scale here is never negative). */
export function bigDecimalString(d: Decimal): string {
  const negative = d.unscaled < 0n;
  const digits = (negative ? -d.unscaled : d.unscaled).toString();
  const adjusted = digits.length - 1 - d.scale;
  if (d.scale <= 0 || adjusted >= -6) return (negative ? '-' : '') + plainDigits(d);
  const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  return `${negative ? '-' : ''}${mantissa}E${adjusted}`;
}

/** Java's Double.toString (and Float.toString for reals, through `formatReal`). */
export { formatDouble as doubleString };
