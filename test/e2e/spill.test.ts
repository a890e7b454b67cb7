import { expect } from 'chai';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QuarryError } from '@quarry/common';
import {
  startInProcessCluster,
  startServers,
  type InProcessCluster,
  type TestServers,
} from '@quarry/testkit';
import { DEFAULT_SPILL, parseFailureInjection, type Worker } from '@quarry/worker';

/**
 * Spilling through a whole cluster: tasks given a few hundred kB of memory sort all of
 * tpch.tiny.lineitem, aggregate its 15 000 orders, join it with orders and number all its rows in
 * one window partition through local spill files, with the rows of a
 * cluster whose tasks have room; the files are gone when the tasks end, finished or failed; the
 * spill limits fail a query with EXCEEDED_SPILL_LIMIT; `spill_enabled=false` gives the old
 * EXCEEDED_LOCAL_MEMORY_LIMIT.
 */
const MEMORY = 256 * 1024;
const SORT = `select * from tpch.tiny.lineitem
  order by nullif(l_shipmode, 'AIR') nulls first, l_shipdate desc, l_comment, l_orderkey, l_linenumber`;
const GROUP = `select l_orderkey, count(*), sum(l_quantity), avg(l_extendedprice), min(l_comment), max(l_shipdate),
  approx_distinct(l_partkey) from tpch.tiny.lineitem group by l_orderkey`;
// a grace hash join: lineitem's matching rows and unmatched rows of both sides
const JOIN = `select o_orderkey, o_orderstatus, l_orderkey, l_linenumber, l_quantity
  from tpch.tiny.orders full join tpch.tiny.lineitem on o_orderkey = l_orderkey and l_quantity > 25`;
// issue 14's query: one window partition, all of lineitem, many times the task memory
const WINDOW = `select l_orderkey, l_linenumber, l_comment, row_number() over (order by l_comment, l_orderkey, l_linenumber) rn
  from tpch.tiny.lineitem order by rn desc limit 3`;
// one task aggregates all 15 000 orders
const ONE_PARTITION = { hash_partition_count: '1' };

/** Files and directories under `dir`, as paths relative to it. */
function listed(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();
}

/** Everything under the spill directory: each worker's own directory, empty. */
function leftovers(dir: string, workers: readonly Worker[]): string[] {
  return listed(dir).filter((p) => !workers.some((w) => p.startsWith(`${w.id}-`) && !p.includes('/')));
}

async function spilledBytes(workers: readonly Worker[]): Promise<number> {
  let total = 0;
  for (const w of workers) {
    const metric = await w.metrics.spilledBytes.get();
    total += metric.values.reduce((n, v) => n + v.value, 0);
  }
  return total;
}

/** Whether `condition` holds within 20 s (checked every 50 ms). */
async function until(condition: () => boolean): Promise<boolean> {
  for (const end = Date.now() + 20_000; Date.now() < end; await new Promise((r) => setTimeout(r, 50)))
    if (condition()) return true;
  return condition();
}

function sortRows(rows: readonly unknown[][]): unknown[][] {
  return [...rows].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
}

