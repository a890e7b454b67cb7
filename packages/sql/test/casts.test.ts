/** CAST and TRY_CAST between types: valid conversions, rounding, range checks and errors. */
import { expect } from 'chai';
import { canCast, formatDouble } from '../src/functions/casts.js';
import { BIGINT, BOOLEAN, DATE, DOUBLE, INTEGER, VARCHAR, decimalType } from '../src/types/types.js';
import { expectError } from './support/errors.js';
import { evaluate, show, translate, typeOf, value } from './support/expressions.js';

describe('casts: from varchar', () => {
  it('to integer types', () => {
    expect([
      value("CAST('42' AS integer)"),
      value("CAST('-7' AS integer)"),
      value("CAST('+7' AS integer)"),
    ]).to.deep.equal([42, -7, 7]);
    expect(value("CAST('0042' AS smallint)")).to.equal(42);
    expect(value("CAST('-128' AS tinyint)")).to.equal(-128);
    for (const text of ['abc', '1.5', '', '1e3', '12a', '--1', '0x10']) {
      expectError(
        () => value(`CAST('${text}' AS integer)`),
        'INVALID_CAST_ARGUMENT',
        `Cannot cast '${text}' to INTEGER`,
      );
    }
  });

  it('to integers out of range', () => {
    expectError(
      () => value("CAST('2147483648' AS integer)"),
      'NUMERIC_VALUE_OUT_OF_RANGE',
      'Out of range for integer: 2147483648',
    );
    expectError(() => value("CAST('128' AS tinyint)"), 'NUMERIC_VALUE_OUT_OF_RANGE');
    expectError(() => value("CAST('9223372036854775808' AS bigint)"), 'NUMERIC_VALUE_OUT_OF_RANGE');
  });

  it('to bigint, exactly beyond 2^53', () => {
    expect(value("CAST('9223372036854775807' AS bigint)")).to.equal(9223372036854775807n);
    expect(value("CAST('-9223372036854775808' AS bigint)")).to.equal(-9223372036854775808n);
    expect(value("CAST('9007199254740993' AS bigint)")).to.equal(9007199254740993n);
    expect(value("CAST('12' AS bigint)")).to.equal(12);
  });

  it('to decimal, rounding half away from zero', () => {
    expect(show("CAST('12.345' AS decimal(10,2))")).to.equal('12.35');
    expect(show("CAST('-12.345' AS decimal(10,2))")).to.equal('-12.35');
    expect(show("CAST('12.344' AS decimal(10,2))")).to.equal('12.34');
    expect(show("CAST('1e2' AS decimal(10,2))")).to.equal('100.00');
    expect(show("CAST('.5' AS decimal(1,0))")).to.equal('1');
    expect(show("CAST('12345678901234567890.123' AS decimal(38,3))")).to.equal('12345678901234567890.123');
    expectError(
      () => value("CAST('abc' AS decimal(10,2))"),
      'INVALID_CAST_ARGUMENT',
      "Cannot cast 'abc' to DECIMAL(10,2)",
    );
    expectError(
      () => value("CAST('123456789.5' AS decimal(10,2))"),
      'INVALID_CAST_ARGUMENT',
      "Cannot cast VARCHAR '123456789.5' to DECIMAL(10, 2). Value too large.",
    );
    expectError(() => value("CAST('1e100' AS decimal(38,0))"), 'INVALID_CAST_ARGUMENT');
  });

  it('to double and real', () => {
    expect(value("CAST('1.5' AS double)")).to.equal(1.5);
    expect(value("CAST('-1e3' AS double)")).to.equal(-1000);
    expect(value("CAST('.25' AS double)")).to.equal(0.25);
    expect(value("CAST(' 2 ' AS double)")).to.equal(2);
    expect(String(value("CAST('NaN' AS double)"))).to.equal('NaN');
    expect(value("CAST('Infinity' AS double)")).to.equal(Infinity);
    expect(value("CAST('-infinity' AS double)")).to.equal(-Infinity);
    expect(value("CAST('0.1' AS real)")).to.equal(Math.fround(0.1));
    for (const text of ['abc', '', '1.5.1', '0x10', '0b1', '1,5']) {
      expectError(
        () => value(`CAST('${text}' AS double)`),
        'INVALID_CAST_ARGUMENT',
        `Cannot cast '${text}' to DOUBLE`,
      );
    }
  });

  it('to date and timestamp', () => {
    expect(show("CAST('2024-02-29' AS date)")).to.equal('2024-02-29');
    expect(show("CAST('1969-12-31' AS date)")).to.equal('1969-12-31');
    expect(show("CAST('2024-03-15 10:30:45.123' AS timestamp)")).to.equal('2024-03-15 10:30:45.123');
    expectError(
      () => value("CAST('2023-02-29' AS date)"),
      'INVALID_CAST_ARGUMENT',
      "Cannot cast '2023-02-29' to DATE",
    );
    expectError(() => value("CAST('yesterday' AS date)"), 'INVALID_CAST_ARGUMENT');
    expectError(
      () => value("CAST('2024-03-15 25:00' AS timestamp)"),
      'INVALID_CAST_ARGUMENT',
      /to TIMESTAMP\(3\)/,
    );
  });

  it('to boolean', () => {
    const texts = ['true', 'TRUE', 't', '1', 'false', 'False', 'f', '0'];
    expect(texts.map((t) => value(`CAST('${t}' AS boolean)`))).to.deep.equal([
      true,
      true,
      true,
      true,
      false,
      false,
      false,
      false,
    ]);
    expectError(
      () => value("CAST('yes' AS boolean)"),
      'INVALID_CAST_ARGUMENT',
      "Cannot cast 'yes' to BOOLEAN",
    );
  });

  it('to shorter varchar and char, truncating', () => {
    expect(value("CAST('abcdef' AS varchar(3))")).to.equal('abc');
    expect(value("CAST('ab' AS varchar(3))")).to.equal('ab');
    expect(value("CAST('ab' AS char(5))")).to.equal('ab');
    expect(typeOf("CAST('ab' AS varchar(3))")).to.equal('varchar(3)');
  });
});

