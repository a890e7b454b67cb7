/**
 * The expression compiler, driven through the planner's translator: three-valued logic, laziness,
 * IN and LIKE, exact integer and decimal arithmetic with Trino's result types, dates and strings.
 */
import { expect } from 'chai';
import { compileFilter, compileProjection, evaluateConstant } from '../src/expr/compile.js';
import type { Expr } from '../src/expr/ir.js';
import { pageFromRows, valueAt } from '../src/page/block.js';
import { BIGINT, BOOLEAN, DATE, DOUBLE, INTEGER, TINYINT, VARCHAR, decimalType } from '../src/types/types.js';
import { parseDate } from '../src/types/values.js';
import { expectError } from './support/errors.js';
import { evaluate, externals, selected, show, translate, typeOf, value } from './support/expressions.js';

const T = true;
const F = false;
const N = null;
const BOOLS = [T, F, N];
/** Every pair of boolean values, NULL included. */
const PAIRS = BOOLS.flatMap((a) => BOOLS.map((b) => [a, b]));
const AB = { a: BOOLEAN, b: BOOLEAN };

describe('expressions: three-valued logic', () => {
  it('AND: FALSE wins over NULL', () => {
    expect(evaluate('a AND b', AB, PAIRS)).to.deep.equal([T, F, N, F, F, F, N, F, N]);
  });

  it('OR: TRUE wins over NULL', () => {
    expect(evaluate('a OR b', AB, PAIRS)).to.deep.equal([T, T, T, T, F, N, T, N, N]);
  });

  it('NOT keeps NULL', () => {
    expect(evaluate('NOT a', { a: BOOLEAN }, [[T], [F], [N]])).to.deep.equal([F, T, N]);
  });

  it('follows the same tables with literals', () => {
    expect([
      value('NULL AND false'),
      value('false AND NULL'),
      value('NULL AND true'),
      value('true AND NULL'),
    ]).to.deep.equal([F, F, N, N]);
    expect([
      value('NULL OR true'),
      value('true OR NULL'),
      value('NULL OR false'),
      value('NOT NULL'),
    ]).to.deep.equal([T, T, N, N]);
  });

  it('evaluates chains of three operands', () => {
    const triples = PAIRS.flatMap(([a, b]) => BOOLS.map((c) => [a, b, c]));
    const abc = { ...AB, c: BOOLEAN };
    const and3 = (x: boolean | null, y: boolean | null, z: boolean | null) =>
      x === F || y === F || z === F ? F : x === N || y === N || z === N ? N : T;
    const or3 = (x: boolean | null, y: boolean | null, z: boolean | null) =>
      x === T || y === T || z === T ? T : x === N || y === N || z === N ? N : F;
    expect(evaluate('a AND b AND c', abc, triples)).to.deep.equal(
      triples.map(([x, y, z]) => and3(x!, y!, z!)),
    );
    expect(evaluate('a OR b OR c', abc, triples)).to.deep.equal(triples.map(([x, y, z]) => or3(x!, y!, z!)));
    expect(
      evaluate('(a OR b) AND NOT c', abc, [
        [N, T, F],
        [N, F, F],
        [T, N, N],
      ]),
    ).to.deep.equal([T, N, N]);
  });

  it('selects only the rows where a filter is TRUE, not NULL', () => {
    expect(selected('a AND b', AB, PAIRS)).to.deep.equal([0]);
    expect(selected('a OR b', AB, PAIRS)).to.deep.equal([0, 1, 2, 3, 6]);
    expect(selected('NOT (a AND b)', AB, PAIRS)).to.deep.equal([1, 3, 4, 5, 7]);
  });

  it('does not evaluate the right side once the left decides', () => {
    expect(value('false AND 1 / 0 = 1')).to.equal(F);
    expect(value('true OR 1 / 0 = 1')).to.equal(T);
    expect(evaluate('x <> 0 AND 10 / x > 1', { x: INTEGER }, [[0], [5], [20], [N]])).to.deep.equal([
      F,
      T,
      F,
      N,
    ]);
    expectError(() => value('true AND 1 / 0 = 1'), 'DIVISION_BY_ZERO');
  });

  it('tests for NULL and for distinctness', () => {
    const xy = { x: INTEGER, y: INTEGER };
    const rows = [
      [1, 1],
      [1, 2],
      [1, N],
      [N, 1],
      [N, N],
    ];
    expect(evaluate('x IS NULL', xy, rows)).to.deep.equal([F, F, F, T, T]);
    expect(evaluate('y IS NOT NULL', xy, rows)).to.deep.equal([T, T, F, T, F]);
    expect(evaluate('x IS DISTINCT FROM y', xy, rows)).to.deep.equal([F, T, T, T, F]);
    expect(evaluate('x IS NOT DISTINCT FROM y', xy, rows)).to.deep.equal([T, F, F, F, T]);
    expect(evaluate('x = y', xy, rows)).to.deep.equal([T, F, N, N, N]);
    expect(evaluate('x <> y', xy, rows)).to.deep.equal([F, T, N, N, N]);
  });

  it('evaluates BETWEEN as two comparisons', () => {
    expect(evaluate('x BETWEEN 1 AND 10', { x: INTEGER }, [[0], [1], [10], [11], [N]])).to.deep.equal([
      F,
      T,
      T,
      F,
      N,
    ]);
    expect(evaluate('x NOT BETWEEN 1 AND 10', { x: INTEGER }, [[0], [5]])).to.deep.equal([T, F]);
    expect(evaluate('x BETWEEN 1 AND NULL', { x: INTEGER }, [[0], [20]])).to.deep.equal([F, N]);
    expect(value('2.5 BETWEEN 2 AND 3')).to.equal(T);
  });
});

