/**
 * Spilling joins: with a spill space and a task memory far below their build sides, hash joins of
 * every type (inner, left, right, full, with and without a residual filter, without keys), semi
 * joins (IN, NOT IN with NULLs, EXISTS, NOT EXISTS) return exactly the rows of an in-memory run, go
 * through spill files, and leave none behind.
 */
import { expect } from 'chai';
import { MemoryContext, type TaskContext } from '../src/operators/operator.js';
import { HashJoinOperator } from '../src/operators/hash-join.js';
import { pageFromRows, type Page } from '../src/page/block.js';
import type { Column, JoinNode } from '../src/plan/nodes.js';
import { BIGINT, DOUBLE, INTEGER, VARCHAR } from '../src/types/types.js';
import { asyncErrorOf } from './support/errors.js';
import { MemConnector, type MemTable } from './support/connector.js';
import { collectRows, pagesOf, random, sortRows } from './support/operators.js';
import { runLocal, unordered } from './support/run.js';
import { SPILL_PARTITIONS } from '../src/operators/spill-partitions.js';
import { TempSpillSpace } from './support/spill.js';

/** a(id, k, x, s, hot) and b(id, k, y, t, hot): keys with duplicates and NULLs; `hot` is 1 in most of b. */
function tables(): { a: MemTable; b: MemTable } {
  const next = random(11);
  const columns = (x: string, s: string): MemTable['columns'] => [
    { name: 'id', type: BIGINT },
    { name: 'k', type: INTEGER },
    { name: x, type: DOUBLE },
    { name: s, type: VARCHAR },
    { name: 'hot', type: INTEGER },
  ];
  const row = (i: number, keys: number, hot: boolean) => {
    const r = next();
    return [
      i,
      r < 0.04 ? null : Math.floor(next() * keys),
      r > 0.95 ? null : Math.round(next() * 1e4) / 100,
      `${['x', 'yy', 'éé', '😀'][i % 4]}${Math.floor(next() * 1000)}`,
      hot ? 1 : 2 + (i % 500),
    ];
  };
  return {
    a: {
      columns: columns('x', 's'),
      rows: Array.from({ length: 4000 }, (_, i) => row(i, 6000, i % 2000 === 0)),
      splitRows: 500,
    },
    b: {
      columns: columns('y', 't'),
      rows: Array.from({ length: 9000 }, (_, i) => row(i, 6000, i % 10 !== 0)),
      splitRows: 500,
    },
  };
}

const connector = () => new MemConnector({ shop: tables() });
const MEMORY = 48 * 1024;

describe('spilling joins', function () {
  this.timeout(120_000);
  let space: TempSpillSpace;

  beforeEach(() => (space = new TempSpillSpace()));
  afterEach(() => space.remove());

  async function same(sql: string, memory = MEMORY): Promise<void> {
    const expected = await runLocal(sql, connector());
    const spilled = await runLocal(sql, connector(), memory, space);
    expect(space.created, 'spill files were written').to.be.greaterThan(0);
    expect(spilled.rows.length).to.equal(expected.rows.length);
    expect(unordered(spilled.rows)).to.deep.equal(unordered(expected.rows));
    expect(space.files(), 'spill files left').to.deep.equal([]);
  }

  const joins = [
    'SELECT a.id, b.id, a.k, b.t FROM a JOIN b ON a.k = b.k',
    'SELECT a.id, b.id, a.s FROM a LEFT JOIN b ON a.k = b.k',
    'SELECT a.id, b.id, b.t FROM a RIGHT JOIN b ON a.k = b.k',
    'SELECT a.id, b.id FROM a FULL JOIN b ON a.k = b.k',
    // residual filters: a pair that fails it is no match (outer rows come back padded)
    'SELECT a.id, b.id, a.x, b.y FROM a JOIN b ON a.k = b.k AND a.x < b.y',
    'SELECT a.id, b.id FROM a LEFT JOIN b ON a.k = b.k AND a.x < b.y',
    'SELECT a.id, b.id FROM a RIGHT JOIN b ON a.k = b.k AND a.x < b.y',
    'SELECT a.id, b.id FROM a FULL JOIN b ON a.k = b.k AND a.x < b.y',
    // two keys, one of them a string
    'SELECT a.id, b.id FROM a FULL JOIN b ON a.k = b.k AND substr(a.s, 1, 1) = substr(b.t, 1, 1)',
  ];
  for (const sql of joins) {
    it(`joins as in memory through spilled partitions: ${sql}`, async () => {
      await same(sql);
    });
  }

  const semis = [
    'SELECT id, k FROM a WHERE k IN (SELECT k FROM b)',
    // NOT IN: NULLs on either side make the answer NULL, so the row is dropped
    'SELECT id, k FROM a WHERE k NOT IN (SELECT k FROM b WHERE id > 10)',
    'SELECT id, k FROM a WHERE k NOT IN (SELECT k FROM b WHERE k IS NOT NULL)',
    'SELECT id, k IN (SELECT k FROM b WHERE b.hot = a.hot) FROM a',
    'SELECT id FROM a WHERE EXISTS (SELECT 1 FROM b WHERE b.k = a.k AND b.y > a.x)',
    'SELECT id FROM a WHERE NOT EXISTS (SELECT 1 FROM b WHERE b.k = a.k AND b.y > a.x)',
  ];
  for (const sql of semis) {
    it(`semi-joins as in memory through spilled partitions: ${sql}`, async () => {
      await same(sql);
    });
  }

  it('splits a partition that still does not fit again, both sides, by other hash bits', async () => {
    await same('SELECT a.id, b.id FROM a RIGHT JOIN b ON a.k = b.k', 24 * 1024);
    expect(space.created, 'files of a second level').to.be.greaterThan(2 * SPILL_PARTITIONS);
  });

  for (const sql of [
    'SELECT a.id, b.id, b.t FROM a LEFT JOIN b ON a.hot = b.hot AND b.y > 1',
    'SELECT a.id, b.id FROM a FULL JOIN b ON a.hot = b.hot AND a.x + 40 < b.y',
  ]) {
    it(`joins a key that alone passes the memory in chunks of the build side: ${sql}`, async () => {
      await same(sql);
      expect(space.mostReadsOfOneFile, 'probe rows read once per chunk').to.be.greaterThan(1);
    });
  }

  it('joins without keys (a nested loop) in chunks of the build side', async () => {
    await same(
      `SELECT a.id, b.id FROM (SELECT * FROM a WHERE id < 300) a
       LEFT JOIN b ON a.x BETWEEN b.y AND b.y + 0.01`,
    );
    expect(space.mostReadsOfOneFile, 'probe rows read once per chunk').to.be.greaterThan(1);
  });

  it('without a spill space still fails with EXCEEDED_LOCAL_MEMORY_LIMIT', async () => {
    const e = await asyncErrorOf(() => runLocal(joins[0]!, connector(), MEMORY));
    expect(e.code).to.equal('EXCEEDED_LOCAL_MEMORY_LIMIT');
  });
});
