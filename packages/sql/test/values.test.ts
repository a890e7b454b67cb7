/** Native values: exact decimals as unscaled longs, dates as days, timestamps as µs, and their text forms. */
import { expect } from 'chai';
import {
  BIGINT,
  BOOLEAN,
  DATE,
  DOUBLE,
  INTEGER,
  INTERVAL_DAY_TIME,
  INTERVAL_YEAR_MONTH,
  REAL,
  SMALLINT,
  TINYINT,
  UNKNOWN,
  VARCHAR,
  charType,
  decimalType,
  type DataType,
} from '../src/types/types.js';
import {
  addLong,
  addMonthsToDays,
  civilFromDays,
  compareLong,
  daysInMonth,
  divideRoundHalfUp,
  fitsPrecision,
  formatDate,
  formatDecimal,
  formatIntervalDayTime,
  formatIntervalYearMonth,
  formatTimestamp,
  fromExternal,
  multiplyLong,
  normalizeLong,
  parseDate,
  parseDecimal,
  parseTimestamp,
  rescaleLong,
  subtractLong,
  toExternal,
} from '../src/types/values.js';
import { expectError } from './support/errors.js';

const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const day = (text: string): number => {
  const d = parseDate(text);
  if (d === undefined) throw new Error(`bad test date ${text}`);
  return d;
};

describe('values: longs', () => {
  it('keeps safe integers as numbers and larger values as bigints', () => {
    expect(normalizeLong(42n)).to.equal(42);
    expect(normalizeLong(BigInt(MAX_SAFE))).to.equal(MAX_SAFE);
    expect(normalizeLong(-BigInt(MAX_SAFE))).to.equal(-MAX_SAFE);
    expect(normalizeLong(BigInt(MAX_SAFE) + 1n)).to.equal(9007199254740992n);
    expect(normalizeLong(-BigInt(MAX_SAFE) - 1n)).to.equal(-9007199254740992n);
  });

  it('adds, subtracts and multiplies exactly across 2^53 in both directions', () => {
    expect(addLong(MAX_SAFE, 1)).to.equal(9007199254740992n);
    expect(addLong(MAX_SAFE, 2)).to.equal(9007199254740993n);
    expect(addLong(9007199254740993n, -2)).to.equal(MAX_SAFE);
    expect(subtractLong(-MAX_SAFE, 2)).to.equal(-9007199254740993n);
    expect(subtractLong(9007199254740993n, 9007199254740993n)).to.equal(0);
    expect(multiplyLong(2 ** 30, 2 ** 30)).to.equal(1152921504606846976n);
    expect(multiplyLong(3037000499, 3037000499)).to.equal(9223372030926249001n);
    expect(multiplyLong(-4, 5)).to.equal(-20);
  });

  it('compares numbers and bigints by value', () => {
    expect(compareLong(1, 2n)).to.equal(-1);
    expect(compareLong(3n, 3)).to.equal(0);
    expect(compareLong(9007199254740993n, MAX_SAFE)).to.equal(1);
  });

  it('divides rounding half away from zero', () => {
    expect(divideRoundHalfUp(7n, 2n)).to.equal(4n);
    expect(divideRoundHalfUp(-7n, 2n)).to.equal(-4n);
    expect(divideRoundHalfUp(5n, 3n)).to.equal(2n);
    expect(divideRoundHalfUp(-5n, 3n)).to.equal(-2n);
    expect(divideRoundHalfUp(4n, 3n)).to.equal(1n);
    expect(divideRoundHalfUp(-4n, 3n)).to.equal(-1n);
    expect(divideRoundHalfUp(6n, 3n)).to.equal(2n);
  });
});

