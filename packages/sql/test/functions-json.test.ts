/**
 * The JSON functions over JSON values as varchar: json_parse canonicalizes (members sorted by key,
 * last duplicate wins, numbers as Jackson writes them), json_extract keeps the order it finds,
 * json_extract_scalar returns a scalar's text as written, json_array_length counts; Trino's
 * JSONPath subset and its errors; NULL for input that is not JSON (json_parse fails instead).
 */
import { expect } from 'chai';
import { expectError } from './support/errors.js';
import { evaluate, value } from './support/expressions.js';
import { VARCHAR } from '../src/types/types.js';

const CASES: [string, unknown][] = [
  [
    `json_parse('{"b": [1, 2.50, 1e2, -0, "x"], "a": {"z": null, "y": true}}')`,
    '{"a":{"y":true,"z":null},"b":[1,2.5,100.0,0,"x"]}',
  ],
  [`json_parse('{"a":1,"a":2}')`, '{"a":2}'],
  [`json_parse(' [ "tab\\there", "quote\\"", "\\u00e9\\u0001" ] ')`, '["tab\\there","quote\\"","é\\u0001"]'],
  [`json_parse('123456789012345678901234567890')`, '123456789012345678901234567890'],
  [`json_parse('1.5e300')`, '1.5E300'],
  [`json_format(json_parse('[1, "a", {"k": false}]'))`, '[1,"a",{"k":false}]'],
  [`json_extract('{"b": 1, "a": [10, 20, {"c": "d"}]}', '$.a[2]')`, '{"c":"d"}'],
  [`json_extract('{"b": 1, "a": 2}', '$')`, '{"b":1,"a":2}'],
  [`json_extract('{"a": [10, 20]}', '$.a[5]')`, null],
  [`json_extract('{"a": {"b c": 7}}', '$.a["b c"]')`, '7'],
  [`json_extract('{"a": 1.50}', '$.a')`, '1.5'],
  [`json_extract('[1, 2, 3]', '$.1')`, '2'],
  [`json_extract('{"a": 1, "a": 2}', '$.a')`, '1'],
  [`json_extract('{"a": null}', '$.a')`, 'null'],
  [`json_extract('not json', '$.a')`, null],
  [`json_extract_scalar('{"a": {"b": 1.50}}', '$.a.b')`, '1.50'],
  [`json_extract_scalar('{"a": {"b": "x\\ny"}}', '$["a"]["b"]')`, 'x\ny'],
  [`json_extract_scalar('[true, false]', '$[1]')`, 'false'],
  [`json_extract_scalar('{"a": [1, 2]}', '$.a')`, null],
  [`json_extract_scalar('{"a": null}', '$.a')`, null],
  [`json_extract_scalar('{"store": {"book": [{"title": "T"}]}}', '$.store.book[0].title')`, 'T'],
  [`json_array_length('[1, [2, 3], {}]')`, 3],
  [`json_array_length('[]')`, 0],
  [`json_array_length('{}')`, null],
  [`json_array_length('[1,')`, null],
  [`json_extract(null, '$')`, null],
];

describe('JSON functions', () => {
  for (const [sql, expected] of CASES) it(sql, () => expect(value(sql)).to.equal(expected));

  it('refuses text that is not JSON in json_parse and json_format', () => {
    for (const bad of ['abc', '[1,]', "{'a': 1}", '{"a" 1}', '[1] x', '', 'NaN'])
      expectError(
        () => evaluate('json_parse(s)', { s: VARCHAR }, [[bad]]),
        'INVALID_FUNCTION_ARGUMENT',
        `Cannot convert value to JSON: '${bad}'`,
      );
    expectError(
      () => value("json_format('{')"),
      'INVALID_FUNCTION_ARGUMENT',
      "Cannot convert value to JSON: '{'",
    );
  });

  it('refuses paths outside Trino’s subset', () => {
    for (const path of ['a', '$.', '$.a.', '$[a]', "$['a']", '$[*]', '$.a[-1]', '$..a'])
      expectError(
        () => evaluate("json_extract('{}', p)", { p: VARCHAR }, [[path]]),
        'INVALID_FUNCTION_ARGUMENT',
        `Invalid JSON path: '${path}'`,
      );
  });

  it('refuses nesting deeper than 1 000 levels as not JSON', () => {
    const deep = '['.repeat(1001) + ']'.repeat(1001);
    expect(evaluate('json_array_length(s)', { s: VARCHAR }, [[deep]])).to.deep.equal([null]);
    expect(evaluate('json_array_length(s)', { s: VARCHAR }, [[deep.slice(1, -1)]])).to.deep.equal([1]);
  });

  it('types JSON values as varchar', () => {
    expect(value(`typeof(json_parse('1'))`)).to.equal('varchar');
    expect(value(`typeof(json_array_length('[]'))`)).to.equal('bigint');
  });
});
