import { expect } from 'chai';
import { driverRowCount, generate, TPCH_TABLE_NAMES } from '../../src/tpch/generator/index.js';
import { columnNames, formatRows, referenceLines } from './reference.js';

/** Per column, the number of rows that differ and the first such row, for a readable failure. */
function mismatches(columns: readonly string[], got: readonly string[], want: readonly string[]): string[] {
  const byColumn = new Map<string, { rows: number; first: number; got: string; want: string }>();
  for (let row = 0; row < Math.max(got.length, want.length); row++) {
    if (got[row] === want[row]) continue;
    const g = (got[row] ?? '').split('|');
    const w = (want[row] ?? '').split('|');
    columns.forEach((column, i) => {
      if (g[i] === w[i]) return;
      const seen = byColumn.get(column);
      if (seen) seen.rows++;
      else byColumn.set(column, { rows: 1, first: row, got: g[i] ?? '(none)', want: w[i] ?? '(none)' });
    });
  }
  return [...byColumn].map(
    ([column, m]) =>
      `${column}: ${m.rows} rows differ, first at row ${m.first}: got "${m.got}", want "${m.want}"`,
  );
}

describe('tpch generator: reference dbgen output at SF 0.01', function () {
  this.timeout(60_000);

  for (const table of TPCH_TABLE_NAMES) {
    it(`${table}: every row and column equals dbgen's`, () => {
      const columns = columnNames(table);
      const chunk = generate({
        table,
        scaleFactor: 0.01,
        start: 0,
        count: driverRowCount(table, 0.01),
        columns,
      });
      const want = referenceLines(table);
      const got = formatRows(table, columns, chunk);
      expect(got.length, 'row count').to.equal(want.length);
      expect(mismatches(columns, got, want)).to.deep.equal([]);
    });
  }
});