describe('expressions: CASE, COALESCE, IF, NULLIF', () => {
  it('evaluates only the taken branch', () => {
    expect(value('CASE WHEN false THEN 1 / 0 ELSE 1 END')).to.equal(1);
    expect(value('CASE WHEN true THEN 2 ELSE 1 / 0 END')).to.equal(2);
    expect(value('CASE WHEN NULL THEN 1 / 0 ELSE 3 END')).to.equal(3);
    expect(
      evaluate('CASE WHEN x > 0 THEN 10 / x ELSE -1 END', { x: INTEGER }, [[2], [0], [N]]),
    ).to.deep.equal([5, -1, -1]);
    expect(value('if(false, 1 / 0, 7)')).to.equal(7);
    expectError(() => value('CASE WHEN true THEN 1 / 0 ELSE 1 END'), 'DIVISION_BY_ZERO');
  });

  it('gives NULL when no branch matches and there is no ELSE', () => {
    expect(evaluate("CASE WHEN x = 1 THEN 'one' END", { x: INTEGER }, [[1], [2], [N]])).to.deep.equal([
      'one',
      N,
      N,
    ]);
  });

  it('compares the operand of a simple CASE with each WHEN', () => {
    const sql = "CASE x WHEN 1 THEN 'one' WHEN 2 THEN 'two' ELSE 'many' END";
    expect(evaluate(sql, { x: INTEGER }, [[1], [2], [3], [N]])).to.deep.equal(['one', 'two', 'many', 'many']);
  });

  it('takes the first matching branch', () => {
    expect(
      evaluate("CASE WHEN x > 1 THEN 'a' WHEN x > 0 THEN 'b' END", { x: INTEGER }, [[5], [1], [0]]),
    ).to.deep.equal(['a', 'b', N]);
  });

  it('coerces the branches to a common type', () => {
    expect(typeOf('CASE WHEN true THEN 1 ELSE 2.5 END')).to.equal('decimal(11,1)');
    expect(show('CASE WHEN true THEN 1 ELSE 2.5 END')).to.equal('1.0');
    expect(typeOf('coalesce(x, 1E0)', { x: INTEGER })).to.equal('double');
    expectError(
      () => translate("CASE WHEN true THEN 1 ELSE 'a' END"),
      'TYPE_MISMATCH',
      /CASE: types integer and varchar\(1\)/,
    );
  });

  it('COALESCE returns the first non-NULL argument and evaluates no further', () => {
    const xy = { x: INTEGER, y: INTEGER };
    expect(
      evaluate('coalesce(x, y, 0)', xy, [
        [1, 2],
        [N, 2],
        [N, N],
      ]),
    ).to.deep.equal([1, 2, 0]);
    expect(evaluate('coalesce(x, y)', xy, [[N, N]])).to.deep.equal([N]);
    expect(value('coalesce(1, 1 / 0)')).to.equal(1);
    expect(evaluate('coalesce(x, 1 / 0)', { x: INTEGER }, [[5]])).to.deep.equal([5]);
    expectError(() => evaluate('coalesce(x, 1 / 0)', { x: INTEGER }, [[N]]), 'DIVISION_BY_ZERO');
  });

  it('IF and NULLIF', () => {
    expect(evaluate("if(x > 0, 'pos', 'neg')", { x: INTEGER }, [[1], [-1], [N]])).to.deep.equal([
      'pos',
      'neg',
      'neg',
    ]);
    expect(evaluate("if(x > 0, 'pos')", { x: INTEGER }, [[1], [-1]])).to.deep.equal(['pos', N]);
    expect(evaluate('nullif(x, 0)', { x: INTEGER }, [[0], [3], [N]])).to.deep.equal([N, 3, N]);
  });
});