describe('values: decimals', () => {
  it('parses text to the unscaled value at a scale', () => {
    expect(parseDecimal('123.45', 2)).to.equal(12345);
    expect(parseDecimal('-123.45', 2)).to.equal(-12345);
    expect(parseDecimal('12', 3)).to.equal(12000);
    expect(parseDecimal('+3', 0)).to.equal(3);
    expect(parseDecimal('.5', 1)).to.equal(5);
    expect(parseDecimal('5.', 0)).to.equal(5);
    expect(parseDecimal('  7  ', 0)).to.equal(7);
    expect(parseDecimal('0007.10', 2)).to.equal(710);
    expect(parseDecimal('1e3', 0)).to.equal(1000);
    expect(parseDecimal('1.5E-1', 2)).to.equal(15);
    expect(parseDecimal('-2.5e2', 1)).to.equal(-2500);
    expect(parseDecimal('0', 5)).to.equal(0);
    expect(parseDecimal('-0.00', 2)).to.equal(0);
  });

  it('rounds half away from zero when the text has more digits than the scale', () => {
    expect(parseDecimal('1.005', 2)).to.equal(101);
    expect(parseDecimal('-1.005', 2)).to.equal(-101);
    expect(parseDecimal('1.0049999', 2)).to.equal(100);
    expect(parseDecimal('0.5', 0)).to.equal(1);
    expect(parseDecimal('-0.5', 0)).to.equal(-1);
    expect(parseDecimal('2.5', 0)).to.equal(3);
    expect(parseDecimal('0.49', 0)).to.equal(0);
    expect(parseDecimal('0.004', 2)).to.equal(0);
    expect(parseDecimal('0.00000001', 2)).to.equal(0);
    expect(parseDecimal('5e-3', 2)).to.equal(1);
  });

  it('is exact beyond 2^53, as bigints', () => {
    expect(parseDecimal('9007199254740991', 0)).to.equal(MAX_SAFE);
    expect(parseDecimal('9007199254740993', 0)).to.equal(9007199254740993n);
    expect(parseDecimal('12345678901234567890.12', 2)).to.equal(1234567890123456789012n);
    expect(parseDecimal('-99999999999999999999999999999999999999', 0)).to.equal(-(10n ** 38n - 1n));
    expect(parseDecimal('0.12345678901234567890123456789012345678', 38)).to.equal(
      12345678901234567890123456789012345678n,
    );
  });

  it('rejects text that is not a number', () => {
    for (const text of ['', ' ', 'abc', '1.2.3', '--1', '.', '1e', '1 2', '0x10', 'NaN', 'Infinity', '1,5']) {
      expect(parseDecimal(text, 2), text).to.equal(undefined);
    }
  });

  it('refuses values far beyond any decimal type as out of range, not with a crash', () => {
    expectError(() => parseDecimal('1e100', 0), 'NUMERIC_VALUE_OUT_OF_RANGE');
    expectError(() => parseDecimal('1e999999999', 2), 'NUMERIC_VALUE_OUT_OF_RANGE');
    // tiny values and long fractions are fine
    expect(parseDecimal('1e-999999999', 2)).to.equal(0);
    expect(parseDecimal(`0.${'0'.repeat(99)}5`, 0)).to.equal(0);
    expect(parseDecimal(`1${'0'.repeat(37)}.5`, 0)).to.equal(10n ** 37n + 1n);
  });

  it('formats unscaled values with exactly `scale` fraction digits', () => {
    expect(formatDecimal(12345, 2)).to.equal('123.45');
    expect(formatDecimal(-12345, 2)).to.equal('-123.45');
    expect(formatDecimal(5, 2)).to.equal('0.05');
    expect(formatDecimal(-5, 2)).to.equal('-0.05');
    expect(formatDecimal(0, 2)).to.equal('0.00');
    expect(formatDecimal(0, 0)).to.equal('0');
    expect(formatDecimal(-7, 0)).to.equal('-7');
    expect(formatDecimal(100, 2)).to.equal('1.00');
    expect(formatDecimal(1234567890123456789012n, 2)).to.equal('12345678901234567890.12');
    expect(formatDecimal(-(10n ** 38n - 1n), 38)).to.equal(`-0.${'9'.repeat(38)}`);
  });

  it('round-trips text through parse and format', () => {
    const cases: [string, number][] = [
      ['0.00', 2],
      ['1.50', 2],
      ['-1.50', 2],
      ['-0.01', 2],
      ['123456789012345.678', 3],
      ['-9007199254740993', 0],
      ['99999999999999999999999999999999999999', 0],
      ['-9999999999999999999999999999.9999999999', 10],
      ['0.000000000000000000000000000000000001', 36],
    ];
    for (const [text, scale] of cases)
      expect(formatDecimal(parseDecimal(text, scale)!, scale)).to.equal(text);
  });

  it('rescales up exactly and down rounding half away from zero', () => {
    expect(rescaleLong(12345, 2, 4)).to.equal(1234500);
    expect(rescaleLong(12345, 2, 2)).to.equal(12345);
    expect(rescaleLong(12345, 2, 1)).to.equal(1235);
    expect(rescaleLong(-12345, 2, 1)).to.equal(-1235);
    expect(rescaleLong(12344, 2, 1)).to.equal(1234);
    expect(rescaleLong(15, 1, 0)).to.equal(2);
    expect(rescaleLong(25, 1, 0)).to.equal(3);
    expect(rescaleLong(-25, 1, 0)).to.equal(-3);
    expect(rescaleLong(MAX_SAFE, 0, 2)).to.equal(900719925474099100n);
    expect(rescaleLong(900719925474099100n, 2, 0)).to.equal(MAX_SAFE);
    expect(rescaleLong(900719925474099150n, 2, 0)).to.equal(9007199254740992n);
  });

  it('checks precision on numbers and bigints', () => {
    expect(fitsPrecision(99999, 5)).to.equal(true);
    expect(fitsPrecision(-99999, 5)).to.equal(true);
    expect(fitsPrecision(100000, 5)).to.equal(false);
    expect(fitsPrecision(-100000, 5)).to.equal(false);
    expect(fitsPrecision(MAX_SAFE, 16)).to.equal(true);
    expect(fitsPrecision(MAX_SAFE, 15)).to.equal(false);
    expect(fitsPrecision(10n ** 38n - 1n, 38)).to.equal(true);
    expect(fitsPrecision(-(10n ** 38n), 38)).to.equal(false);
  });
});

