/**
 * The expression compiler, driven through the planner's translator: exact integer and decimal
 * arithmetic with Trino's result types, overflow errors and IEEE doubles.
 */
import { expect } from 'chai';
import { BIGINT, DOUBLE, INTEGER, TINYINT, decimalType } from '../src/types/types.js';
import { expectError } from './support/errors.js';
import { evaluate, externals, show, typeOf, value } from './support/expressions.js';

const T = true;
const F = false;
const N = null;

describe('expressions: integer arithmetic', () => {
  it('computes integer results, truncating division toward zero', () => {
    expect([
      value('7 / 2'),
      value('-7 / 2'),
      value('7 / -2'),
      value('7 % 3'),
      value('-7 % 3'),
      value('7 % -3'),
    ]).to.deep.equal([3, -3, -3, 1, -1, 1]);
    expect([value('2 + 3 * 4'), value('(2 + 3) * 4'), value('10 - 20')]).to.deep.equal([14, 20, -10]);
    expect(typeOf('1 + 1')).to.equal('integer');
    expect(typeOf('x + 1', { x: BIGINT })).to.equal('bigint');
    expect(typeOf('x + x', { x: TINYINT })).to.equal('tinyint');
  });

  it('raises NUMERIC_VALUE_OUT_OF_RANGE on integer overflow', () => {
    expectError(() => value('2147483647 + 1'), 'NUMERIC_VALUE_OUT_OF_RANGE', 'integer arithmetic overflow');
    expectError(() => value('-2147483648 - 1'), 'NUMERIC_VALUE_OUT_OF_RANGE');
    expectError(() => value('65536 * 65536'), 'NUMERIC_VALUE_OUT_OF_RANGE');
    expectError(() => value('-2147483648 / -1'), 'NUMERIC_VALUE_OUT_OF_RANGE');
    expectError(
      () => value('CAST(100 AS tinyint) + CAST(100 AS tinyint)'),
      'NUMERIC_VALUE_OUT_OF_RANGE',
      'tinyint arithmetic overflow',
    );
    expect(value('2147483646 + 1')).to.equal(2147483647);
    expect(value('CAST(100 AS tinyint) + 100')).to.equal(200);
  });

  it('raises on negating or taking abs of the smallest value', () => {
    expectError(() => evaluate('-x', { x: INTEGER }, [[-2147483648]]), 'NUMERIC_VALUE_OUT_OF_RANGE');
    expectError(() => evaluate('-x', { x: TINYINT }, [[-128]]), 'NUMERIC_VALUE_OUT_OF_RANGE');
    expectError(() => evaluate('abs(x)', { x: INTEGER }, [[-2147483648]]), 'NUMERIC_VALUE_OUT_OF_RANGE');
    expectError(() => evaluate('-x', { x: BIGINT }, [[-9223372036854775808n]]), 'NUMERIC_VALUE_OUT_OF_RANGE');
    expectError(
      () => evaluate('abs(x)', { x: BIGINT }, [[-9223372036854775808n]]),
      'NUMERIC_VALUE_OUT_OF_RANGE',
    );
    expect(evaluate('-x', { x: INTEGER }, [[2147483647], [-5], [0]])).to.deep.equal([-2147483647, 5, 0]);
    expect(evaluate('abs(x)', { x: BIGINT }, [[-9223372036854775807n], [-3]])).to.deep.equal([
      9223372036854775807n,
      3,
    ]);
  });

  it('negates literals, negative ones too', () => {
    expect(value('-(-5)')).to.equal(5);
    expect(value('-(-(-5))')).to.equal(-5);
    expect(value('-(-2.5)')).to.equal(25);
    expect(value('-(-1.5E0)')).to.equal(1.5);
    expect(value('- -5')).to.equal(5);
    expect(evaluate('x - -5', { x: INTEGER }, [[1]])).to.deep.equal([6]);
  });

  it('raises DIVISION_BY_ZERO for integers, bigints and decimals', () => {
    expectError(() => value('1 / 0'), 'DIVISION_BY_ZERO', 'Division by zero');
    expectError(() => value('1 % 0'), 'DIVISION_BY_ZERO');
    expectError(() => evaluate('x / 0', { x: BIGINT }, [[5]]), 'DIVISION_BY_ZERO');
    expectError(
      () => evaluate('x % y', { x: BIGINT, y: BIGINT }, [[9007199254740993n, 0]]),
      'DIVISION_BY_ZERO',
    );
    expectError(() => value('1.5 / 0'), 'DIVISION_BY_ZERO');
    expectError(() => value('1.5 % 0.0'), 'DIVISION_BY_ZERO');
  });

  it('keeps bigints beyond 2^53 exact', () => {
    expect(value('9007199254740993')).to.equal(9007199254740993n);
    expect(show('9007199254740993')).to.equal('9007199254740993');
    expect(value('9007199254740992 + 1')).to.equal(9007199254740993n);
    expect(value('9007199254740991 + 2')).to.equal(9007199254740993n);
    expect(value('9007199254740993 - 2')).to.equal(9007199254740991);
    expect(value('3037000499 * 3037000499')).to.equal(9223372030926249001n);
    expect(value('9007199254740993 / 3')).to.equal(3002399751580331);
    expect(value('9007199254740993 % 10')).to.equal(3);
    expect(value('-9223372036854775807 - 1')).to.equal(-9223372036854775808n);
    expect(value('9007199254740993 > 9007199254740992')).to.equal(T);
    expect(value('9007199254740993 = 9007199254740992')).to.equal(F);
  });

  it('raises on bigint overflow', () => {
    expectError(
      () => value('9223372036854775807 + 1'),
      'NUMERIC_VALUE_OUT_OF_RANGE',
      'bigint arithmetic overflow',
    );
    expectError(() => value('3037000500 * 3037000500'), 'NUMERIC_VALUE_OUT_OF_RANGE');
    expectError(() => value('(-9223372036854775807 - 1) / -1'), 'NUMERIC_VALUE_OUT_OF_RANGE');
  });

  it('computes over wide bigint columns exactly', () => {
    const rows = [[9007199254740993n], [1], [N], [-9007199254740993n]];
    expect(evaluate('x * 2', { x: BIGINT }, rows)).to.deep.equal([
      18014398509481986n,
      2,
      N,
      -18014398509481986n,
    ]);
    expect(evaluate('x - 9007199254740992', { x: BIGINT }, rows)).to.deep.equal([
      1,
      -9007199254740991,
      N,
      -18014398509481985n,
    ]);
    expect(evaluate('x = 9007199254740993', { x: BIGINT }, rows)).to.deep.equal([T, F, N, F]);
  });

  it('follows IEEE for doubles: division by zero gives Infinity or NaN', () => {
    expect(show('1E0 / 0')).to.equal('Infinity');
    expect(show('-1E0 / 0')).to.equal('-Infinity');
    expect(show('0E0 / 0')).to.equal('NaN');
    expect(show('5E0 % 0')).to.equal('NaN');
    expect(evaluate('x / 0', { x: DOUBLE }, [[2], [0], [-1]]).map(String)).to.deep.equal([
      'Infinity',
      'NaN',
      '-Infinity',
    ]);
    expect(value('0.1E0 + 0.2E0')).to.equal(0.30000000000000004);
    expect(typeOf('1E0 + 1')).to.equal('double');
    expect(value('0E0 / 0 = 0E0 / 0')).to.equal(F);
  });
});

