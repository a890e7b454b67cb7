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
import { pagesOf, random } from './support/operators.js';
import { logical, runLocal, unordered } from './support/run.js';
import { SPILL_PARTITIONS } from '../src/operators/spill-partitions.js';
import { TempSpillSpace } from './support/spill.js';

/**
 * a(id, k, x, s, hot) and b(id, k, y, t, hot): keys with duplicates and NULLs; `hot` is 1 in most
 * of b. c: 2000 rows like a's, so that b is more than 4 times larger (an EXISTS over b holds c).
 */
function tables(): { a: MemTable; b: MemTable; c: MemTable } {
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
    c: {
      columns: columns('x', 's'),
      rows: Array.from({ length: 2000 }, (_, i) => row(i, 6000, false)),
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

  it('an EXISTS that holds its probe side spills that side and streams the build side through its partitions', async () => {
    const sql = 'SELECT id, s FROM c WHERE EXISTS (SELECT 1 FROM b WHERE b.k = c.k AND b.y > c.x)';
    expect(JSON.stringify(await logical(sql, connector())), 'the probe side is held').to.include(
      '"indexProbe":true',
    );
    await same(sql, 16 * 1024);
    await same(sql.replace('EXISTS', 'NOT EXISTS'), 16 * 1024);
  });

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

  it('deletes every spill file when the reader stops early, and when the task is cancelled', async () => {
    const keyed = join(16_000, [0], [0]);
    for await (const page of keyed.execute()) {
      expect(page.rowCount).to.be.greaterThan(0);
      break;
    }
    expect(space.created, 'partitions were spilled').to.be.greaterThan(SPILL_PARTITIONS);
    expect(space.files()).to.deep.equal([]);
    const abort = new AbortController();
    const cancelled = join(16_000, [0], [0], abort.signal);
    const e = await asyncErrorOf(async () => {
      for await (const page of cancelled.execute()) {
        expect(page.rowCount).to.be.greaterThan(0);
        abort.abort();
      }
    });
    expect(e.code).to.equal('USER_CANCELED');
    expect(space.files()).to.deep.equal([]);
  });

  /** A FULL join of n × n rows (k = i mod 1000, a string) on `keys`, with 32 kB of memory. */
  function join(n: number, leftKeys: number[], rightKeys: number[], signal?: AbortSignal): HashJoinOperator {
    const types = [BIGINT, VARCHAR];
    const columns: Column[] = types.map((type, i) => ({ name: `c${i}`, type }));
    const pages = (seed: number): Page[] =>
      Array.from({ length: n / 1000 }, (_, p) =>
        pageFromRows(
          types,
          Array.from({ length: 1000 }, (_, i) => [(p * 1000 + i) % 1000, `v${seed}-${p * 1000 + i}`]),
        ),
      );
    const values = { kind: 'Values', rows: [], outputs: columns } as const;
    const node: JoinNode = {
      kind: 'Join',
      joinType: 'FULL',
      input: values,
      build: values,
      leftKeys,
      rightKeys,
      outputs: [...columns, ...columns],
    };
    const ctx: TaskContext = {
      memory: new MemoryContext(32 * 1024),
      scan: () => {
        throw new Error('no scans');
      },
      remote: () => {
        throw new Error('no remote sources');
      },
      spill: space,
      ...(signal ? { signal } : {}),
    };
    return new HashJoinOperator(node, pagesOf(pages(1)), pagesOf(pages(2)), ctx);
  }

  it('without a spill space still fails with EXCEEDED_LOCAL_MEMORY_LIMIT', async () => {
    const e = await asyncErrorOf(() => runLocal(joins[0]!, connector(), MEMORY));
    expect(e.code).to.equal('EXCEEDED_LOCAL_MEMORY_LIMIT');
  });
});
