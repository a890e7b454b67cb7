/**
 * The expression compiler, driven through the planner's translator: dates, timestamps and
 * intervals, strings, math functions, translation errors and the compiler itself. Logic, IN and
 * LIKE: expressions-logic.test.ts; arithmetic: expressions-arithmetic.test.ts.
 */
import { expect } from 'chai';
import { compileFilter, compileProjection, evaluateConstant } from '../src/expr/compile.js';
import type { Expr } from '../src/expr/ir.js';
import { pageFromRows, valueAt } from '../src/page/block.js';
import { BIGINT, BOOLEAN, DATE, INTEGER, VARCHAR } from '../src/types/types.js';
import { parseDate } from '../src/types/values.js';
import { expectError } from './support/errors.js';
import { evaluate, externals, show, translate, typeOf, value } from './support/expressions.js';

const T = true;
const F = false;
const N = null;

describe('expressions: dates, timestamps and intervals', () => {
  it('adds and subtracts day and month intervals', () => {
    expect(show("date '2024-01-01' + interval '10' day")).to.equal('2024-01-11');
    expect(show("date '2024-01-01' - interval '1' day")).to.equal('2023-12-31');
    expect(show("date '1998-12-01' - interval '90' day")).to.equal('1998-09-02');
    expect(show("interval '2' day + date '2024-02-28'")).to.equal('2024-03-01');
    expect(show("date '2024-01-31' + interval '1' month")).to.equal('2024-02-29');
    expect(show("date '2023-01-31' + interval '1' month")).to.equal('2023-02-28');
    expect(show("date '2024-03-31' - interval '1' month")).to.equal('2024-02-29');
    expect(show("date '2024-02-29' + interval '1' year")).to.equal('2025-02-28');
    expect(show("date '2024-01-01' + interval '1-2' year to month")).to.equal('2025-03-01');
    expect(show("interval '1' month + date '2024-01-31'")).to.equal('2024-02-29');
    expect(typeOf("date '2024-01-01' + interval '1' day")).to.equal('date');
  });

  it('handles negative intervals, also subtracted', () => {
    expect(show("date '2024-01-31' - interval '-1' month")).to.equal('2024-02-29');
    expect(show("date '2024-01-31' + interval '-1' month")).to.equal('2023-12-31');
    expect(show("date '2024-01-01' - interval -'2' day")).to.equal('2024-01-03');
    expect(externals("d - interval '-1' year", { d: DATE }, [[parseDate('2024-02-29')!]])).to.deep.equal([
      '2025-02-28',
    ]);
  });

  it('refuses to add hours to a date', () => {
    expectError(
      () => value("date '2024-01-01' + interval '1' hour"),
      'INVALID_FUNCTION_ARGUMENT',
      /Cannot add hour/,
    );
  });

  it('does timestamp arithmetic', () => {
    expect(show("timestamp '2024-01-31 10:00:00' + interval '1' month")).to.equal('2024-02-29 10:00:00');
    expect(show("timestamp '2024-03-15 23:30:00' + interval '1' hour")).to.equal('2024-03-16 00:30:00');
    expect(show("timestamp '2024-03-15 00:00:00.250' - interval '0.5' second")).to.equal(
      '2024-03-14 23:59:59.750',
    );
    expect(show("timestamp '2024-03-31 12:00:00' - interval '1' month")).to.equal('2024-02-29 12:00:00');
    expect(typeOf("timestamp '2024-03-15 00:00:00.250'")).to.equal('timestamp(3)');
  });

  it('adds intervals of the same kind', () => {
    expect(show("interval '1' day + interval '2' hour")).to.equal('1 02:00:00.000');
    expect(show("interval '1' year - interval '2' month")).to.equal('0-10');
    expect(show("-interval '3' day")).to.equal('-3 00:00:00.000');
    expectError(() => translate("interval '1' day + interval '1' month"), 'TYPE_MISMATCH');
  });

  it('extracts fields from dates', () => {
    const d = "date '2024-02-29'";
    expect(
      [`year(${d})`, `month(${d})`, `day(${d})`, `quarter(${d})`, `day_of_year(${d})`].map(value),
    ).to.deep.equal([2024, 2, 29, 1, 60]);
    expect(value(`extract(year FROM ${d})`)).to.equal(2024);
    expect(value(`extract(month FROM ${d})`)).to.equal(2);
    expect(value(`extract(day FROM ${d})`)).to.equal(29);
    expect(value("day_of_year(date '2024-12-31')")).to.equal(366);
    expect(value("day_of_year(date '2023-12-31')")).to.equal(365);
    expect(value("quarter(date '2024-10-01')")).to.equal(4);
    expect(typeOf(`year(${d})`)).to.equal('bigint');
  });

  it('extracts fields from dates before 1970 and before year 100', () => {
    expect(value("year(date '1969-12-31')")).to.equal(1969);
    expect(value("day(date '1969-12-31')")).to.equal(31);
    expect(value("day_of_year(date '0050-03-01')")).to.equal(60);
    expect(value("day_of_year(date '0004-12-31')")).to.equal(366);
    expect(value("week(date '0050-01-06')")).to.equal(1);
  });

  it('gives ISO weekdays and weeks', () => {
    expect(value("day_of_week(date '2024-03-15')")).to.equal(5);
    expect(value("day_of_week(date '2024-03-17')")).to.equal(7);
    expect(value("day_of_week(date '2024-03-18')")).to.equal(1);
    expect(value("day_of_week(date '1969-12-29')")).to.equal(1);
    expect(value("week(date '2024-01-01')")).to.equal(1);
    expect(value("week(date '2021-01-03')")).to.equal(53);
    expect(value("week(date '2020-12-31')")).to.equal(53);
    expect(value("week(date '2024-12-30')")).to.equal(1);
  });

  it('extracts time fields from timestamps, also before 1970', () => {
    const t = "timestamp '2024-03-15 10:30:45'";
    expect(
      [`hour(${t})`, `minute(${t})`, `second(${t})`, `year(${t})`, `day(${t})`].map(value),
    ).to.deep.equal([10, 30, 45, 2024, 15]);
    expect(value(`extract(hour FROM ${t})`)).to.equal(10);
    expect(value("hour(timestamp '1969-12-31 23:15:00')")).to.equal(23);
    expect(value("minute(timestamp '1969-12-31 23:15:00')")).to.equal(15);
    expect(value("day(timestamp '1969-12-31 23:15:00')")).to.equal(31);
    expectError(() => translate("extract(hour FROM date '2024-01-01')"), 'FUNCTION_NOT_FOUND');
  });

  it('takes CURRENT_DATE and CURRENT_TIMESTAMP from the query start', () => {
    expect(show('current_date')).to.equal('2024-03-15');
    expect(show('current_timestamp')).to.equal('2024-03-15 10:30:00.000');
  });
});