describe('casts: between numbers', () => {
  it('decimal to integer rounds half away from zero', () => {
    expect([
      value('CAST(2.5 AS integer)'),
      value('CAST(-2.5 AS integer)'),
      value('CAST(2.4 AS integer)'),
    ]).to.deep.equal([3, -3, 2]);
    expect(value('CAST(0.5 AS tinyint)')).to.equal(1);
    expect(value("CAST(CAST('9007199254740993.4' AS decimal(20,1)) AS bigint)")).to.equal(9007199254740993n);
    expectError(() => value('CAST(2147483647.5 AS integer)'), 'NUMERIC_VALUE_OUT_OF_RANGE');
  });

  it('decimal to decimal rescales and checks precision', () => {
    expect(show('CAST(1.255 AS decimal(3,2))')).to.equal('1.26');
    expect(show('CAST(-1.255 AS decimal(3,2))')).to.equal('-1.26');
    expect(show('CAST(1.5 AS decimal(10,4))')).to.equal('1.5000');
    expectError(
      () => value('CAST(123.4 AS decimal(3,1))'),
      'INVALID_CAST_ARGUMENT',
      "Cannot cast DECIMAL(4, 1) '123.4' to DECIMAL(3, 1)",
    );
    expectError(() => value('CAST(99.96 AS decimal(3,1))'), 'INVALID_CAST_ARGUMENT');
  });

  it('decimal to double and to varchar', () => {
    expect(value('CAST(1.25 AS double)')).to.equal(1.25);
    expect(value('CAST(-0.001 AS double)')).to.equal(-0.001);
    expect(value("CAST(CAST('12345678901234567890.5' AS decimal(21,1)) AS double)")).to.equal(
      12345678901234567890.5,
    );
    expect(value('CAST(1.50 AS varchar)')).to.equal('1.50');
    expect(value('CAST(-0.05 AS varchar)')).to.equal('-0.05');
    expect(value('CAST(12.5 AS varchar(2))')).to.equal('12');
  });

  it('double to decimal goes through the shortest decimal text', () => {
    expect(show('CAST(2.5E0 AS decimal(2,0))')).to.equal('3');
    expect(show('CAST(-2.5E0 AS decimal(2,0))')).to.equal('-3');
    expect(show('CAST(0.1E0 AS decimal(5,4))')).to.equal('0.1000');
    expect(show('CAST(1E-7 AS decimal(10,8))')).to.equal('0.00000010');
    expect(show('CAST(123.456E0 AS decimal(4,1))')).to.equal('123.5');
    expect(show('CAST(1E20 AS decimal(21,0))')).to.equal('100000000000000000000');
    expectError(
      () => value('CAST(0E0 / 0 AS decimal(5,2))'),
      'INVALID_CAST_ARGUMENT',
      "Cannot cast 'NaN' to DECIMAL(5,2)",
    );
    expectError(() => value('CAST(1E100 AS decimal(38,0))'), 'INVALID_CAST_ARGUMENT');
    expectError(
      () => value('CAST(1234.5E0 AS decimal(4,1))'),
      'INVALID_CAST_ARGUMENT',
      "Cannot cast DOUBLE '1234.5' to DECIMAL(4, 1)",
    );
  });

  it('double to integer rounds half away from zero and checks range', () => {
    expect([
      value('CAST(2.5E0 AS integer)'),
      value('CAST(-2.5E0 AS integer)'),
      value('CAST(2.49E0 AS bigint)'),
    ]).to.deep.equal([3, -3, 2]);
    expect(value('CAST(9007199254740993E0 AS bigint)')).to.equal(9007199254740992n);
    expect(value('CAST(-1E18 AS bigint)')).to.equal(-1000000000000000000n);
    expectError(() => value('CAST(1E10 AS integer)'), 'NUMERIC_VALUE_OUT_OF_RANGE');
    expectError(
      () => value('CAST(1E20 AS bigint)'),
      'INVALID_CAST_ARGUMENT',
      'Unable to cast 1.0E20 to bigint',
    );
    expectError(
      () => value('CAST(0E0 / 0 AS integer)'),
      'INVALID_CAST_ARGUMENT',
      "Cannot cast 'NaN' to INTEGER",
    );
    expectError(() => value('CAST(1E0 / 0 AS bigint)'), 'INVALID_CAST_ARGUMENT');
  });

  it('double to varchar', () => {
    expect(value('CAST(1.5E0 AS varchar)')).to.equal('1.5');
    expect(value('CAST(0E0 / 0 AS varchar)')).to.equal('NaN');
    expect(value('CAST(-1E0 / 0 AS varchar)')).to.equal('-Infinity');
    expect([formatDouble(NaN), formatDouble(Infinity), formatDouble(0.1)]).to.deep.equal([
      'NaN',
      'Infinity',
      '0.1',
    ]);
  });

  it('integers to integers, decimals and back', () => {
    expect(show('CAST(5 AS decimal(3,1))')).to.equal('5.0');
    expect(show('CAST(9007199254740993 AS decimal(20,2))')).to.equal('9007199254740993.00');
    expect(value('CAST(127 AS tinyint)')).to.equal(127);
    expect(value('CAST(9007199254740993 AS double)')).to.equal(9007199254740992);
    expectError(
      () => value('CAST(100 AS decimal(3,1))'),
      'INVALID_CAST_ARGUMENT',
      "Cannot cast INTEGER '100' to DECIMAL(3, 1)",
    );
    expectError(
      () => value('CAST(128 AS tinyint)'),
      'NUMERIC_VALUE_OUT_OF_RANGE',
      'Out of range for tinyint: 128',
    );
    expectError(() => value('CAST(40000 AS smallint)'), 'NUMERIC_VALUE_OUT_OF_RANGE');
    expectError(() => value('CAST(9223372036854775807 AS integer)'), 'NUMERIC_VALUE_OUT_OF_RANGE');
  });
});

