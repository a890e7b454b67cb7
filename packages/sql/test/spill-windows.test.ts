/**
 * Spilling windows and set operations: with a spill space and a task memory far below their input,
 * window functions (sorted externally, evaluated a batch of whole partitions at a time), INTERSECT
 * and EXCEPT (ALL: through windows, DISTINCT: through aggregation), DISTINCT and count(DISTINCT)
 * (mark-distinct) return exactly the rows of an in-memory run, in the same order, and leave no spill file.
 */
import { expect } from 'chai';
import { BIGINT, DOUBLE, INTEGER, VARCHAR } from '../src/types/types.js';
import { asyncErrorOf } from './support/errors.js';
import { MemConnector, type MemTable } from './support/connector.js';
import { random } from './support/operators.js';
import { runLocal, unordered } from './support/run.js';
import { TempSpillSpace } from './support/spill.js';

const ROWS = 10_000;

/** t(id, g, k, d, s) and u: t's rows with an offset, some repeated. g: 300 partitions, NULL among them (50 rows). */
function tables(): { t: MemTable; u: MemTable } {
  const next = random(5);
  const columns: MemTable['columns'] = [
    { name: 'id', type: BIGINT },
    { name: 'g', type: INTEGER },
    { name: 'k', type: INTEGER },
    { name: 'd', type: DOUBLE },
    { name: 's', type: VARCHAR },
  ];
  const rows = Array.from({ length: ROWS }, (_, i) => {
    const r = next();
    return [
      i,
      r < 0.005 ? null : Math.floor(next() * 300),
      Math.floor(next() * 20),
      r > 0.95 ? null : Math.round(next() * 1e4) / 100,
      `${['a', 'bb', 'é', '😀'][i % 4]}${Math.floor(next() * 40)}`,
    ];
  });
  return {
    t: { columns, rows, splitRows: 500 },
    u: {
      columns,
      rows: rows
        .filter((_, i) => i % 3 !== 0)
        .map((r, i) => (i % 5 === 0 ? [...r] : [r[0], r[1], (r[2] as number) + 1, r[3], r[4]])),
      splitRows: 500,
    },
  };
}

const connector = () => new MemConnector({ shop: tables() });
const MEMORY = 64 * 1024;

