/**
 * Spilling: with a spill space, ORDER BY and GROUP BY whose state is many times the task's memory
 * finish with exactly the rows of an in-memory run (the sort's ties in the same order: the merge is
 * stable), and every spill file is gone once the output has been read — or abandoned.
 */
import { expect } from 'chai';
import { SPILL_PARTITIONS } from '../src/operators/spill-partitions.js';
import { SortOperator } from '../src/operators/sort.js';
import { HashAggregationOperator } from '../src/operators/aggregate.js';
import { MemoryContext, type TaskContext } from '../src/operators/operator.js';
import { pageFromRows, pageRows, type Page } from '../src/page/block.js';
import type { SortKey } from '../src/plan/nodes.js';
import { BIGINT, DATE, DOUBLE, INTEGER, VARCHAR, decimalType } from '../src/types/types.js';
import { asyncErrorOf } from './support/errors.js';
import { calls, node } from './support/aggregation.js';
import { MemConnector, type MemTable } from './support/connector.js';
import { collectRows, pagesOf, random, sortRows } from './support/operators.js';
import { runLocal, unordered } from './support/run.js';
import { TempSpillSpace } from './support/spill.js';

const ROWS = 12_000;

/** t(id, k, s, d, m, day, g): ties in k, NULLs in k, s, d; NaN in d; strings past U+FFFF in s. */
function table(): MemTable {
  const next = random(7);
  const words = ['apple', 'Zebra', 'éclair', '😀 smile', 'ｆｕｌｌ', 'a', '', 'apple pie'];
  return {
    columns: [
      { name: 'id', type: BIGINT },
      { name: 'k', type: INTEGER },
      { name: 's', type: VARCHAR },
      { name: 'd', type: DOUBLE },
      { name: 'm', type: decimalType(12, 2) },
      { name: 'day', type: DATE },
      { name: 'g', type: BIGINT },
    ],
    rows: Array.from({ length: ROWS }, (_, i) => {
      const r = next();
      return [
        i,
        r < 0.05 ? null : Math.floor(next() * 20),
        r > 0.9 ? null : `${words[i % words.length]}${Math.floor(next() * 50)}`,
        r > 0.97 ? Number.NaN : r > 0.93 ? null : Math.round(next() * 1e4) / 100,
        Math.floor(next() * 1e7) - 5e6,
        18_000 + (i % 400),
        i % 6000,
      ];
    }),
    splitRows: 500,
  };
}

const connector = () => new MemConnector({ shop: { t: table() } });

