/**
 * Official TPC-H answers at SF 1 computed straight from generated columns (Q1 and Q6 over lineitem,
 * Q4 over orders and their lines, Q22 over customers and orders): a check that the generator is
 * dbgen's at SF 1 as well as at 0.01.
 * Sums are exact (integers in units of 10⁻⁴ or 10⁻⁶), rounded half up to cents as in the answer files.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { driverRowCount, generate } from '../../src/tpch/generator/index.js';

const ANSWERS = fileURLToPath(new URL('../../../../testdata/tpch/answers/sf1/', import.meta.url));
/**
 * Orders per chunk: at most 70 000 lines, so per-chunk sums in doubles stay exact (the largest term,
 * Q1's charge, is below 1.2·10¹¹ per line); chunk sums are then added as bigints.
 */
const CHUNK = 10_000;
const day = (iso: string): number => Date.parse(`${iso}T00:00:00Z`) / 86_400_000;

/** Data rows of an answer file, fields trimmed. */
function answer(query: string): string[][] {
  const lines = readFileSync(`${ANSWERS}${query}.out`, 'latin1').split('\n').slice(1);
  return lines.filter((l) => l.trim() !== '').map((l) => l.split('|').map((f) => f.trim()));
}

/** A non-negative amount in units of 10^-digits, rounded half up to 2 decimals. */
function toCents(amount: bigint, digits: number): string {
  const unit = 10n ** BigInt(digits - 2);
  const cents = (amount + unit / 2n) / unit;
  return `${cents / 100n}.${String(cents % 100n).padStart(2, '0')}`;
}

/** Lineitem columns at SF 1, chunk by chunk. */
function* lineitemChunks(columns: string[]): Generator<(Float64Array | Int32Array | string[])[]> {
  const orders = driverRowCount('lineitem', 1);
  for (let start = 0; start < orders; start += CHUNK) {
    const count = Math.min(CHUNK, orders - start);
    yield [...generate({ table: 'lineitem', scaleFactor: 1, start, count, columns }).columns];
  }
}