describe('casts: booleans, dates, timestamps', () => {
  it('boolean to and from numbers and text', () => {
    expect([
      value('CAST(0 AS boolean)'),
      value('CAST(5 AS boolean)'),
      value('CAST(0.0 AS boolean)'),
    ]).to.deep.equal([false, true, false]);
    expect([
      value('CAST(true AS integer)'),
      value('CAST(false AS bigint)'),
      show('CAST(true AS decimal(3,1))'),
    ]).to.deep.equal([1, 0, '1.0']);
    expect([value('CAST(true AS varchar)'), value('CAST(false AS varchar)')]).to.deep.equal([
      'true',
      'false',
    ]);
  });

  it('dates and timestamps to text and to each other', () => {
    expect(value("CAST(date '2024-02-29' AS varchar)")).to.equal('2024-02-29');
    expect(show("CAST(date '2024-02-29' AS timestamp)")).to.equal('2024-02-29 00:00:00.000');
    expect(show("CAST(timestamp '1969-12-31 23:00:00' AS date)")).to.equal('1969-12-31');
    expect(show("CAST(timestamp '2024-03-15 23:59:59.999' AS date)")).to.equal('2024-03-15');
    expect(value("CAST(timestamp '2024-03-15 10:30:45.123456' AS varchar)")).to.equal(
      '2024-03-15 10:30:45.123456',
    );
  });

  it('refuses casts Trino does not have, when translating', () => {
    expect(canCast(DATE, INTEGER)).to.equal(false);
    expect(canCast(BOOLEAN, DATE)).to.equal(false);
    expect(canCast(VARCHAR, DATE)).to.equal(true);
    expect(canCast(DOUBLE, decimalType(5, 2))).to.equal(true);
    expectError(
      () => translate('CAST(true AS date)'),
      'TYPE_MISMATCH',
      'line 1:1: Cannot cast boolean to date',
    );
  });
});