describe('spilling operators', function () {
  this.timeout(60_000);
  let space: TempSpillSpace;

  beforeEach(() => (space = new TempSpillSpace()));
  afterEach(() => space.remove());

  const sorts = [
    'SELECT * FROM t ORDER BY k DESC NULLS FIRST, s, d DESC, id',
    // ties: rows equal on the keys keep their input order, spilled or not
    'SELECT * FROM t ORDER BY k NULLS LAST, s DESC NULLS FIRST',
    'SELECT s, d, id FROM t ORDER BY d NULLS FIRST, s',
  ];
  for (const sql of sorts) {
    it(`sorts as in memory through spilled runs: ${sql}`, async () => {
      const expected = await runLocal(sql, connector());
      const spilled = await runLocal(sql, connector(), 96 * 1024, space);
      expect(space.created, 'runs were spilled').to.be.greaterThan(4);
      expect(spilled.rows.length).to.equal(ROWS);
      expect(spilled.rows).to.deep.equal(expected.rows);
      expect(space.files(), 'spill files left').to.deep.equal([]);
    });
  }

  it('merges in several passes when the runs are more than one merge may read', async () => {
    const sql = 'SELECT id, s, k FROM t ORDER BY s, k, id DESC';
    const expected = await runLocal(sql, connector());
    // 24 kB: runs of a page or two, merged at most 2 at a time
    const spilled = await runLocal(sql, connector(), 24 * 1024, space);
    expect(spilled.rows).to.deep.equal(expected.rows);
    const runs = space.createdBeforeRead!;
    expect(runs, 'runs').to.be.greaterThan(space.mostReadAtOnce);
    expect(space.created, 'runs, then merged runs').to.be.greaterThan(runs);
    expect(space.files()).to.deep.equal([]);
  });

  it('a TopN whose rows pass the memory becomes an external sort that stops after its count', async () => {
    // ties in k and s: the same rows are chosen, in the same order
    const sql = 'SELECT * FROM t ORDER BY k NULLS FIRST, s DESC LIMIT 9000';
    const expected = await runLocal(sql, connector());
    const spilled = await runLocal(sql, connector(), 96 * 1024, space);
    expect(space.created, 'runs were spilled').to.be.greaterThan(2);
    expect(spilled.rows.length).to.equal(9000);
    expect(spilled.rows).to.deep.equal(expected.rows);
    expect(space.files(), 'spill files left').to.deep.equal([]);
    const runs = space.created;
    const small = await runLocal(
      'SELECT * FROM t ORDER BY d DESC, id LIMIT 10',
      connector(),
      96 * 1024,
      space,
    );
    expect(small.rows.length).to.equal(10);
    expect(space.created, 'a small TopN does not spill').to.equal(runs);
  });

  const groupings = [
    `SELECT g, count(*), sum(m), avg(d), min(s), max(day), count(s) FILTER (WHERE k > 3),
            approx_distinct(id), sum(k), max(d) FROM t GROUP BY g`,
    // NULL and string keys
    'SELECT s, k, count(*), min(id), max(m) FROM t GROUP BY s, k',
  ];
  for (const sql of groupings) {
    it(`aggregates as in memory through spilled partitions: ${sql.replace(/\s+/g, ' ')}`, async () => {
      const expected = await runLocal(sql, connector());
      const spilled = await runLocal(sql, connector(), 96 * 1024, space);
      expect(space.created, 'partitions were spilled').to.be.greaterThan(0);
      expect(unordered(spilled.rows)).to.deep.equal(unordered(expected.rows));
      expect(space.files()).to.deep.equal([]);
    });
  }

  it('splits a partition that still does not fit again, by other hash bits', async () => {
    const sql = 'SELECT id, count(*), sum(m), min(s) FROM t GROUP BY id';
    const expected = await runLocal(sql, connector());
    const spilled = await runLocal(sql, connector(), 40 * 1024, space);
    expect(spilled.rows.length).to.equal(ROWS);
    expect(space.created, 'files of a second level').to.be.greaterThan(SPILL_PARTITIONS);
    expect(unordered(spilled.rows)).to.deep.equal(unordered(expected.rows));
    expect(space.files()).to.deep.equal([]);
  });

  it('without a spill space still fails with EXCEEDED_LOCAL_MEMORY_LIMIT', async () => {
    for (const sql of [sorts[0]!, groupings[0]!]) {
      const e = await asyncErrorOf(() => runLocal(sql, connector(), 96 * 1024));
      expect(e.code, sql).to.equal('EXCEEDED_LOCAL_MEMORY_LIMIT');
    }
  });

  it('deletes the runs of a sort whose reader stops early', async () => {
    const types = [BIGINT, VARCHAR];
    const next = random(3);
    const pages: Page[] = Array.from({ length: 20 }, (_, p) =>
      pageFromRows(
        types,
        Array.from({ length: 500 }, (_, i) => [p * 500 + i, `v${Math.floor(next() * 1e6)}`]),
      ),
    );
    const keys: SortKey[] = [{ channel: 1, ascending: true, nullsFirst: false }];
    const columns = types.map((type, i) => ({ name: `c${i}`, type }));
    const sort = new SortOperator(
      { kind: 'Sort', input: { kind: 'Values', rows: [], outputs: columns }, keys, outputs: columns },
      pagesOf(pages),
      context(32 * 1024, space),
    );
    for await (const page of sort.execute()) {
      expect(page.rowCount).to.be.greaterThan(0);
      break;
    }
    expect(space.created).to.be.greaterThan(1);
    expect(space.files()).to.deep.equal([]);
  });

  it('a partial aggregation past the memory emits its groups and starts again; the final step merges them', async () => {
    const types = [BIGINT, BIGINT];
    const input = types.map((type, i) => ({ name: `c${i}`, type }));
    const rows = Array.from({ length: 20_000 }, (_, i) => [i % 5000, i]);
    const pages = [0, 1, 2, 3].map((p) => pageFromRows(types, rows.slice(p * 5000, (p + 1) * 5000)));
    const aggregates = calls(types, [{ fn: 'count' }, { fn: 'sum', args: [1] }]);
    const partial = new HashAggregationOperator(
      node('partial', input, [0], aggregates),
      pagesOf(pages),
      context(100 * 1024),
    );
    const states: Page[] = [];
    for await (const p of partial.execute()) states.push(p);
    expect(
      states.reduce((n, p) => n + p.rowCount, 0),
      'groups emitted more than once',
    ).to.be.greaterThan(5000);
    const final = node('final', node('partial', input, [0], aggregates).outputs, [0], aggregates);
    const out = await collectRows(new HashAggregationOperator(final, pagesOf(states), context(1 << 30)));
    const expected = Array.from({ length: 5000 }, (_, g) => [g, 4, 4 * g + 30_000]);
    expect(sortRows(out)).to.deep.equal(sortRows(expected));
    expect(pageRows(states[0]!)[0]!.length).to.equal(3);
  });
});

function context(memory: number, spill?: TempSpillSpace): TaskContext {
  return {
    memory: new MemoryContext(memory),
    scan: () => {
      throw new Error('no scans');
    },
    remote: () => {
      throw new Error('no remote sources');
    },
    ...(spill ? { spill } : {}),
  };
}
