/**
 * Window partitions far larger than the task's memory whose functions need more than one pass
 * (ntile, percent_rank, cume_dist, first/last/nth_value, aggregates over frames reaching FOLLOWING,
 * lag and lead by any offset): each such partition goes to spill files and is evaluated from there.
 * The rows must be the in-memory run's, in the same order, with NULLs, ties and several partitions
 * — one of them holding most rows — and no spill file may be left.
 */
import { expect } from 'chai';
import { BIGINT, DOUBLE, INTEGER, VARCHAR } from '../src/types/types.js';
import { asyncErrorOf } from './support/errors.js';
import { MemConnector, type MemTable } from './support/connector.js';
import { random } from './support/operators.js';
import { runLocal } from './support/run.js';
import { TempSpillSpace } from './support/spill.js';

const ROWS = 8_000;

/** t(id, p, k, v, d, s): p is 0 for 80 % of the rows, else 1–20 or NULL; k has ties and NULLs; v, d NULLs. */
function table(): MemTable {
  const next = random(11);
  const rows = Array.from({ length: ROWS }, (_, i) => {
    const r = next();
    return [
      i,
      r < 0.8 ? 0 : r < 0.81 ? null : 1 + Math.floor(next() * 20),
      next() < 0.03 ? null : Math.floor(next() * 60),
      next() < 0.2 ? null : Math.floor(next() * 1000) - 300,
      next() < 0.1 ? null : Math.round(next() * 1e4) / 100,
      `${['a', 'bb', 'é'][i % 3]}${Math.floor(next() * 30)}`,
    ];
  });
  return {
    columns: [
      { name: 'id', type: BIGINT },
      { name: 'p', type: INTEGER },
      { name: 'k', type: INTEGER },
      { name: 'v', type: INTEGER },
      { name: 'd', type: DOUBLE },
      { name: 's', type: VARCHAR },
    ],
    rows,
    splitRows: 500,
  };
}

const connector = () => new MemConnector({ shop: { t: table() } });
const MEMORY = 96 * 1024;

describe('spilling window partitions larger than the memory', function () {
  this.timeout(120_000);
  let space: TempSpillSpace;

  beforeEach(() => (space = new TempSpillSpace()));
  afterEach(() => space.remove());

  const queries: Record<string, string> = {
    ranking: `SELECT id, ntile(7) OVER (PARTITION BY p ORDER BY k, id), percent_rank() OVER (PARTITION BY p ORDER BY k),
              cume_dist() OVER (PARTITION BY p ORDER BY k DESC NULLS FIRST), ntile(abs(v) % 5 + 1) OVER (ORDER BY d, id),
              cume_dist() OVER (ORDER BY p), percent_rank() OVER (ORDER BY k NULLS FIRST) FROM t`,
    values: `SELECT id, first_value(v) OVER (PARTITION BY p ORDER BY k ROWS BETWEEN 3 PRECEDING AND 40 FOLLOWING),
             last_value(s) OVER (PARTITION BY p ORDER BY k), nth_value(d, 3) OVER (PARTITION BY p ORDER BY k RANGE BETWEEN 2 PRECEDING AND 1 FOLLOWING),
             last_value(v) OVER (PARTITION BY p ORDER BY id ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING),
             first_value(d) OVER (PARTITION BY p ORDER BY k DESC GROUPS BETWEEN 1 FOLLOWING AND 2 FOLLOWING) FROM t`,
    'values ignoring nulls': `SELECT id, first_value(v) IGNORE NULLS OVER (PARTITION BY p ORDER BY k ROWS BETWEEN 2 PRECEDING AND 2 FOLLOWING),
             last_value(d) IGNORE NULLS OVER (PARTITION BY p ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND 5 FOLLOWING),
             nth_value(v, 4) IGNORE NULLS OVER (ORDER BY k RANGE BETWEEN 1 PRECEDING AND UNBOUNDED FOLLOWING),
             last_value(v) IGNORE NULLS OVER (PARTITION BY p ORDER BY k RANGE BETWEEN UNBOUNDED PRECEDING AND 3 PRECEDING) FROM t`,
    aggregates: `SELECT id, sum(v) OVER (PARTITION BY p), count(*) OVER (PARTITION BY p ORDER BY k RANGE BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING),
             max(s) OVER (PARTITION BY p ORDER BY id ROWS BETWEEN 10 PRECEDING AND 300 FOLLOWING),
             min(v) OVER (ORDER BY k GROUPS BETWEEN 2 PRECEDING AND 1 FOLLOWING),
             sum(v) OVER (PARTITION BY p ORDER BY k RANGE BETWEEN 5 PRECEDING AND 5 FOLLOWING),
             count(v) OVER (PARTITION BY p ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND 100 FOLLOWING),
             avg(v) OVER (PARTITION BY p ORDER BY id ROWS BETWEEN 1500 FOLLOWING AND UNBOUNDED FOLLOWING) FROM t`,
    navigation: `SELECT id, lead(v, 2000) OVER (PARTITION BY p ORDER BY id), lag(s, 1500, 'none') OVER (PARTITION BY p ORDER BY id),
             lead(d, k) IGNORE NULLS OVER (PARTITION BY p ORDER BY id), lag(v, k, -1) IGNORE NULLS OVER (ORDER BY id),
             lead(v, 0) OVER (ORDER BY id), lag(id, abs(v) % 50) OVER (ORDER BY id) FROM t`,
  };
  for (const [family, sql] of Object.entries(queries)) {
    it(`${family}: as in memory, a partition at a time from spill files`, async () => {
      const expected = await runLocal(sql, connector());
      const e = await asyncErrorOf(() => runLocal(sql, connector(), MEMORY));
      expect(e.code, 'without spilling').to.equal('EXCEEDED_LOCAL_MEMORY_LIMIT');
      const spilled = await runLocal(sql, connector(), MEMORY, space);
      expect(space.created, 'files were spilled').to.be.greaterThan(20);
      expect(spilled.rows.length).to.equal(ROWS);
      expect(spilled.rows, 'the same rows in the same order').to.deep.equal(expected.rows);
      expect(space.files(), 'spill files left').to.deep.equal([]);
    });
  }

  it('a bad argument is still a clear error when the partition is spilled', async () => {
    const sql = 'SELECT id, ntile(v - 1000) OVER (PARTITION BY p ORDER BY id) FROM t';
    const e = await asyncErrorOf(() => runLocal(sql, connector(), MEMORY, space));
    expect(e.code).to.equal('INVALID_FUNCTION_ARGUMENT');
    expect(space.files(), 'spill files left').to.deep.equal([]);
  });
});