describe('casts: TRY_CAST', () => {
  it('gives NULL instead of a cast error', () => {
    expect(value("TRY_CAST('abc' AS integer)")).to.equal(null);
    expect(value("TRY_CAST('2147483648' AS integer)")).to.equal(null);
    expect(value("TRY_CAST('1e100' AS decimal(38,0))")).to.equal(null);
    expect(value('TRY_CAST(1E100 AS decimal(38,0))')).to.equal(null);
    expect(value("TRY_CAST('2023-02-29' AS date)")).to.equal(null);
    expect(value('TRY_CAST(0E0 / 0 AS integer)')).to.equal(null);
  });

  it('casts valid values as CAST does', () => {
    expect(value("TRY_CAST('12' AS integer)")).to.equal(12);
    expect(show("TRY_CAST('1.005' AS decimal(4,2))")).to.equal('1.01');
    expect(value('TRY_CAST(NULL AS integer)')).to.equal(null);
  });

  it('works row by row', () => {
    expect(
      evaluate('TRY_CAST(s AS bigint)', { s: VARCHAR }, [['1'], ['x'], ['9007199254740993'], [null], ['']]),
    ).to.deep.equal([1, null, 9007199254740993n, null, null]);
  });

  it('does not hide errors of its argument', () => {
    expectError(() => value('TRY_CAST(1 / 0 AS varchar)'), 'DIVISION_BY_ZERO');
    expectError(
      () => evaluate('TRY_CAST(x + 1 AS bigint)', { x: INTEGER }, [[2147483647]]),
      'NUMERIC_VALUE_OUT_OF_RANGE',
    );
    expect(evaluate('TRY_CAST(x AS integer)', { x: BIGINT }, [[2147483648], [5]])).to.deep.equal([null, 5]);
  });
});
