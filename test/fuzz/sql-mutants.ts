/**
 * SQL mutants for fuzzing: seeds (the TPC-H queries and the SQL cases) changed a few tokens at a
 * time — tokens dropped, doubled, swapped, replaced by keywords, operators or extreme literals, the
 * text cut short, expressions nested deep — with a seeded generator, so a failure can be replayed
 * from its seed. Used by test/fuzz/sql-mutations.test.ts and `npm run bench -- fuzz`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { parseSqlFile } from '../sql/format.js';

const ROOT = new URL('../../', import.meta.url);

/** The seeds: the 22 TPC-H queries and every query of test/sql/cases. */
export function seedQueries(): string[] {
  const queries = new URL('testdata/tpch/queries/', ROOT);
  const tpch = readdirSync(queries)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((f) => readFileSync(new URL(f, queries), 'utf8'));
  const cases = new URL('test/sql/cases/', ROOT);
  const fromCases = readdirSync(cases)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .flatMap((f) => parseSqlFile(new URL(f, cases).pathname).cases.map((c) => c.sql));
  if (tpch.length !== 22)
    throw new Error(`expected 22 TPC-H queries in testdata/tpch/queries, found ${tpch.length}`);
  return [...tpch, ...fromCases];
}

/** A small, fast, seeded generator (mulberry32). */
export function random(seed: number): (n: number) => number {
  let a = seed >>> 0;
  return (n: number) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

const TOKEN =
  /'(?:[^']|'')*'|"(?:[^"]|"")*"|\.\d+|\d+(?:\.\d+)?(?:e[+-]?\d+)?|[A-Za-z_][A-Za-z0-9_]*|<=|>=|<>|!=|\|\||\S/g;

const REPLACEMENTS = [
  'select',
  'from',
  'where',
  'group',
  'by',
  'having',
  'order',
  'limit',
  'union',
  'all',
  'intersect',
  'except',
  'join',
  'left',
  'on',
  'using',
  'case',
  'when',
  'then',
  'else',
  'end',
  'and',
  'or',
  'not',
  'in',
  'exists',
  'between',
  'like',
  'is',
  'null',
  'distinct',
  'as',
  'with',
  'over',
  'partition',
  'cast',
  'interval',
  '(',
  ')',
  ',',
  '*',
  '+',
  '-',
  '/',
  '%',
  '=',
  '<',
  '>',
  '<=',
  '||',
  '.',
  ';',
  '0',
  '1',
  '-1',
  '2147483647',
  '-2147483648',
  '9223372036854775807',
  '99999999999999999999999999999999999999',
  '1e308',
  '0.0000000001',
  "''",
  "'x'",
  "'%'",
  "date '2024-02-30'",
  "date '1998-12-01'",
  "interval '1' day",
  "timestamp '2020-01-01 00:00:00'",
  'true',
  'false',
  'nan()',
  'infinity()',
  "lpad('a', 100000000, 'b')",
  "repeat('ab', 100000000)",
  "rpad(n_name, 50000000, 'x')",
  'abs(-2147483648)',
  'substr(',
  'cast(null as varchar)',
  'round(',
  'count(*)',
  'sum(',
  'nullif(',
  'coalesce(',
];

const NUMBERS = [
  '0',
  '1',
  '-1',
  '2147483647',
  '2147483648',
  '-2147483648',
  '9223372036854775807',
  '1e308',
  '0.5',
  '123456789012345678.12',
];
const STRINGS = ["''", "'x'", "'%'", "'1998-12-01'", "'" + 'y'.repeat(1000) + "'", "'ü☃'", "'''"];
const OPERATORS = ['=', '<>', '<', '<=', '>', '>=', '+', '-', '*', '/', '%', '||', 'and', 'or'];

/**
 * One mutant of `sql`, one or two edits deep; `rand` decides everything. Half the edits keep the
 * token's kind (a number for a number, a column for a column, an operator for an operator), so that
 * many mutants still parse and reach the planner and the constant folder.
 */
export function mutate(sql: string, rand: (n: number) => number): string {
  let tokens: string[] = sql.match(TOKEN) ?? [];
  const edits = 1 + rand(2);
  for (let e = 0; e < edits && tokens.length > 0; e++)
    tokens = rand(2) === 0 ? alike(tokens, rand) : edit(tokens, rand);
  return tokens.join(' ');
}

/** Replaces a token by another of its kind. */
function alike(tokens: string[], rand: (n: number) => number): string[] {
  const i = rand(tokens.length);
  const t = tokens[i]!;
  const out = [...tokens];
  if (/^\d/.test(t)) out[i] = NUMBERS[rand(NUMBERS.length)]!;
  else if (t.startsWith("'")) out[i] = STRINGS[rand(STRINGS.length)]!;
  else if (OPERATORS.includes(t.toLowerCase())) out[i] = OPERATORS[rand(OPERATORS.length)]!;
  else if (/^[a-z_]+_[a-z]+$/i.test(t)) {
    const columns = tokens.filter((x) => /^[a-z]_[a-z]+$|^[a-z]{1,2}_[a-z]+$/i.test(x));
    out[i] = columns[rand(columns.length)] ?? t;
  } else return edit(tokens, rand);
  return out;
}

function edit(tokens: string[], rand: (n: number) => number): string[] {
  const i = rand(tokens.length);
  const out = [...tokens];
  switch (rand(8)) {
    case 0:
      out.splice(i, 1);
      return out;
    case 1:
      out.splice(i, 0, tokens[i]!);
      return out;
    case 2:
      if (i + 1 < out.length) [out[i], out[i + 1]] = [out[i + 1]!, out[i]!];
      return out;
    case 3:
    case 4:
      out[i] = REPLACEMENTS[rand(REPLACEMENTS.length)]!;
      return out;
    case 5:
      out.splice(i, 0, REPLACEMENTS[rand(REPLACEMENTS.length)]!);
      return out;
    case 6:
      return out.slice(0, i);
    default: {
      // an expression nested deep, or a long chain: what overflows recursive descent
      const depth = [10, 200, 5000][rand(3)]!;
      const nested =
        rand(2) === 0
          ? `${'('.repeat(depth)}${tokens[i]}${')'.repeat(depth)}`
          : Array(depth).fill('1').join(' + ');
      out[i] = nested;
      return out;
    }
  }
}