describe('values: dates', () => {
  it('parses ISO dates to days since 1970-01-01', () => {
    expect(parseDate('1970-01-01')).to.equal(0);
    expect(parseDate('1970-01-02')).to.equal(1);
    expect(parseDate('1969-12-31')).to.equal(-1);
    expect(parseDate('2000-03-01')).to.equal(11017);
    expect(parseDate('2024-02-29')).to.equal(19782);
    expect(parseDate(' 2024-3-5 ')).to.equal(19787);
    expect(parseDate('1900-01-01')).to.equal(-25567);
  });

  it('knows leap years and month lengths', () => {
    expect(daysInMonth(2024, 2)).to.equal(29);
    expect(daysInMonth(2023, 2)).to.equal(28);
    expect(daysInMonth(1900, 2)).to.equal(28);
    expect(daysInMonth(2000, 2)).to.equal(29);
    expect(daysInMonth(2023, 4)).to.equal(30);
    expect(daysInMonth(2023, 12)).to.equal(31);
    expect(parseDate('2000-02-29')).to.equal(11016);
    expect(parseDate('2023-02-29')).to.equal(undefined);
    expect(parseDate('1900-02-29')).to.equal(undefined);
  });

  it('rejects invalid dates', () => {
    for (const text of [
      '2024-13-01',
      '2024-00-10',
      '2024-04-31',
      '2024-01-00',
      '2024-01-32',
      'not a date',
      '2024/01/01',
      '20240101',
      '',
    ]) {
      expect(parseDate(text), text).to.equal(undefined);
    }
  });

  it('formats days as YYYY-MM-DD, also before 1970 and for years below 1000', () => {
    expect(formatDate(0)).to.equal('1970-01-01');
    expect(formatDate(-1)).to.equal('1969-12-31');
    expect(formatDate(19782)).to.equal('2024-02-29');
    expect(formatDate(day('0050-06-01'))).to.equal('0050-06-01');
    expect(formatDate(day('0001-01-01'))).to.equal('0001-01-01');
    expect(civilFromDays(day('1999-12-31'))).to.deep.equal({ year: 1999, month: 12, day: 31 });
  });

  it('round-trips every day of a leap year and its neighbours', () => {
    for (let d = day('2023-12-25'); d <= day('2025-01-05'); d++) expect(parseDate(formatDate(d))).to.equal(d);
  });

  it('adds months clamping the day to the end of a shorter month', () => {
    const plus = (text: string, months: number) => formatDate(addMonthsToDays(day(text), months));
    expect(plus('2024-01-31', 1)).to.equal('2024-02-29');
    expect(plus('2023-01-31', 1)).to.equal('2023-02-28');
    expect(plus('2024-03-31', -1)).to.equal('2024-02-29');
    expect(plus('2024-05-31', 1)).to.equal('2024-06-30');
    expect(plus('2024-02-29', 12)).to.equal('2025-02-28');
    expect(plus('2024-01-15', -13)).to.equal('2022-12-15');
    expect(plus('2024-12-15', 1)).to.equal('2025-01-15');
    expect(plus('1970-01-01', -1)).to.equal('1969-12-01');
    expect(plus('2024-01-31', 0)).to.equal('2024-01-31');
  });
});