describe('spilling in a cluster with tiny task memory', function () {
  this.timeout(180_000);
  let servers: TestServers;
  let cluster: InProcessCluster;
  let spillDir: string;
  let expected: { sort: unknown[][]; group: unknown[][]; join: unknown[][]; window: unknown[][] };

  before(async () => {
    servers = await startServers();
    spillDir = mkdtempSync(join(tmpdir(), 'quarry-e2e-spill-'));
    cluster = await startInProcessCluster({
      workers: 2,
      slots: 2,
      servers,
      coordinator: { taskMemoryBytes: MEMORY },
      worker: {
        spill: { ...DEFAULT_SPILL, paths: [spillDir] },
        failureInjection: parseFailureInjection(
          'query=spillfail_,stage=0,when=midway,action=INTERNAL_ERROR;query=spillhang_,stage=0,when=midway,action=HANG',
        ),
      },
    });
    const roomy = await startInProcessCluster({ workers: 1, slots: 2, servers });
    try {
      expected = {
        sort: (await roomy.client.query(SORT)).rows as unknown[][],
        group: (await roomy.client.query(GROUP, { session: ONE_PARTITION })).rows as unknown[][],
        join: (await roomy.client.query(JOIN, { session: ONE_PARTITION })).rows as unknown[][],
        window: (await roomy.client.query(WINDOW)).rows as unknown[][],
      };
    } finally {
      await roomy.stop();
    }
  });

  after(async () => {
    await cluster?.stop();
    await servers?.stop();
    if (spillDir) rmSync(spillDir, { recursive: true, force: true });
  });

  it('sorts all of lineitem as with room, and leaves no spill file', async () => {
    const before = await spilledBytes(cluster.workers);
    const result = await cluster.client.query(SORT);
    expect(result.rows.length).to.equal(60_175);
    expect(result.rows).to.deep.equal(expected.sort);
    expect(await spilledBytes(cluster.workers), 'bytes spilled').to.be.greaterThan(before + 1_000_000);
    expect(leftovers(spillDir, cluster.workers)).to.deep.equal([]);
  });

  it('EXPLAIN ANALYZE shows the bytes the sort spilled', async () => {
    const result = await cluster.client.query(`explain analyze ${SORT}`);
    const text = String(result.rows[0]![0]);
    expect(text).to.match(/peak task memory [\d.]+ (B|KB|MB) · spilled [\d.]+ (KB|MB)/);
  });

  it('aggregates 15 000 groups in one task as with room, and leaves no spill file', async () => {
    const before = await spilledBytes(cluster.workers);
    const result = await cluster.client.query(GROUP, { session: ONE_PARTITION });
    expect(result.rows.length).to.equal(15_000);
    expect(sortRows(result.rows as unknown[][])).to.deep.equal(sortRows(expected.group));
    expect(await spilledBytes(cluster.workers)).to.be.greaterThan(before);
    expect(leftovers(spillDir, cluster.workers)).to.deep.equal([]);
  });

  it('joins orders and lineitem (FULL, with a residual filter) in one task as with room, and leaves no spill file', async () => {
    const before = await spilledBytes(cluster.workers);
    const result = await cluster.client.query(JOIN, { session: ONE_PARTITION });
    expect(result.rows.length).to.equal(expected.join.length);
    expect(sortRows(result.rows as unknown[][])).to.deep.equal(sortRows(expected.join));
    expect(await spilledBytes(cluster.workers), 'bytes spilled').to.be.greaterThan(before + 100_000);
    expect(leftovers(spillDir, cluster.workers)).to.deep.equal([]);
    const explained = await cluster.client.query(`explain analyze ${JOIN}`, { session: ONE_PARTITION });
    expect(String(explained.rows[0]![0])).to.match(/spilled [\d.]+ (KB|MB)/);
  });

  it('numbers all of lineitem in one window partition as with room, and leaves no spill file', async () => {
    const before = await spilledBytes(cluster.workers);
    const result = await cluster.client.query(WINDOW);
    expect(result.rows).to.deep.equal(expected.window);
    expect(result.rows[0]![3]).to.equal(60_175);
    expect(await spilledBytes(cluster.workers), 'bytes spilled').to.be.greaterThan(before + 1_000_000);
    expect(leftovers(spillDir, cluster.workers)).to.deep.equal([]);
  });

  it('deletes the spill files of a task that fails in the middle of its merge', async () => {
    const before = await spilledBytes(cluster.workers);
    const e = (await cluster.client
      .query(SORT, { queryId: `spillfail_${Date.now()}` })
      .catch((x: unknown) => x)) as QuarryError;
    expect(e).to.be.instanceOf(QuarryError);
    expect(e.code).to.equal('INJECTED_INTERNAL_ERROR');
    expect(await spilledBytes(cluster.workers), 'the failed root task had spilled').to.be.greaterThan(before);
    expect(leftovers(spillDir, cluster.workers)).to.deep.equal([]);
  });

  it('deletes the spill files of a task cancelled after spilling', async () => {
    const handle = await cluster.client.submit(SORT, { queryId: `spillhang_${Date.now()}` });
    // the root task hangs after its first output page, in the middle of its merge: its runs on disk
    const spilling = await until(() => leftovers(spillDir, cluster.workers).some((p) => p.endsWith('.qsp')));
    expect(spilling, 'spill files while the task hangs').to.equal(true);
    await handle.cancel();
    handle.close();
    expect(await until(() => leftovers(spillDir, cluster.workers).length === 0)).to.equal(true);
  });

  it('with spill_enabled=false fails as before with EXCEEDED_LOCAL_MEMORY_LIMIT', async () => {
    for (const sql of [SORT, GROUP, JOIN]) {
      const e = (await cluster.client
        .query(sql, { session: { ...ONE_PARTITION, spill_enabled: 'false' } })
        .catch((x: unknown) => x)) as QuarryError;
      expect(e).to.be.instanceOf(QuarryError);
      expect(e.code, sql).to.equal('EXCEEDED_LOCAL_MEMORY_LIMIT');
    }
    const bad = (await cluster.client
      .query(SORT, { session: { spill_enabled: 'maybe' } })
      .catch((x: unknown) => x)) as QuarryError;
    expect(bad.code).to.equal('INVALID_SESSION_PROPERTY');
  });

  it('fails with EXCEEDED_SPILL_LIMIT past query-max-spill-per-node, leaving no file', async () => {
    const small = await startInProcessCluster({
      workers: 1,
      slots: 2,
      servers,
      coordinator: { taskMemoryBytes: MEMORY },
      worker: { spill: { ...DEFAULT_SPILL, paths: [spillDir], maxPerQueryBytes: 512 * 1024 } },
    });
    try {
      const e = (await small.client.query(SORT).catch((x: unknown) => x)) as QuarryError;
      expect(e).to.be.instanceOf(QuarryError);
      expect(e.code).to.equal('EXCEEDED_SPILL_LIMIT');
      expect(e.message).to.match(/per-query local spill limit of 512kB/);
      expect(leftovers(spillDir, [...cluster.workers, ...small.workers])).to.deep.equal([]);
    } finally {
      await small.stop();
    }
  });
});