describe('expressions: IN', () => {
  it('is NULL when no item matches and an item is NULL', () => {
    expect(value('1 IN (2, NULL)')).to.equal(N);
    expect(value('1 IN (1, NULL)')).to.equal(T);
    expect(value('1 NOT IN (2, NULL)')).to.equal(N);
    expect(value('1 NOT IN (1, NULL)')).to.equal(F);
    expect(value('NULL IN (1, 2)')).to.equal(N);
    expect(value('3 IN (1, 2)')).to.equal(F);
  });

  it('matches column values against constant and non-constant lists', () => {
    expect(evaluate('x IN (1, 2)', { x: INTEGER }, [[1], [3], [N]])).to.deep.equal([T, F, N]);
    const xy = { x: INTEGER, y: INTEGER };
    expect(
      evaluate('x IN (y, 3)', xy, [
        [1, 1],
        [3, 0],
        [2, 0],
        [2, N],
        [N, 1],
      ]),
    ).to.deep.equal([T, T, F, N, N]);
    expect(evaluate("s IN ('a', 'b')", { s: VARCHAR }, [['a'], ['c'], ['']])).to.deep.equal([T, F, F]);
  });

  it('compares after coercing to a common type', () => {
    expect(value('1 IN (1.0, 2.5)')).to.equal(T);
    expect(value('2.50 IN (1, 2.5)')).to.equal(T);
    expect(evaluate('x IN (1.5, 2)', { x: INTEGER }, [[2], [1]])).to.deep.equal([T, F]);
    expectError(
      () => translate("1 IN ('a')"),
      'TYPE_MISMATCH',
      /IN: types integer and varchar\(1\) are not compatible/,
    );
  });

  it('is exact for bigints beyond 2^53, wide or narrow', () => {
    expect(value('9007199254740993 IN (9007199254740992, 9007199254740993)')).to.equal(T);
    expect(value('9007199254740992 IN (9007199254740993, 1)')).to.equal(F);
    const rows = [[9007199254740993n], [9007199254740992n], [1]];
    expect(evaluate('x IN (9007199254740993, 1)', { x: BIGINT }, rows)).to.deep.equal([T, F, T]);
    expect(evaluate('x IN (9007199254740993, x + 0)', { x: BIGINT }, rows)).to.deep.equal([T, T, T]);
  });
});