describe('tpch generator: official answers at SF 1', function () {
  this.timeout(60_000);

  it('Q6 (forecasting revenue change)', () => {
    const from = day('1994-01-01');
    const to = day('1995-01-01');
    let revenue = 0n;
    for (const [ship, discount, quantity, price] of lineitemChunks([
      'l_shipdate',
      'l_discount',
      'l_quantity',
      'l_extendedprice',
    ])) {
      let sum = 0;
      const d = discount as Float64Array;
      const p = price as Float64Array;
      const q = quantity as Float64Array;
      const s = ship as Int32Array;
      for (let i = 0; i < s.length; i++) {
        const disc = d[i] as number;
        if (
          (s[i] as number) >= from &&
          (s[i] as number) < to &&
          disc >= 5 &&
          disc <= 7 &&
          (q[i] as number) < 2400
        ) {
          sum += (p[i] as number) * disc;
        }
      }
      revenue += BigInt(sum);
    }
    expect(toCents(revenue, 4)).to.equal(answer('q06')[0]?.[0]);
  });

  it('Q1 (pricing summary report)', () => {
    const last = day('1998-09-02');
    const groups = new Map<
      string,
      { qty: bigint; base: bigint; disc: bigint; charge: bigint; discounts: bigint; n: number }
    >();
    const columns = [
      'l_returnflag',
      'l_linestatus',
      'l_shipdate',
      'l_quantity',
      'l_extendedprice',
      'l_discount',
      'l_tax',
    ];
    for (const [flag, status, ship, quantity, price, discount, tax] of lineitemChunks(columns)) {
      const chunkGroups = new Map<string, number[]>();
      const s = ship as Int32Array;
      for (let i = 0; i < s.length; i++) {
        if ((s[i] as number) > last) continue;
        const key = `${(flag as string[])[i]}|${(status as string[])[i]}`;
        let g = chunkGroups.get(key);
        if (g === undefined) chunkGroups.set(key, (g = [0, 0, 0, 0, 0, 0]));
        const p = (price as Float64Array)[i] as number;
        const d = (discount as Float64Array)[i] as number;
        const t = (tax as Float64Array)[i] as number;
        g[0] = (g[0] as number) + ((quantity as Float64Array)[i] as number);
        g[1] = (g[1] as number) + p;
        g[2] = (g[2] as number) + p * (100 - d);
        g[3] = (g[3] as number) + p * (100 - d) * (100 + t);
        g[4] = (g[4] as number) + d;
        g[5] = (g[5] as number) + 1;
      }
      for (const [key, g] of chunkGroups) {
        const total = groups.get(key) ?? { qty: 0n, base: 0n, disc: 0n, charge: 0n, discounts: 0n, n: 0 };
        total.qty += BigInt(g[0] as number);
        total.base += BigInt(g[1] as number);
        total.disc += BigInt(g[2] as number);
        total.charge += BigInt(g[3] as number);
        total.discounts += BigInt(g[4] as number);
        total.n += g[5] as number;
        groups.set(key, total);
      }
    }
    const avg = (sum: bigint, n: number, digits: number): string =>
      toCents((sum * 10n ** 4n) / BigInt(n), digits + 4);
    const rows = [...groups]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([key, g]) => [
        ...key.split('|'),
        toCents(g.qty, 2),
        toCents(g.base, 2),
        toCents(g.disc, 4),
        toCents(g.charge, 6),
        avg(g.qty, g.n, 2),
        avg(g.base, g.n, 2),
        avg(g.discounts, g.n, 2),
        String(g.n),
      ]);
    expect(rows).to.deep.equal(answer('q01'));
  });

  it('Q4 (order priority checking)', () => {
    const from = day('1993-07-01');
    const to = day('1993-10-01');
    const counts = new Map<string, number>();
    const orders = driverRowCount('orders', 1);
    for (let start = 0; start < orders; start += CHUNK) {
      // a lineitem chunk holds exactly the lines of the same orders, in order
      const count = Math.min(CHUNK, orders - start);
      const [date, priority] = generate({
        table: 'orders',
        scaleFactor: 1,
        start,
        count,
        columns: ['o_orderdate', 'o_orderpriority'],
      }).columns;
      const [lineNumber, commit, receipt] = generate({
        table: 'lineitem',
        scaleFactor: 1,
        start,
        count,
        columns: ['l_linenumber', 'l_commitdate', 'l_receiptdate'],
      }).columns;
      let line = 0;
      for (let o = 0; o < count; o++) {
        let late = false;
        do {
          late ||= ((commit as Int32Array)[line] as number) < ((receipt as Int32Array)[line] as number);
          line++;
        } while (line < (lineNumber as Int32Array).length && (lineNumber as Int32Array)[line] !== 1);
        const d = (date as Int32Array)[o] as number;
        if (late && d >= from && d < to) {
          const p = (priority as string[])[o] as string;
          counts.set(p, (counts.get(p) ?? 0) + 1);
        }
      }
    }
    const rows = [...counts].sort(([a], [b]) => (a < b ? -1 : 1)).map(([p, n]) => [p, String(n)]);
    expect(rows).to.deep.equal(answer('q04'));
  });

  it('Q22 (global sales opportunity)', () => {
    const codes = new Set(['13', '31', '23', '29', '30', '18', '17']);
    const customers = driverRowCount('customer', 1);
    const ordered = new Uint8Array(customers + 1);
    const orders = driverRowCount('orders', 1);
    for (let start = 0; start < orders; start += CHUNK) {
      const [keys] = generate({
        table: 'orders',
        scaleFactor: 1,
        start,
        count: Math.min(CHUNK, orders - start),
        columns: ['o_custkey'],
      }).columns;
      for (const key of keys as Float64Array) ordered[key] = 1;
    }
    const [key, phone, balance] = generate({
      table: 'customer',
      scaleFactor: 1,
      start: 0,
      count: customers,
      columns: ['c_custkey', 'c_phone', 'c_acctbal'],
    }).columns as [Float64Array, string[], Float64Array];
    let positive = 0;
    let positiveCount = 0;
    for (let i = 0; i < customers; i++) {
      const cents = balance[i] as number;
      if (cents > 0 && codes.has((phone[i] as string).slice(0, 2))) {
        positive += cents;
        positiveCount++;
      }
    }
    const groups = new Map<string, { n: number; cents: number }>();
    for (let i = 0; i < customers; i++) {
      const code = (phone[i] as string).slice(0, 2);
      const cents = balance[i] as number;
      // c_acctbal > avg, compared exactly: cents · n > Σ cents
      if (!codes.has(code) || cents * positiveCount <= positive || ordered[key[i] as number] === 1) continue;
      const g = groups.get(code) ?? { n: 0, cents: 0 };
      g.n++;
      g.cents += cents;
      groups.set(code, g);
    }
    const rows = [...groups]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([code, g]) => [code, String(g.n), toCents(BigInt(g.cents), 2)]);
    expect(rows).to.deep.equal(answer('q22'));
  });
});