describe('expressions: strings', () => {
  it('substr counts from 1, or from the end when negative', () => {
    const cases: [string, string][] = [
      ["substr('hello', 2)", 'ello'],
      ["substr('hello', 2, 3)", 'ell'],
      ["substr('hello', 1, 5)", 'hello'],
      ["substr('hello', 4, 10)", 'lo'],
      ["substr('hello', -3)", 'llo'],
      ["substr('hello', -3, 2)", 'll'],
      ["substr('hello', -5)", 'hello'],
      ["substr('hello', -6)", ''],
      ["substr('hello', 0)", ''],
      ["substr('hello', 6)", ''],
      ["substr('hello', 2, 0)", ''],
      ["substr('hello', 2, -1)", ''],
      ["substring('hello', 2, 2)", 'el'],
      ["substr('', 1)", ''],
    ];
    for (const [sql, result] of cases) expect(value(sql), sql).to.equal(result);
    expect(value('substr(NULL, 1)')).to.equal(N);
  });

  it('counts characters by code point', () => {
    expect(value("substr('😀abc', 2)")).to.equal('abc');
    expect(value("substr('a😀b', -2, 1)")).to.equal('😀');
    expect(value("substr('a😀b😀', 2, 3)")).to.equal('😀b😀');
    expect(value("length('😀abc')")).to.equal(4);
    expect(value("length('élan')")).to.equal(4);
    expect(value("length('')")).to.equal(0);
    expect(value("strpos('a😀b', 'b')")).to.equal(3);
    expect(value("reverse('a😀b')")).to.equal('b😀a');
  });

  it('concatenates with || and concat(), NULL propagating', () => {
    expect(value("'a' || 'b'")).to.equal('ab');
    expect(value("'a' || '' || 'c'")).to.equal('ac');
    expect(value("'a' || NULL")).to.equal(N);
    expect(value("concat('a', 'b', 'c')")).to.equal('abc');
    expect(evaluate("s || '!'", { s: VARCHAR }, [['hi'], [N], ['']])).to.deep.equal(['hi!', N, '!']);
    expectError(
      () => translate("'x' || 1"),
      'TYPE_MISMATCH',
      'line 1:1: Cannot apply operator: varchar(1) || integer',
    );
  });

  it('has the usual string functions', () => {
    expect(value("upper('élan')")).to.equal('ÉLAN');
    expect(value("lower('ABC')")).to.equal('abc');
    expect(value("trim('  a b  ')")).to.equal('a b');
    expect(value("ltrim('  a ')")).to.equal('a ');
    expect(value("rtrim('  a ')")).to.equal('  a');
    expect(value("strpos('abcabc', 'ca')")).to.equal(3);
    expect(value("strpos('abc', 'z')")).to.equal(0);
    expect(value("position('b' IN 'abc')")).to.equal(2);
    expect(value("starts_with('abc', 'ab')")).to.equal(T);
    expect(value("starts_with('abc', 'b')")).to.equal(F);
    expect(typeOf("length('x')")).to.equal('bigint');
  });

  it('compares strings', () => {
    expect([
      value("'abc' < 'abd'"),
      value("'b' > 'abc'"),
      value("'' < 'a'"),
      value("'a' = 'a'"),
    ]).to.deep.equal([T, T, T, T]);
  });
});