describe('values: timestamps and intervals', () => {
  const at = day('2024-03-15') * 86_400_000_000 + (10 * 3600 + 30 * 60 + 45) * 1_000_000;

  it('parses timestamps to microseconds', () => {
    expect(parseTimestamp('1970-01-01 00:00:00')).to.equal(0);
    expect(parseTimestamp('1970-01-01')).to.equal(0);
    expect(parseTimestamp('2024-03-15 10:30:45')).to.equal(at);
    expect(parseTimestamp('2024-03-15T10:30:45.123456')).to.equal(at + 123456);
    expect(parseTimestamp('2024-03-15 10:30:45.1')).to.equal(at + 100000);
    expect(parseTimestamp('2024-03-15 10:30')).to.equal(at - 45_000_000);
    expect(parseTimestamp('1969-12-31 23:59:59.5')).to.equal(-500000);
  });

  it('rejects invalid timestamps', () => {
    for (const text of [
      '2024-03-15 24:00:00',
      '2024-03-15 10:60',
      '2024-03-15 10:30:60',
      '2024-02-30 00:00',
      'x',
    ]) {
      expect(parseTimestamp(text), text).to.equal(undefined);
    }
  });

  it('formats timestamps at a precision, truncating the fraction', () => {
    expect(formatTimestamp(at + 123456, 6)).to.equal('2024-03-15 10:30:45.123456');
    expect(formatTimestamp(at + 123456, 3)).to.equal('2024-03-15 10:30:45.123');
    expect(formatTimestamp(at + 123456, 0)).to.equal('2024-03-15 10:30:45');
    expect(formatTimestamp(at)).to.equal('2024-03-15 10:30:45.000');
    expect(formatTimestamp(-500000, 1)).to.equal('1969-12-31 23:59:59.5');
  });

  it('formats intervals as Trino prints them', () => {
    expect(formatIntervalDayTime(90_061_001)).to.equal('1 01:01:01.001');
    expect(formatIntervalDayTime(-86_400_000)).to.equal('-1 00:00:00.000');
    expect(formatIntervalDayTime(0)).to.equal('0 00:00:00.000');
    expect(formatIntervalYearMonth(14)).to.equal('1-2');
    expect(formatIntervalYearMonth(-14)).to.equal('-1-2');
    expect(formatIntervalYearMonth(0)).to.equal('0-0');
  });
});

describe('values: what clients see', () => {
  const cases: [DataType, unknown, unknown][] = [
    [BOOLEAN, true, true],
    [BOOLEAN, false, false],
    [TINYINT, -5, -5],
    [SMALLINT, 300, 300],
    [INTEGER, -7, -7],
    [BIGINT, 42, 42],
    [BIGINT, 9007199254740993n, '9007199254740993'],
    [BIGINT, -9223372036854775808n, '-9223372036854775808'],
    [REAL, 1.5, 1.5],
    [DOUBLE, 0.1, 0.1],
    [DOUBLE, NaN, 'NaN'],
    [DOUBLE, Infinity, 'Infinity'],
    [DOUBLE, -Infinity, '-Infinity'],
    [decimalType(5, 2), -5, '-0.05'],
    [decimalType(38, 0), 10n ** 37n, `1${'0'.repeat(37)}`],
    [VARCHAR, 'x', 'x'],
    [charType(3), 'ab', 'ab'],
    [DATE, 0, '1970-01-01'],
    [{ kind: 'timestamp', precision: 3 }, 1_500_000, '1970-01-01 00:00:01.500'],
    [INTERVAL_DAY_TIME, 90_061_001, '1 01:01:01.001'],
    [INTERVAL_YEAR_MONTH, 26, '2-2'],
    [UNKNOWN, false, null],
  ];
  for (const [type, native, external] of cases) {
    it(`${type.kind} ${String(native)} → ${JSON.stringify(external)}`, () => {
      expect(toExternal(type, native)).to.deep.equal(external);
    });
  }

  it('gives NULL for null of every type', () => {
    for (const [type] of cases) expect(toExternal(type, null)).to.equal(null);
  });

  it('prints a small bigint held in a wide block as a number', () => {
    // blocks with one value beyond 2^53 hold all their values as bigints
    expect(toExternal(BIGINT, 5n)).to.equal(5);
    expect(toExternal(BIGINT, -9007199254740991n)).to.equal(-9007199254740991);
  });

  it('reads external values back', () => {
    expect(fromExternal(decimalType(10, 2), '12.34')).to.equal(1234);
    expect(fromExternal(DATE, '2024-02-29')).to.equal(19782);
    expect(fromExternal({ kind: 'timestamp', precision: 3 }, '1970-01-01 00:00:01.500')).to.equal(1_500_000);
    expect(fromExternal(BIGINT, '9007199254740993')).to.equal(9007199254740993n);
    expect(fromExternal(BIGINT, '12')).to.equal(12);
    expect(fromExternal(INTEGER, 3)).to.equal(3);
    expect(fromExternal(VARCHAR, null)).to.equal(null);
    expectError(() => fromExternal(DATE, '2024-02-30'), 'INVALID_CAST_ARGUMENT');
    expectError(() => fromExternal(decimalType(10, 2), 'ten'), 'INVALID_CAST_ARGUMENT');
  });
});
