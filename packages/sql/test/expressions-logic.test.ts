/**
 * The expression compiler, driven through the planner's translator: three-valued logic and
 * laziness, CASE, COALESCE, IF and NULLIF, IN and LIKE.
 */
import { expect } from 'chai';
import { BIGINT, BOOLEAN, INTEGER, VARCHAR } from '../src/types/types.js';
import { expectError } from './support/errors.js';
import { evaluate, selected, show, translate, typeOf, value } from './support/expressions.js';

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