describe('expressions: LIKE', () => {
  const like = (s: string, pattern: string, escape?: string) =>
    value(`'${s}' LIKE '${pattern}'${escape === undefined ? '' : ` ESCAPE '${escape}'`}`);

  it('matches % and _', () => {
    expect(like('abc', 'a%')).to.equal(T);
    expect(like('abc', '%c')).to.equal(T);
    expect(like('abc', '%b%')).to.equal(T);
    expect(like('abc', 'a_c')).to.equal(T);
    expect(like('abc', 'a_')).to.equal(F);
    expect(like('abc', '___')).to.equal(T);
    expect(like('abc', '____')).to.equal(F);
    expect(like('', '%')).to.equal(T);
    expect(like('', '_')).to.equal(F);
    expect(like('abc', 'abc')).to.equal(T);
    expect(like('abc', 'ABC')).to.equal(F);
    expect(like('abc', 'ab')).to.equal(F);
  });

  it('treats regular expression metacharacters literally', () => {
    for (const s of ['a.c', 'a+b', 'a(b', '[x]', '$^', 'a\\b', 'a*', 'a|b', '{1}', 'x?', 'a/b', 'a-z']) {
      expect(like(s, s), s).to.equal(T);
    }
    expect(like('abc', 'a.c')).to.equal(F);
    expect(like('aa', 'a*')).to.equal(F);
    expect(like('b', '[ab]')).to.equal(F);
    expect(like('a', 'a|b')).to.equal(F);
    expect(like('ab', 'a\\b')).to.equal(F);
  });

  it('matches across newlines and whole code points', () => {
    expect(like('a\nb', 'a%b')).to.equal(T);
    expect(like('a\nb', 'a_b')).to.equal(T);
    expect(like('😀', '_')).to.equal(T);
    expect(like('x😀y', 'x_y')).to.equal(T);
  });

  it('quotes %, _ and itself with ESCAPE', () => {
    expect(like('50%', '50!%', '!')).to.equal(T);
    expect(like('50x', '50!%', '!')).to.equal(F);
    expect(like('a_b', 'a\\_b', '\\')).to.equal(T);
    expect(like('axb', 'a\\_b', '\\')).to.equal(F);
    expect(like('a!b', 'a!!b', '!')).to.equal(T);
    expect(like('100% sure', '100!%%', '!')).to.equal(T);
  });

  it('rejects bad escapes', () => {
    expectError(
      () => like('x', 'a!b', '!'),
      'INVALID_FUNCTION_ARGUMENT',
      /Escape character must be followed by/,
    );
    expectError(() => like('x', 'a!', '!'), 'INVALID_FUNCTION_ARGUMENT');
    expectError(
      () => like('x', 'a', 'ab'),
      'INVALID_FUNCTION_ARGUMENT',
      'Escape string must be a single character',
    );
  });

  it('gives NULL for NULL operands and negates with NOT LIKE', () => {
    expect(value("NULL LIKE 'a%'")).to.equal(N);
    expect(value("'a' LIKE NULL")).to.equal(N);
    expect(evaluate("s NOT LIKE 'a%'", { s: VARCHAR }, [['abc'], ['xa'], [N]])).to.deep.equal([F, T, N]);
  });

  it('compiles patterns that come from columns', () => {
    const cols = { s: VARCHAR, p: VARCHAR };
    const rows = [
      ['abc', 'a%'],
      ['a.c', 'a.c'],
      ['abc', 'a.c'],
      ['a+b', '_+_'],
      ['abc', '%'],
      ['abc', N],
    ];
    expect(evaluate('s LIKE p', cols, rows)).to.deep.equal([T, T, F, T, T, N]);
    expect(
      evaluate("s LIKE p ESCAPE '#'", cols, [
        ['a%', 'a#%'],
        ['ab', 'a#%'],
      ]),
    ).to.deep.equal([T, F]);
  });
});

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
