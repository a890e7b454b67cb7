/**
 * Scalar functions and semantics over whole queries: strings (replace, split_part, lpad/rpad, trim
 * with characters, regexp_*), math (mod, sign, truncate, greatest/least, logarithms), dates
 * (date_trunc, date_add, date_diff, parts), conditionals (if, coalesce, nullif, try), casts, decimal
 * arithmetic, three-valued logic — and the errors they raise.
 */
import { expect } from 'chai';
import { runCases, type Case } from './support/cases.js';
import { asyncErrorOf } from './support/errors.js';
import { runDistributed, runLocal } from './support/run.js';
import { like } from '../src/functions/helpers.js';

const CASES: Case[] = [
  {
    sql: "SELECT CAST(1.5e0 AS varchar), CAST(1e10 AS varchar), CAST(0.1e0 AS varchar), CAST(1e0 AS varchar), CAST(-0.5e0 AS varchar), CAST(1.2345e-5 AS varchar), CAST(REAL '0.1' AS varchar)",
    rows: [['1.5', '1.0E10', '0.1', '1.0', '-0.5', '1.2345E-5', '0.1']],
  },
  {
    sql: "SELECT timestamp '2020-01-02 03:00:00' - timestamp '2020-01-01 01:30:00', timestamp '2020-01-01 00:00:00' - timestamp '2020-01-03 12:00:00'",
    rows: [['1 01:30:00.000', '-2 12:00:00.000']],
  },
  {
    sql: "SELECT interval '2' day * 3, interval '5' month * 2, 3 * interval '1' hour, interval '1' day / 4, interval '1' day * 1.5e0",
    rows: [['6 00:00:00.000', '0-10', '0 03:00:00.000', '0 06:00:00.000', '1 12:00:00.000']],
  },
  {
    sql: "SELECT date_format(date '2020-05-07', '%Y-%m-%d'), date_format(timestamp '2020-05-07 13:04:05.123', '%a %b %D %W %M %j %r %f %y %%')",
    rows: [['2020-05-07', 'Thu May 7th Thursday May 128 01:04:05 PM 123000 20 %']],
  },
  {
    sql: "SELECT upper('hello World'), lower('HeLLo'), upper('héllo'), lower('ÀÉÎÕÜ'), upper('ß1'), lower('ΣΑΣ'), upper('ﬁx'), lower('İ')",
    rows: [['HELLO WORLD', 'hello', 'HÉLLO', 'àéîõü', 'ß1', 'σασ', 'ﬁX', 'i']],
  },
  {
    sql: "SELECT s, s < '😀' FROM (VALUES ('😀'), ('～'), ('z')) AS t (s) ORDER BY s",
    rows: [
      ['z', true],
      ['～', true],
      ['😀', false],
    ],
  },
  {
    sql: "SELECT max(s), min(s), greatest('～', '😀') FROM (VALUES ('😀'), ('～'), ('z')) AS t (s)",
    rows: [['😀', 'z', '😀']],
  },
  {
    sql: "SELECT CAST(INTERVAL '3' DAY AS varchar), CAST(INTERVAL '1-2' YEAR TO MONTH AS varchar), CAST(INTERVAL '-90' MINUTE AS varchar)",
    rows: [['3 00:00:00.000', '1-2', '-0 01:30:00.000']],
  },
  {
    sql: "SELECT replace('abcabc', 'b', 'X'), replace('abcabc', 'b'), split_part('a,b,,c', ',', 3), split_part('a,b', ',', 5), lpad('ab', 5, 'xy'), rpad('ab', 5, 'xy'), lpad('abcdef', 3, 'x')",
    rows: [['aXcaXc', 'acac', '', null, 'xyxab', 'abxyx', 'abc']],
    unordered: true,
  },
  {
    sql: "SELECT trim('xxhixx', 'x'), ltrim('xxhixx', 'x'), rtrim('  hi  '), trim(BOTH 'x' FROM 'xhix'), chr(65), codepoint('A'), concat_ws('-', 'a', NULL, 'b'), translate('abc', 'ab', 'x')",
    rows: [['hi', 'hixx', '  hi', 'hi', 'A', 65, 'a-b', 'xc']],
    unordered: true,
  },
  {
    sql: "SELECT regexp_like('abc123', '[0-9]+'), regexp_replace('a1b22c', '[0-9]+', '#'), regexp_extract('a1b22c', '[0-9]+'), regexp_extract('abc', '[0-9]+')",
    rows: [[true, 'a#b#c', '1', null]],
    unordered: true,
  },
  {
    sql: 'SELECT mod(17, 5), mod(-17, 5), sign(-3), sign(2.5), truncate(2.789), truncate(-2.7e0), greatest(1, 5, 3), least(2.5, 1, 7), greatest(1, NULL)',
    rows: [[2, -2, -1, '1', '2', -2, 5, '1.0', null]],
    unordered: true,
  },
  {
    sql: 'SELECT round(2.5), round(-2.5), round(1.2345, 2), round(2.5e0), floor(-1.5), ceil(1.2), sqrt(16), power(2, 10), ln(1), exp(0), log10(1000), log(2, 8), cbrt(27)',
    rows: [['3', '-3', '1.2300', 3, '-2', '2', 4, 1024, 0, 1, 3, 3, 3]],
    unordered: true,
  },
  {
    sql: "SELECT date_trunc('month', date '2024-05-17'), date_trunc('quarter', date '2024-05-17'), date_trunc('year', date '2024-05-17'), date_trunc('week', date '2024-05-17')",
    rows: [['2024-05-01', '2024-04-01', '2024-01-01', '2024-05-13']],
    unordered: true,
  },
  {
    sql: "SELECT date_add('day', 10, date '2024-02-25'), date_add('month', 1, date '2024-01-31'), date_add('year', -1, date '2024-02-29'), date_diff('day', date '2024-01-01', date '2024-03-01'), date_diff('month', date '2024-01-31', date '2024-02-29'), date_diff('year', date '2020-06-01', date '2024-05-31')",
    rows: [['2024-03-06', '2024-02-29', '2023-02-28', 60, 1, 3]],
    unordered: true,
  },
  {
    sql: "SELECT year(date '2024-05-17'), quarter(date '2024-05-17'), month(date '2024-05-17'), day(date '2024-05-17'), day_of_week(date '2024-05-17'), day_of_year(date '2024-05-17'), week(date '2024-05-17'), extract(dow FROM date '2024-05-19'), last_day_of_month(date '2024-02-10')",
    rows: [[2024, 2, 5, 17, 5, 138, 20, 7, '2024-02-29']],
    unordered: true,
  },
  {
    sql: "SELECT if(1 > 2, 'a', 'b'), if(true, 1), coalesce(NULL, NULL, 3), nullif(1, 1), nullif(1, 2), try(1 / 0), try(CAST('x' AS integer)), typeof(1.5), CAST('12' AS bigint) + 1, TRY_CAST('1e3' AS double)",
    rows: [['b', 1, 3, null, 1, null, null, 'decimal(2,1)', 13, 1000]],
    unordered: true,
  },
  {
    sql: 'SELECT NULL AND false, NULL OR true, NOT NULL, NULL = NULL, 1 IS DISTINCT FROM NULL, NULL IS NOT DISTINCT FROM NULL, 3 BETWEEN 1 AND NULL, 5 IN (1, NULL), 1 IN (1, NULL)',
    rows: [[false, true, null, null, true, true, null, null, true]],
    unordered: true,
  },
  {
    sql: "SELECT substr('hello', 2, 3), substring('hello' FROM 2), position('l' IN 'hello'), strpos('hello', 'lo'), upper('a\u00e9'), length('h\u00e9llo'), reverse('abc'), starts_with('abc', 'ab'), 'a' || 'b' || 'c', concat('a', 'b', 'c')",
    rows: [['ell', 'ello', 3, 4, 'AÉ', 5, 'cba', true, 'abc', 'abc']],
    unordered: true,
  },
  {
    sql: "SELECT CAST(1.555 AS decimal(3,2)), CAST(-1.555 AS decimal(3,2)), CAST(12.5 AS integer), CAST(-12.5 AS integer), CAST('2024-02-29' AS date), CAST(date '2024-02-29' AS varchar), CAST(true AS integer), CAST(1e0 / 3 AS decimal(10, 5))",
    rows: [['1.56', '-1.56', 13, -13, '2024-02-29', '2024-02-29', 1, '0.33333']],
    unordered: true,
  },
  {
    sql: "SELECT customer, upper(customer), length(customer), lpad(customer, 6, '*'), split_part(customer, 'o', 2) FROM orders WHERE id IN (1, 2, 8, 10) ORDER BY id",
    rows: [
      ['alice', 'ALICE', 5, '*alice', null],
      ['bob', 'BOB', 3, '***bob', 'b'],
      [null, null, null, null, null],
      ['élodie', 'ÉLODIE', 6, 'élodie', 'die'],
    ],
  },
  {
    sql: "SELECT id, date_add('month', id, placed), date_diff('day', placed, date '2024-03-31'), date_trunc('month', placed), day_of_week(placed) FROM orders WHERE id < 5 ORDER BY id",
    rows: [
      [1, '2024-02-05', 86, '2024-01-01', 5],
      [2, '2024-03-17', 74, '2024-01-01', 3],
      [3, '2024-05-01', 59, '2024-02-01', 4],
      [4, '2024-06-14', 46, '2024-02-01', 3],
    ],
  },
  {
    sql: 'SELECT id, greatest(qty, id), least(price, 2.0), mod(qty, 3), sign(amount - 10), truncate(price) FROM orders WHERE id < 6 ORDER BY id',
    rows: [
      [1, 2, 2, 2, '1', 5],
      [2, 2, 2, 1, '1', 20],
      [3, 3, 1.33, 0, '-1', 1],
      [4, 5, null, 2, null, null],
      [5, 5, 0.01, 1, '-1', 0],
    ],
  },
  {
    sql: 'SELECT try(10 / (id - 1)), try(CAST(customer AS integer)), coalesce(try(amount / qty), 0) FROM orders WHERE id < 4 ORDER BY id',
    rows: [
      [null, null, '5.25'],
      [10, null, '20.00'],
      [5, null, '1.33'],
    ],
  },
  {
    sql: "SELECT concat_ws(',', customer, CAST(qty AS varchar), NULL) FROM orders WHERE id IN (1, 5, 8) ORDER BY id",
    rows: [['alice,2'], ['1'], ['']],
  },
  {
    sql: "SELECT regexp_replace(customer, '(.)(.)', '$2$1'), regexp_extract(customer, 'a(.)', 1), regexp_like(customer, '^[a-c]') FROM orders WHERE id IN (1, 2, 4) ORDER BY id",
    rows: [
      ['lacie', 'l', true],
      ['obb', null, true],
      ['acorl', 'r', true],
    ],
  },
  {
    sql: 'SELECT random(1), random() >= 0 AND random() < 1, typeof(random()), ln(exp(2)), round(pi(), 4), is_nan(nan()), is_infinite(infinity())',
    rows: [[0, true, 'double', 2, 3.1416, true, true]],
    unordered: true,
  },
];

