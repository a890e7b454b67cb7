/**
 * strpos with an instance (Trino's own test values), from_unixtime, and integer literal typing as
 * Trino's grammar has it: the minus of `-2147483648` belongs to the number (`number: MINUS?
 * INTEGER_VALUE`, since Trino 336), so the literal is an integer and abs() of it overflows with
 * Trino's message; `-(2147483648)` negates the bigint 2147483648.
 */
import { expect } from 'chai';
import { parseExpression } from '../src/parser/parser.js';
import { formatSql } from '../src/parser/printer.js';
import { roundTripExpression } from './parser/helpers.js';
import { expectError } from './support/errors.js';
import { typeOf, value } from './support/expressions.js';

const STRPOS: [string, number][] = [
  ["strpos('abc/xyz/foo/bar', '/', 1)", 4],
  ["strpos('abc/xyz/foo/bar', '/', 2)", 8],
  ["strpos('abc/xyz/foo/bar', '/', 3)", 12],
  ["strpos('abc/xyz/foo/bar', '/', 4)", 0],
  ["strpos('highhigh', 'ig', 1)", 2],
  ["strpos('foobarfoo', 'fb', 1)", 0],
  ["strpos('foobarfoo', 'oo', 1)", 2],
  ["strpos('abc abc abc', 'abc', -1)", 9],
  ["strpos('abc/xyz/foo/bar', '/', -1)", 12],
  ["strpos('abc/xyz/foo/bar', '/', -2)", 8],
  ["strpos('abc/xyz/foo/bar', '/', -3)", 4],
  ["strpos('abc/xyz/foo/bar', '/', -4)", 0],
  ["strpos('highhigh', 'ig', -1)", 6],
  ["strpos('highhigh', 'ig', -2)", 2],
  ["strpos('foobarfoo', 'oo', -1)", 8],
  ["strpos('信念,爱,希爱望', '爱', -1)", 7],
  ["strpos('信念,爱,希爱望', '爱', -2)", 4],
  ["strpos('信念,爱,希望', 'nice', -1)", 0],
  // overlapping occurrences count, from either end; an empty substring is at 1
  ["strpos('aaa', 'aa', 2)", 2],
  ["strpos('aaa', 'aa', -2)", 1],
  ["strpos('abc', '', -5)", 1],
  ["strpos('😀a😀a', 'a', 2)", 4],
];

describe('strpos(string, substring, instance)', () => {
  for (const [sql, expected] of STRPOS) it(sql, () => expect(value(sql)).to.equal(expected));

  it('refuses instance 0 as Trino does, and is NULL on NULL', () => {
    for (const sql of ["strpos('abc/xyz', '/', 0)", "strpos('', '', 0)"])
      expectError(
        () => value(sql),
        'INVALID_FUNCTION_ARGUMENT',
        "'instance' must be a positive or negative number.",
      );
    expect(value("strpos('abc', NULL, 1)")).to.equal(null);
    expect(typeOf("strpos('abc', 'b', 1)")).to.equal('bigint');
  });
});

describe('from_unixtime', () => {
  it('is the UTC timestamp(3) of the instant, rounded to milliseconds', () => {
    expect(typeOf('from_unixtime(0)')).to.equal('timestamp(3)');
    expect(value('from_unixtime(1700000000)')).to.equal(1_700_000_000_000_000);
    expect(value('from_unixtime(1.0005e0)')).to.equal(1_001_000);
    expect(value('from_unixtime(-1.0005e0)')).to.equal(-1_000_000);
    expect(value('from_unixtime(nan())')).to.equal(0);
    expect(value('from_unixtime(NULL)')).to.equal(null);
  });

  it('refuses instants Trino cannot hold', () => {
    expectError(() => value('from_unixtime(1e300)'), 'INVALID_FUNCTION_ARGUMENT', /^Millis overflow/);
    expectError(() => value('from_unixtime(infinity())'), 'INVALID_FUNCTION_ARGUMENT', /^Millis overflow/);
  });
});

describe('integer literals and their sign', () => {
  it('types a signed number as one literal, and a minus before parentheses as negation', () => {
    expect(typeOf('-2147483648')).to.equal('integer');
    expect(typeOf('2147483648')).to.equal('bigint');
    expect(typeOf('-(2147483648)')).to.equal('bigint');
    expect(typeOf('-2147483649')).to.equal('bigint');
    expect(typeOf('-9223372036854775808')).to.equal('bigint');
    expect(value('typeof(-(2147483648))')).to.equal('bigint');
    expect(value('abs(-(2147483648))')).to.equal(2147483648);
    expect(value('-(2147483648)')).to.equal(-2147483648);
  });

  it('fails abs() of an integer type’s smallest value with Trino’s message', () => {
    const cases: [string, string][] = [
      ['abs(-2147483648)', 'Value -2147483648 is out of range for abs(integer)'],
      ['abs(CAST(-128 AS tinyint))', 'Value -128 is out of range for abs(tinyint)'],
      ['abs(CAST(-32768 AS smallint))', 'Value -32768 is out of range for abs(smallint)'],
      ['abs(-9223372036854775808)', 'Value -9223372036854775808 is out of range for abs(bigint)'],
    ];
    for (const [sql, message] of cases) expectError(() => value(sql), 'NUMERIC_VALUE_OUT_OF_RANGE', message);
  });

  it('prints a negated parenthesized number so that it reads back the same', () => {
    expect(roundTripExpression('-(5)')).to.equal('-(5)');
    expect(parseExpression('-(5)')).to.deep.include({ kind: 'UnaryOp', op: '-' });
    expect(formatSql(parseExpression('-5'))).to.equal('-5');
    expect(roundTripExpression("listagg(x, ',') WITHIN GROUP (ORDER BY y DESC)")).to.equal(
      "listagg(x, ',') WITHIN GROUP (ORDER BY y DESC)",
    );
  });
});

describe('from_base and to_base', () => {
  it('read and write integers in radixes 2 to 36, as Trino’s', () => {
    expect(typeOf("from_base('ff', 16)")).to.equal('bigint');
    expect(value("from_base('ff', 16)")).to.equal(255);
    expect(value("from_base('-777', 8)")).to.equal(-511);
    expect(value("from_base('Zz', 36)")).to.equal(1295);
    expect(value("from_base('7fffffffffffffff', 16)")).to.equal(2n ** 63n - 1n);
    expect(value("from_base('-8000000000000000', 16)")).to.equal(-(2n ** 63n));
    expect(value('from_base(NULL, 10)')).to.equal(null);
    expect(value('to_base(255, 2)')).to.equal('11111111');
    expect(value('to_base(-1295, 36)')).to.equal('-zz');
  });

  it('refuses what is not a number of the radix, past bigint, or a radix out of range', () => {
    for (const sql of ["from_base('g', 16)", "from_base('', 10)", "from_base('8000000000000000', 16)"])
      expectError(() => value(sql), 'INVALID_FUNCTION_ARGUMENT', /Not a valid base-\d+ number/);
    for (const sql of ["from_base('1', 1)", "from_base('1', 37)", 'to_base(1, 0)'])
      expectError(() => value(sql), 'INVALID_FUNCTION_ARGUMENT', 'Radix must be between 2 and 36');
  });
});
