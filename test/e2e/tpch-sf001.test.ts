import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { startInProcessCluster, type InProcessCluster } from '@quarry/testkit';
import { TPCH_DATA } from '../support/reference.js';

/**
 * The 22 TPC-H queries of testdata/tpch/queries over the tpch connector at SF 0.01 (catalog `tpch`,
 * schema `tiny`, set in the session so the queries' unqualified names resolve), through a cluster
 * of two workers, once under retry policy NONE and once under TASK. Results are compared with the
 * answers DuckDB computed over the reference data (testdata/tpch/answers/sf0.01), row by row in the
 * order the queries' ORDER BY fixes:
 * - decimals exactly (as exact decimal numbers: `1.50` equals `1.5`);
 * - doubles to a relative tolerance of 1e-9;
 * - where quarry's column is a decimal with scale s and DuckDB printed a double — its avg(decimal)
 *   is a double, while Trino's avg(decimal(p,s)) stays decimal(p,s) rounded half up — DuckDB's value
 *   rounded half up to s digits must equal quarry's exactly;
 * - everything else (integers, dates, strings) as text; DuckDB prints NULL as `NULL`.
 * Column names too, except that DuckDB names an unaliased expression by its text where Trino says
 * `_col<position>`.
 */
const TPCH = TPCH_DATA;
const QUERIES = Array.from({ length: 22 }, (_, i) => `q${String(i + 1).padStart(2, '0')}`);

interface Answer {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

function answer(name: string): Answer {
  const lines = readFileSync(join(TPCH, 'answers', 'sf0.01', `${name}.csv`), 'utf8')
    .trimEnd()
    .split('\n');
  return { columns: lines[0]!.split('|'), rows: lines.slice(1).map((l) => l.split('|')) };
}

/** An exact decimal as an integer and a scale; undefined when the text is not a plain decimal. */
function parseDecimal(text: string): { unscaled: bigint; scale: number } | undefined {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text);
  if (!m) return undefined;
  const fraction = m[3] ?? '';
  const unscaled = BigInt(`${m[2]}${fraction}`) * (m[1] ? -1n : 1n);
  return { unscaled, scale: fraction.length };
}

function rescale(d: { unscaled: bigint; scale: number }, scale: number): bigint {
  if (scale >= d.scale) return d.unscaled * 10n ** BigInt(scale - d.scale);
  const divisor = 10n ** BigInt(d.scale - scale);
  const q = d.unscaled / divisor;
  const r = d.unscaled % divisor;
  const twice = (r < 0n ? -r : r) * 2n;
  // half up: away from zero at exactly one half
  return twice >= divisor ? q + (d.unscaled < 0n ? -1n : 1n) : q;
}

/** Why quarry's value differs from DuckDB's for a column of `type`, or undefined when they agree. */
function mismatch(type: string, got: unknown, expected: string): string | undefined {
  if (expected === 'NULL' || got === null)
    return expected === 'NULL' && got === null ? undefined : `expected ${expected}, got ${String(got)}`;
  const decimal = /^decimal\(\d+,(\d+)\)$/.exec(type);
  if (decimal) {
    const scale = Number(decimal[1]);
    const mine = parseDecimal(String(got));
    const theirs = parseDecimal(expected);
    if (!mine || !theirs) return `not decimals: ${String(got)} vs ${expected}`;
    // DuckDB printed more digits than the column's scale: its double, rounded as Trino's decimal
    return rescale(mine, scale) === rescale(theirs, scale)
      ? undefined
      : `expected ${expected}, got ${String(got)}`;
  }
  if (type === 'double' || type === 'real') {
    const a = Number(got);
    const b = Number(expected);
    return Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b))
      ? undefined
      : `expected ${b}, got ${a}`;
  }
  return String(got) === expected ? undefined : `expected ${expected}, got ${String(got)}`;
}

describe('TPC-H SF 0.01: the 22 queries through a cluster of two workers', function () {
  this.timeout(120_000);
  let cluster: InProcessCluster;

  before(async () => {
    cluster = await startInProcessCluster({ workers: 2, slots: 2 });
  });

  after(async () => cluster?.stop());

  for (const policy of ['NONE', 'TASK'] as const) {
    describe(`retry policy ${policy}`, () => {
      for (const name of QUERIES) {
        it(name, async () => {
          const sql = readFileSync(join(TPCH, 'queries', `${name}.sql`), 'utf8');
          const expected = answer(name);
          const result = await cluster.client.query(sql, {
            session: { catalog: 'tpch', schema: 'tiny', retry_policy: policy },
          });
          // DuckDB names an unaliased expression by its text, Trino (and quarry) `_col<position>`
          const names = expected.columns.map((c, i) => (/^\w+$/.test(c) ? c : `_col${i}`));
          expect(result.columns.map((c) => c.name)).to.deep.equal(names);
          expect(result.rows.length, 'row count').to.equal(expected.rows.length);
          result.rows.forEach((row, r) => {
            row.forEach((value, c) => {
              const why = mismatch(result.columns[c]!.type, value, expected.rows[r]![c]!);
              expect(why, `row ${r + 1}, column ${expected.columns[c]}`).to.equal(undefined);
            });
          });
        });
      }
    });
  }
});