describe('functions in queries', () => runCases(CASES));

describe('functions: errors', () => {
  const cases: [string, string, RegExp][] = [
    ["SELECT split_part('a,b', ',', 0)", 'INVALID_FUNCTION_ARGUMENT', /Index must be greater than zero/],
    ["SELECT lpad('a', -1, 'x')", 'INVALID_FUNCTION_ARGUMENT', /Target length/],
    ["SELECT rpad('a', 3, '')", 'INVALID_FUNCTION_ARGUMENT', /Padding string must not be empty/],
    ['SELECT chr(-1)', 'INVALID_FUNCTION_ARGUMENT', /code point/],
    ["SELECT codepoint('ab')", 'INVALID_FUNCTION_ARGUMENT', /single character/],
    ["SELECT regexp_like('a', '(')", 'INVALID_FUNCTION_ARGUMENT', /Invalid regular expression/],
    [
      "SELECT date_trunc('fortnight', date '2024-01-01')",
      'INVALID_FUNCTION_ARGUMENT',
      /not a valid DATE field/,
    ],
    ["SELECT date_add('hour', 1, date '2024-01-01')", 'INVALID_FUNCTION_ARGUMENT', /not a valid DATE field/],
    ['SELECT 2147483647 + id FROM orders', 'NUMERIC_VALUE_OUT_OF_RANGE', /integer arithmetic overflow/],
    ['SELECT qty / (id - id) FROM orders', 'DIVISION_BY_ZERO', /Division by zero/],
    [
      'SELECT CAST(customer AS date) FROM orders WHERE id = 1',
      'INVALID_CAST_ARGUMENT',
      /Cannot cast 'alice' to DATE/,
    ],
    ['SELECT try(1, 2)', 'INVALID_ARGUMENTS', /try\(\) takes one argument/],
    ['SELECT *', 'COLUMN_NOT_FOUND', /SELECT \* not allowed in queries without FROM clause/],
    [
      'SELECT ntile(0) OVER (ORDER BY id) FROM orders',
      'INVALID_FUNCTION_ARGUMENT',
      /Buckets must be greater than 0/,
    ],
    [
      'SELECT CAST(12345.678 AS decimal(5,2))',
      'INVALID_CAST_ARGUMENT',
      /Cannot cast DECIMAL\(8, 3\) '12345.678' to DECIMAL\(5, 2\)/,
    ],
    ["SELECT CAST('123456' AS decimal(5,2))", 'INVALID_CAST_ARGUMENT', /Value too large/],
    ['SELECT CAST(1e20 AS bigint)', 'INVALID_CAST_ARGUMENT', /Unable to cast 1.0E20 to bigint/],
    ["SELECT date_format(date '2020-01-01', '%U')", 'INVALID_FUNCTION_ARGUMENT', /%U not supported/],
    ["SELECT greatest(1, 'a')", 'FUNCTION_NOT_FOUND', /greatest/],
  ];
  for (const [sql, code, message] of cases) {
    it(sql, async () => {
      for (const run of [runLocal, (s: string) => runDistributed(s, 3)]) {
        const e = await asyncErrorOf(() => run(sql));
        expect(e.code, e.message).to.equal(code);
        expect(e.type).to.equal('USER_ERROR');
        expect(e.message).to.match(message);
      }
    });
  }
});

describe('LIKE without a regular expression', () => {
  const cases: [string, string, boolean][] = [
    ['abab', 'ab%ab', true],
    ['aba', 'ab%ab', false],
    ['abcab', 'ab%ab', true],
    ['special requests', '%special%requests%', true],
    ['requests special', '%special%requests%', false],
    ['xBRASS', '%BRASS', true],
    ['BRASSx', '%BRASS', false],
    ['forest green', 'forest%', true],
    ['a%b', 'a%b', true],
    ['', '%', true],
    ['', '%a%', false],
    ['same', 'same', true],
    ['Same', 'same', false],
    ['aXbXc', '%a%b%c%', true],
    ['cba', '%a%b%c%', false],
  ];
  for (const [value, pattern, expected] of cases) {
    it(`'${value}' LIKE '${pattern}' is ${expected}`, () => {
      expect(like(value, pattern, null)).to.equal(expected);
      // the regular expression agrees
      expect(like(value, pattern.replace(/%/g, '%'), '\\')).to.equal(expected);
    });
  }
});
