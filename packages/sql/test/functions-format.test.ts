/**
 * format(): Java's String.format over the values Trino passes it (integers as Long, decimals as
 * BigDecimal, doubles, strings, dates as LocalDate, timestamps as LocalDateTime), its checks and
 * its errors as Trino reports them. Expected texts are what Java 17+ prints (Trino's own test
 * cases where they exist).
 */
import { expect } from 'chai';
import { expectError } from './support/errors.js';
import { value } from './support/expressions.js';

const CASES: [string, string | null][] = [
  // Trino's documentation
  ["format('%s%%', 123)", '123%'],
  ["format('%.5f', pi())", '3.14159'],
  ["format('%03d', 8)", '008'],
  ["format('%,.2f', 1234567.89)", '1,234,567.89'],
  ["format('%-7s,%7s', 'hello', 'world')", 'hello  ,  world'],
  ["format('%2$s %3$s %1$s', 'a', 'b', 'c')", 'b c a'],
  ["format('%1$tA, %1$tB %1$te, %1$tY', date '2006-07-04')", 'Tuesday, July 4, 2006'],
  // integers: width, zero padding, grouping, signs, parentheses; hexadecimal and octal
  [
    "format('%d|%5d|%-5d|%05d|%,d|%+d|% d|%(d', 42, 42, 42, 42, 1234567, 42, 42, -42)",
    '42|   42|42   |00042|1,234,567|+42| 42|(42)',
  ],
  ["format('%x %X %o %#x %#o %08x', 255, 255, 8, 255, 8, 255)", 'ff FF 10 0xff 010 000000ff'],
  ["format('%x', -1)", 'ffffffffffffffff'],
  ["format('%d', 9223372036854775807)", '9223372036854775807'],
  // floating point: HALF_UP on the shortest decimal digits, %e and %g
  ["format('%.2f', 0.125e0)", '0.13'],
  ["format('%.1f', 0.15e0)", '0.2'],
  ["format('%.0f', 2.5e0)", '3'],
  ["format('%f', 1e0)", '1.000000'],
  ["format('%10.4f|%-10.2f|', -3.14159e0, 2.5e0)", '   -3.1416|2.50      |'],
  ["format('%05.1f', -2.5e0)", '-02.5'],
  ["format('%#.0f', 3e0)", '3.'],
  ["format('%e', 12345.678e0)", '1.234568e+04'],
  ["format('%.3E', 0.00012345e0)", '1.235E-04'],
  ["format('%.0e', 9.6e0)", '1e+01'],
  ["format('%g|%g|%g', 0.0001e0, 123456789e0, 0e0)", '0.000100000|1.23457e+08|0.00000'],
  ["format('%s|%s|%s|%s', 1.5e0, 1e10, 0.001e0, 1e-4)", '1.5|1.0E10|0.001|1.0E-4'],
  [
    "format('%s|%f|%+f|%5.1f|', nan(), infinity(), infinity(), -infinity())",
    'NaN|Infinity|+Infinity|-Infinity|',
  ],
  ["format('%.2f|%s', cast(0.1 as real), cast(0.1 as real))", '0.10|0.1'],
  // decimals are BigDecimal: exact, and written plainly unless very small
  ["format('%.1f|%s|%s|%e', 1.25, 1.50, 0.0000001, 123.456)", '1.3|1.50|1E-7|1.234560e+02'],
  // strings, booleans, NULL
  ["format('%s %S %.2s %10s|', 'abc', 'abc', 'abc', 'abc')", 'abc ABC ab        abc|'],
  ["format('%b %B %b %b', true, false, null, 'x')", 'true FALSE false true'],
  ["format('%s, %d, %f', null, null, null)", 'null, null, null'],
  ["format('%2$s %1$s %<s %s', 'a', 'b')", 'b a a a'],
  ["format('%%|%n|%5%|%-5%|', 1)", '%|\n|    %|%    |'],
  // dates and times
  ["format('%s', date '2020-01-02')", '2020-01-02'],
  [
    "format('%s|%s', timestamp '2020-01-02 03:04:05.120', timestamp '2020-01-02 03:04:00')",
    '2020-01-02T03:04:05.120|2020-01-02T03:04',
  ],
  [
    "format('%tF %<tT %<tp %<tj %<ta %<tb %<tL', timestamp '2020-03-01 15:04:05.007')",
    '2020-03-01 15:04:05 pm 061 Sun Mar 007',
  ],
  ["format('%tY', 86400000)", '1970'],
  ["format('%s', interval '2' day)", '2 00:00:00.000'],
  ['format(null, 1)', null],
];

const ERRORS: [string, string][] = [
  ["format('%d', 'x')", 'Invalid format string: %d (IllegalFormatConversion: d != java.lang.String)'],
  ["format('%d', 1.5)", 'Invalid format string: %d (IllegalFormatConversion: d != java.math.BigDecimal)'],
  ["format('%.2f', 1)", 'Invalid format string: %.2f (IllegalFormatConversion: f != java.lang.Long)'],
  ["format('%c', 65)", 'Invalid format string: %c (IllegalFormatConversion: c != java.lang.Long)'],
  ["format('%s %s', 'a')", "Invalid format string: %s %s (MissingFormatArgument: Format specifier '%s')"],
  ["format('%q', 1)", "Invalid format string: %q (UnknownFormatConversion: Conversion = 'q')"],
  ["format('abc %', 1)", "Invalid format string: abc % (UnknownFormatConversion: Conversion = '%')"],
  ["format('%-d', 1)", 'Invalid format string: %-d (MissingFormatWidth: %-d)'],
  ["format('%+ d', 1)", "Invalid format string: %+ d (IllegalFormatFlags: Flags = '+ ')"],
  [
    "format('%#d', 1)",
    'Invalid format string: %#d (FormatFlagsConversionMismatch: Conversion = d, Flags = #)',
  ],
  ["format('%.2d', 1)", 'Invalid format string: %.2d (IllegalFormatPrecision: 2)'],
  ["format('%--5d', 1)", "Invalid format string: %--5d (DuplicateFormatFlags: Flags = '-')"],
  [
    "format('%+x', 1)",
    'Invalid format string: %+x (FormatFlagsConversionMismatch: Conversion = x, Flags = +)',
  ],
  [
    "format('%tH', date '2020-01-02')",
    'Invalid format string: %tH (UnsupportedTemporalType: Unsupported field: HourOfDay)',
  ],
  [
    "format('%tq', date '2020-01-02')",
    "Invalid format string: %tq (UnknownFormatConversion: Conversion = 'tq')",
  ],
];

describe('format()', () => {
  for (const [sql, expected] of CASES) it(sql, () => expect(value(sql)).to.equal(expected));

  for (const [sql, message] of ERRORS)
    it(`${sql} fails`, () => void expectError(() => value(sql), 'INVALID_FUNCTION_ARGUMENT', message));

  it('refuses %h and %a as not supported, and a format without values', () => {
    expectError(() => value("format('%h', 1)"), 'NOT_SUPPORTED', /%h is not supported/);
    expectError(() => value("format('%a', 1e0)"), 'NOT_SUPPORTED', /%a is not supported/);
    expectError(() => value("format('%s')"), 'FUNCTION_NOT_FOUND', /at least one value/);
  });

  it('refuses a width past the function result limit before building it', () => {
    expectError(() => value("format('%999999999s', 'x')"), 'EXCEEDED_FUNCTION_MEMORY_LIMIT');
  });
});