describe('expressions: decimal arithmetic', () => {
  const cases: [string, string, string][] = [
    ['0.1 + 0.2', 'decimal(2,1)', '0.3'],
    ['1.5 + 2.25', 'decimal(4,2)', '3.75'],
    ['1.5 - 2.25', 'decimal(4,2)', '-0.75'],
    ['-1.5 - 2.25', 'decimal(4,2)', '-3.75'],
    ['1.5 + 1', 'decimal(12,1)', '2.5'],
    ['0.1 * 0.1', 'decimal(2,2)', '0.01'],
    ['-1.5 * 2.5', 'decimal(4,2)', '-3.75'],
    ['CAST(1.25 AS decimal(15,2)) * CAST(2.5 AS decimal(15,2))', 'decimal(30,4)', '3.1250'],
    ['1.00 / 3.00', 'decimal(5,2)', '0.33'],
    ['-1.00 / 3.00', 'decimal(5,2)', '-0.33'],
    ['2.00 / 3.00', 'decimal(5,2)', '0.67'],
    ['-2.00 / 3.00', 'decimal(5,2)', '-0.67'],
    ['2.00 / -3.00', 'decimal(5,2)', '-0.67'],
    ['1 / 3.0', 'decimal(12,1)', '0.3'],
    ['10 / 4.00', 'decimal(14,2)', '2.50'],
    ['0.05 / 2', 'decimal(2,2)', '0.03'],
    ['-0.05 / 2', 'decimal(2,2)', '-0.03'],
    ['1.000 / 8', 'decimal(4,3)', '0.125'],
    ['10.5 % 3', 'decimal(3,1)', '1.5'],
    ['-10.5 % 3', 'decimal(3,1)', '-1.5'],
    ['10 % 0.3', 'decimal(1,1)', '0.1'],
    ['12345678901234567.89 * 100', 'decimal(29,2)', '1234567890123456789.00'],
    [
      "CAST('9999999999.99' AS decimal(12,2)) * CAST('9999999999.99' AS decimal(12,2))",
      'decimal(24,4)',
      '99999999999800000000.0001',
    ],
    ["CAST('12345678901234567890' AS decimal(20,0)) / 3", 'decimal(20,0)', '4115226300411522630'],
    ["CAST('9007199254740993.5' AS decimal(17,1)) + 0.5", 'decimal(18,1)', '9007199254740994.0'],
    [
      "CAST('1234567890123456789.12' AS decimal(21,2)) - CAST('1234567890123456789.1' AS decimal(20,1))",
      'decimal(22,2)',
      '0.02',
    ],
  ];
  for (const [sql, type, result] of cases) {
    it(`${sql} = ${result} :: ${type}`, () => {
      expect(typeOf(sql)).to.equal(type);
      expect(show(sql)).to.equal(result);
    });
  }

  it('raises NUMERIC_VALUE_OUT_OF_RANGE beyond 38 digits', () => {
    expectError(
      () => value("CAST('99999999999999999999999999999999999999' AS decimal(38,0)) + 1"),
      'NUMERIC_VALUE_OUT_OF_RANGE',
      'Decimal overflow',
    );
    expectError(
      () =>
        value(
          "CAST('99999999999999999999' AS decimal(20,0)) * CAST('99999999999999999999' AS decimal(20,0))",
        ),
      'NUMERIC_VALUE_OUT_OF_RANGE',
    );
  });

  it('goes to double when mixed with a double', () => {
    expect(typeOf('1.5 + 1E0')).to.equal('double');
    expect(value('1.5 + 1E0')).to.equal(2.5);
    expect(value('1.5 * 2E0')).to.equal(3);
  });

  it('compares decimals of different scales by value', () => {
    expect(value('1 = 1.0')).to.equal(T);
    expect(value('1.10 = 1.1')).to.equal(T);
    expect(value('2.5 > 2')).to.equal(T);
    expect(value('-0.01 < 0')).to.equal(T);
  });

  it('computes over decimal columns, scales aligned per row', () => {
    const cols = { a: decimalType(12, 2), b: decimalType(5, 3) };
    const rows = [
      [1050, 1],
      [-1, 500],
      [N, 1],
    ];
    expect(externals('a + b', cols, rows)).to.deep.equal(['10.501', '0.490', N]);
    expect(externals('a * b', cols, rows)).to.deep.equal(['0.01050', '-0.00500', N]);
    expect(externals('a / b', cols, rows)).to.deep.equal(['10500.000', '-0.020', N]);
  });
});