describe('expressions: math functions', () => {
  it('rounds decimals half away from zero, to digits or to tens', () => {
    expect([show('round(2.5)'), show('round(-2.5)'), show('round(2.4)')]).to.deep.equal(['3', '-3', '2']);
    expect(typeOf('round(2.5)')).to.equal('decimal(2,0)');
    expect(show('round(2.345, 2)')).to.equal('2.350');
    expect(show('round(-2.345, 2)')).to.equal('-2.350');
    expect(typeOf('round(2.345, 2)')).to.equal('decimal(5,3)');
    expect(show('round(1234.5, -2)')).to.equal('1200.0');
    expect(show('round(1250.0, -2)')).to.equal('1300.0');
    expect(show('round(-1250.0, -2)')).to.equal('-1300.0');
    expect(show('round(9.99, 5)')).to.equal('9.99');
    expect(show('round(12.5, -5)')).to.equal('0.0');
  });

  it('rounds doubles and integers', () => {
    expect([
      value('round(2.5E0)'),
      value('round(-2.5E0)'),
      value('round(2.45E0, 1)'),
      value('round(1250E0, -2)'),
    ]).to.deep.equal([3, -3, 2.5, 1300]);
    expect(value('round(17)')).to.equal(17);
    expect(value('round(17, 1)')).to.equal(17);
  });

  it('floors, ceils and takes absolute values', () => {
    expect([
      show('floor(-1.5)'),
      show('ceil(1.2)'),
      show('floor(1.5)'),
      show('ceil(-1.5)'),
      show('ceiling(2.0)'),
    ]).to.deep.equal(['-2', '2', '1', '-1', '2']);
    expect([value('floor(2.7E0)'), value('ceil(-2.7E0)'), value('floor(5)')]).to.deep.equal([2, -2, 5]);
    expect([value('abs(-5)'), show('abs(-1.50)'), value('abs(-2.5E0)')]).to.deep.equal([5, '1.50', 2.5]);
  });

  it('computes powers, roots and logarithms as doubles', () => {
    expect([
      value('sqrt(16)'),
      value('power(2, 10)'),
      value('pow(2, 0.5)'),
      value('exp(0)'),
      value('ln(1)'),
    ]).to.deep.equal([4, 1024, Math.SQRT2, 1, 0]);
    expect([value('log10(1000)'), value('log2(8)')]).to.deep.equal([3, 3]);
    expect(typeOf('sqrt(16)')).to.equal('double');
    expect(String(value('sqrt(-1)'))).to.equal('NaN');
  });
});