describe('spilling windows and set operations', function () {
  this.timeout(120_000);
  let space: TempSpillSpace;

  beforeEach(() => (space = new TempSpillSpace()));
  afterEach(() => space.remove());

  const windows = [
    `SELECT id, g, row_number() OVER (PARTITION BY g ORDER BY d, id), rank() OVER (PARTITION BY g ORDER BY k),
            dense_rank() OVER (PARTITION BY g ORDER BY k DESC) FROM t`,
    `SELECT id, sum(d) OVER (PARTITION BY g ORDER BY id ROWS BETWEEN 3 PRECEDING AND 2 FOLLOWING),
            avg(k) OVER (PARTITION BY g, k), lag(s, 2) OVER (PARTITION BY g ORDER BY id),
            first_value(d) IGNORE NULLS OVER (PARTITION BY g ORDER BY id DESC) FROM t`,
    `SELECT id, count(*) OVER (PARTITION BY s ORDER BY d RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW),
            ntile(3) OVER (PARTITION BY g ORDER BY id), cume_dist() OVER (PARTITION BY s ORDER BY k) FROM t`,
  ];
  for (const sql of windows) {
    it(`computes windows as in memory through an external sort: ${sql.replace(/\s+/g, ' ')}`, async () => {
      const expected = await runLocal(sql, connector());
      const spilled = await runLocal(sql, connector(), MEMORY, space);
      expect(space.created, 'runs were spilled').to.be.greaterThan(2);
      expect(spilled.rows.length).to.equal(ROWS);
      expect(spilled.rows, 'the same rows in the same order').to.deep.equal(expected.rows);
      expect(space.files(), 'spill files left').to.deep.equal([]);
    });
  }

  const sets = [
    'SELECT g, k, s FROM t INTERSECT ALL SELECT g, k, s FROM u',
    'SELECT g, k, s FROM t EXCEPT ALL SELECT g, k, s FROM u',
    'SELECT g, k, s FROM t INTERSECT SELECT g, k, s FROM u',
    'SELECT g, k, s FROM t EXCEPT SELECT g, k, s FROM u',
    'SELECT g, k, s FROM t UNION SELECT g, k, s FROM u',
    'SELECT DISTINCT g, k, s FROM t',
  ];
  // mark-distinct: the seen tuples and the rows still to mark spilled by hash partition (each
  // count(DISTINCT) is one mark-distinct holding a table: a little more memory)
  const distinct = [
    'SELECT count(DISTINCT id), count(DISTINCT s), sum(DISTINCT k), count(DISTINCT d), count(*) FROM t',
    'SELECT k, count(DISTINCT id), count(DISTINCT s || CAST(g AS varchar)), max(d) FROM t GROUP BY k',
    'SELECT g, count(DISTINCT id) FILTER (WHERE d > 20), count(DISTINCT k) FROM t GROUP BY g',
  ];
  for (const sql of distinct) {
    it(`${sql} as in memory through spill files`, async () => {
      const expected = await runLocal(sql, connector());
      const e = await asyncErrorOf(() => runLocal(sql, connector(), 4 * MEMORY));
      expect(e.code, 'without spilling').to.equal('EXCEEDED_LOCAL_MEMORY_LIMIT');
      const spilled = await runLocal(sql, connector(), 4 * MEMORY, space);
      expect(space.created, 'spill files were written').to.be.greaterThan(15);
      expect(unordered(spilled.rows)).to.deep.equal(unordered(expected.rows));
      expect(space.files(), 'spill files left').to.deep.equal([]);
    });
  }
  for (const sql of sets) {
    it(`${sql} as in memory through spill files`, async () => {
      const expected = await runLocal(sql, connector());
      const spilled = await runLocal(sql, connector(), MEMORY, space);
      expect(space.created, 'spill files were written').to.be.greaterThan(0);
      expect(unordered(spilled.rows)).to.deep.equal(unordered(expected.rows));
      expect(space.files(), 'spill files left').to.deep.equal([]);
    });
  }

  // one partition many times the memory: functions computed in one pass over the sorted rows, or
  // (lag and lead with an offset argument) from spill files of the partition
  const streamed = [
    'SELECT id, s, row_number() OVER (ORDER BY s, id) rn FROM t ORDER BY rn DESC LIMIT 3',
    `SELECT id, row_number() OVER (ORDER BY k, d), rank() OVER (ORDER BY k), dense_rank() OVER (ORDER BY k DESC, d),
            sum(d) OVER (ORDER BY g), count(d) OVER (ORDER BY k, id ROWS UNBOUNDED PRECEDING),
            max(s) OVER (ORDER BY g, k GROUPS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) FROM t`,
    `SELECT id, lag(s) OVER (ORDER BY id), lead(d, 3, -1) OVER (ORDER BY id), lag(d, k, 0) IGNORE NULLS OVER (ORDER BY id),
            lead(d, k) IGNORE NULLS OVER (ORDER BY id), lead(s, 0) OVER (ORDER BY id), lag(id, g) OVER (ORDER BY id) FROM t`,
    `SELECT id, row_number() OVER (PARTITION BY k < 100 ORDER BY d, id), avg(d) OVER (PARTITION BY k < 15 ORDER BY s),
            lead(id, 2) OVER (PARTITION BY k < 15 ORDER BY s, id), sum(k) OVER (PARTITION BY g) FROM t`,
    // lag and lead by one row stream, with and without IGNORE NULLS
    `SELECT id, lag(d) OVER (ORDER BY id), lead(d) OVER (ORDER BY id), lag(d) IGNORE NULLS OVER (ORDER BY id),
            lead(d) IGNORE NULLS OVER (PARTITION BY k < 15 ORDER BY id), lead(s) OVER (PARTITION BY g ORDER BY id) FROM t`,
  ];
  for (const sql of streamed) {
    it(`streams a partition larger than the memory: ${sql.replace(/\s+/g, ' ')}`, async () => {
      const expected = await runLocal(sql, connector());
      const spilled = await runLocal(sql, connector(), MEMORY, space);
      expect(space.created, 'runs were spilled').to.be.greaterThan(2);
      expect(spilled.rows, 'the same rows in the same order').to.deep.equal(expected.rows);
      expect(space.files(), 'spill files left').to.deep.equal([]);
    });
  }

  it('a partition larger than the memory with a function over all of it is evaluated from spill files', async () => {
    const sql = 'SELECT id, cume_dist() OVER (PARTITION BY k < 100 ORDER BY d) FROM t';
    const expected = await runLocal(sql, connector());
    const spilled = await runLocal(sql, connector(), MEMORY, space);
    expect(spilled.rows, 'the same rows in the same order').to.deep.equal(expected.rows);
    expect(space.files(), 'spill files left').to.deep.equal([]);
  });
});
