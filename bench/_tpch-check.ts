/**
 * Checks of a TPC-H result: against DuckDB's over the same rows (the rules of the differential SQL
 * tests, test/sql/values.ts: decimals exactly, DuckDB's double rounded half up where quarry has a
 * decimal, doubles to 1e-9 relative, order where ORDER BY fixes it), and against the official answer
 * sets at SF 1 (testdata/tpch/answers/sf1/qNN.out: fixed-width, `|`-separated, numbers printed to 2
 * decimals — a number passes when the printed value is quarry's rounded down or up to 2 decimals).
 */
import { readFileSync } from 'node:fs';
import { arrange, firstDifference } from '../test/sql/compare.js';
import { hasTopLevelOrderBy } from '../test/sql/format.js';
import { compatible, duckFamily, quarryFamily, quarryText, type Text } from '../test/sql/values.js';

export interface QuarryRows {
  readonly columns: readonly { readonly name: string; readonly type: string }[];
  readonly rows: readonly (readonly unknown[])[];
}

export interface DuckRows {
  readonly columns: readonly { readonly name: string; readonly type: string }[];
  readonly rows: readonly (readonly Text[])[];
}

function texts(result: QuarryRows): Text[][] {
  return result.rows.map((r) => r.map((v, i) => quarryText(result.columns[i]!.type, v)));
}

/** Why quarry's result differs from DuckDB's, or undefined when they agree. */
export function checkAgainstDuckDb(sql: string, got: QuarryRows, duck: DuckRows): string | undefined {
  const types = got.columns.map((c) => c.type);
  if (types.length !== duck.columns.length) return `${types.length} columns, DuckDB ${duck.columns.length}`;
  const badType = types.findIndex((t, i) => !compatible(t, duck.columns[i]!.type));
  if (badType >= 0)
    return `column ${badType + 1}: quarry ${types[badType]}, DuckDB ${duck.columns[badType]!.type}`;
  const sources = duck.columns.map((c, i) => ({
    fromDouble: quarryFamily(types[i]!) === 'decimal' && duckFamily(c.type) === 'float',
  }));
  const ordered = hasTopLevelOrderBy(sql);
  const a = arrange(types, texts(got), duck.rows, { ordered, sources });
  const d = firstDifference(types, a.got, a.expected, sources);
  if (!d) return undefined;
  if (d.column < 0) return d.why;
  return `row ${d.row + 1}, ${got.columns[d.column]!.name}: DuckDB ${a.expected[d.row]![d.column]}, quarry ${a.got[d.row]![d.column]}`;
}

export interface Answer {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

export function readAnswer(path: string): Answer {
  const lines = readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.length > 0);
  const split = (l: string) => l.split('|').map((v) => v.trim());
  return { columns: split(lines[0]!), rows: lines.slice(1).map(split) };
}

/** `text` (an exact decimal) at 2 decimals, rounded toward negative (`up` false) or positive infinity. */
function atTwoDecimals(text: string, up: boolean): bigint | undefined {
  const m = /^(-?)(\d+)(?:\.(\d*))?$/.exec(text);
  if (!m) return undefined;
  const fraction = (m[3] ?? '').padEnd(2, '0');
  const kept = BigInt(`${m[2]}${fraction.slice(0, 2)}`);
  const rest = /[1-9]/.test(fraction.slice(2));
  const negative = m[1] === '-';
  const signed = negative ? -kept : kept;
  if (!rest) return signed;
  return up === negative ? signed : signed + (up ? 1n : -1n);
}

function numberToDecimalText(v: string): string {
  const x = Number(v);
  return Number.isFinite(x) && /e/i.test(v) ? x.toFixed(20) : v;
}

export interface AnswerCheck {
  /** Why quarry's result differs from the official answer; undefined when it matches. */
  readonly error?: string;
  /** Numbers beyond the printed rounding but within TPC-H's own validation tolerance. */
  readonly tolerated?: string;
}

/**
 * TPC-H's validation rule (specification 2.1.3.5) for a number that is not a count: sums within
 * $100, averages and ratios within 1% once rounded to 1/100. Used only where the stricter "within
 * the printed rounding" fails.
 */
function withinTpchTolerance(mine: string, theirs: string): boolean {
  const r = Math.round(Number(mine) * 100) / 100;
  const v = Number(theirs);
  return Math.abs(r - v) <= 100 || (Math.min(0.99 * v, 1.01 * v) <= r && r <= Math.max(0.99 * v, 1.01 * v));
}

/** Quarry's result against the official answer. */
export function checkAgainstAnswer(got: QuarryRows, answer: Answer): AnswerCheck {
  if (got.columns.length !== answer.columns.length)
    return { error: `${got.columns.length} columns, the answer ${answer.columns.length}` };
  if (got.rows.length !== answer.rows.length)
    return { error: `${got.rows.length} rows, the answer ${answer.rows.length}` };
  const rows = texts(got);
  const tolerated: string[] = [];
  for (let r = 0; r < rows.length; r++) {
    for (let c = 0; c < got.columns.length; c++) {
      const mine = rows[r]![c] ?? null;
      const theirs = answer.rows[r]![c]!;
      const family = quarryFamily(got.columns[c]!.type);
      const where = `row ${r + 1}, ${got.columns[c]!.name}: answer ${theirs}, quarry ${mine}`;
      let ok: boolean;
      if (mine === null) ok = theirs === '' || theirs.toUpperCase() === 'NULL';
      else if (family === 'decimal' || family === 'float') {
        const target = atTwoDecimals(theirs, false);
        const text = numberToDecimalText(mine);
        ok =
          target !== undefined &&
          (atTwoDecimals(text, false) === target || atTwoDecimals(text, true) === target);
        if (!ok && withinTpchTolerance(text, theirs)) {
          tolerated.push(where);
          ok = true;
        }
      } else if (family === 'int') ok = /^-?\d+$/.test(theirs) && BigInt(mine) === BigInt(theirs);
      else ok = mine.trim() === theirs;
      if (!ok) return { error: where };
    }
  }
  return tolerated.length ? { tolerated: tolerated.join('; ') } : {};
}