describe('expressions: translation errors', () => {
  it('reports type errors with the position', () => {
    expectError(
      () => translate("'a' + 1"),
      'TYPE_MISMATCH',
      'line 1:1: Cannot apply operator: varchar(1) + integer',
    );
    expectError(
      () => translate('NOT 1'),
      'TYPE_MISMATCH',
      'line 1:1: NOT operand must be boolean, not integer',
    );
    expectError(
      () => translate("x AND 'a'", { x: BOOLEAN }),
      'TYPE_MISMATCH',
      /AND operand must be boolean, not varchar\(1\)/,
    );
    expectError(
      () => translate("coalesce(1, 'a')"),
      'TYPE_MISMATCH',
      'line 1:1: COALESCE: types integer and varchar(1) are not compatible',
    );
    expectError(
      () => translate("CAST(date '2024-01-01' AS integer)"),
      'TYPE_MISMATCH',
      'line 1:1: Cannot cast date to integer',
    );
    expectError(
      () => translate('-x', { x: VARCHAR }),
      'TYPE_MISMATCH',
      'line 1:1: Cannot apply operator: -varchar',
    );
    expectError(
      () => translate("x = 'a'", { x: INTEGER }),
      'TYPE_MISMATCH',
      /Cannot apply operator: integer = varchar\(1\)/,
    );
  });

  it('reports unknown functions and wrong arguments', () => {
    expectError(() => translate('foo(1)'), 'FUNCTION_NOT_FOUND', "line 1:1: Function 'foo' not registered");
    expectError(
      () => translate('substr(1, 2)'),
      'FUNCTION_NOT_FOUND',
      'line 1:1: Unexpected parameters (integer, integer) for function substr. Expected: substr(varchar, bigint), substr(varchar, bigint, bigint)',
    );
    expectError(
      () => translate('sum(1)'),
      'EXPRESSION_NOT_AGGREGATE',
      'line 1:1: Aggregate function sum() is not allowed here',
    );
    expectError(() => translate('nullif(1)'), 'INVALID_ARGUMENTS', 'line 1:1: nullif() takes two arguments');
  });

  it('reports unknown columns with the position of the reference', () => {
    expectError(
      () => translate('x + \n  nope', { x: INTEGER }),
      'COLUMN_NOT_FOUND',
      "line 2:3: Column 'nope' cannot be resolved",
    );
  });

  it('rejects invalid literals', () => {
    expectError(
      () => translate("date '2024-02-30'"),
      'INVALID_LITERAL',
      "line 1:1: '2024-02-30' is not a valid date literal",
    );
    expectError(() => translate("interval 'x' day"), 'INVALID_LITERAL', /Invalid interval literal/);
  });
});

describe('expressions: the compiler itself', () => {
  it('returns an input block as is', () => {
    const page = pageFromRows([INTEGER], [[1], [2]]);
    const expr: Expr = { kind: 'input', channel: 0, type: INTEGER };
    expect(compileProjection(expr)(page)).to.equal(page.blocks[0]);
  });

  it('evaluates hand-built IR with literals beyond 2^53 written as strings', () => {
    const big: Expr = { kind: 'literal', value: '9007199254740993', type: BIGINT };
    const call: Expr = {
      kind: 'call',
      fn: 'add:bigint',
      args: [big, { kind: 'literal', value: 1, type: BIGINT }],
      type: BIGINT,
    };
    expect(evaluateConstant(call)).to.equal(9007199254740994n);
    expect(evaluateConstant({ kind: 'literal', value: null, type: INTEGER })).to.equal(null);
    expect(evaluateConstant({ kind: 'literal', value: 'NaN', type: VARCHAR })).to.equal('NaN');
  });

  it('produces a wide block only when a result passes 2^53', () => {
    const page = pageFromRows([BIGINT], [[1], [9007199254740991], [N]]);
    const narrow = compileProjection(translate('x - 1', { x: BIGINT }))(page);
    expect(narrow.values).to.be.instanceOf(Float64Array);
    const wide = compileProjection(translate('x + 1', { x: BIGINT }))(page);
    expect(wide.values).to.deep.equal([2n, 9007199254740992n, 0n]);
    expect(Array.from(wide.nulls!)).to.deep.equal([0, 0, 1]);
  });

  it('reuses slots safely across rows (no value leaks from the previous row)', () => {
    const cols = { x: INTEGER, y: INTEGER };
    const rows = [
      [1, 2],
      [N, 3],
      [4, N],
      [N, N],
    ];
    expect(evaluate('coalesce(x, y)', cols, rows)).to.deep.equal([1, 3, 4, N]);
    expect(evaluate('CASE WHEN x > 0 THEN y END', cols, rows)).to.deep.equal([2, N, N, N]);
    expect(evaluate('x + y', cols, rows)).to.deep.equal([3, N, N, N]);
  });

  it('filters with a compiled predicate', () => {
    const page = pageFromRows([INTEGER], [[1], [5], [N], [7]]);
    const sel = new Int32Array(4);
    const n = compileFilter(translate('x > 2', { x: INTEGER }))(page, sel);
    expect(Array.from(sel.subarray(0, n))).to.deep.equal([1, 3]);
    expectError(
      () => compileFilter(translate('x + 1', { x: INTEGER })),
      'GENERIC_INTERNAL_ERROR',
      /filter predicate has type integer/,
    );
  });

  it('reads boolean inputs and writes boolean outputs as 0/1', () => {
    const page = pageFromRows([BOOLEAN], [[T], [F], [N]]);
    const out = compileProjection(translate('NOT b', { b: BOOLEAN }))(page);
    expect(out.values).to.deep.equal(Uint8Array.of(0, 1, 0));
    expect([0, 1, 2].map((i) => valueAt(out, i))).to.deep.equal([F, T, N]);
  });
});
