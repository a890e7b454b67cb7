/**
 * Spill: a sort of lineitem, an aggregation of its orders, a join of orders and lineitem (a grace
 * hash join, FULL with a residual filter), a window per order and windows over partitions many times
 * the memory (evaluated from spill files) on an in-process cluster (2 workers,
 * 2 slots each) whose tasks get `--cap` of memory (256kB by default), so that they spill, against
 * the same queries on a cluster whose tasks have room (256MB), alternating, after a warm-up of
 * each. Checks the rows are the same; prints the time ratio and the bytes spilled (as stored:
 * LZ4-compressed and encrypted). Usage: npm run bench -- spill [--sf tiny] [--rounds 3] [--cap 256kB]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDataSize } from '@quarry/common';
import { startInProcessCluster, startServers, type InProcessCluster } from '@quarry/testkit';
import { DEFAULT_SPILL } from '@quarry/worker';
import { median, option, round, table } from './_support.js';

const sf = option('sf', 'tiny');
const rounds = Number(option('rounds', '3'));
const cap = parseDataSize(option('cap', '256kB'));
const QUERIES = {
  sort: `select l_orderkey, l_linenumber, l_shipdate, l_comment from tpch."${sf}".lineitem
         order by l_comment, l_shipdate desc, l_orderkey, l_linenumber`,
  aggregation: `select count(*), sum(s), max(c) from (select l_orderkey, sum(l_extendedprice) s, count(*) c,
         min(l_comment) m from tpch."${sf}".lineitem group by l_orderkey)`,
  join: `select count(*), sum(o_totalprice), count(l_orderkey), max(l_comment) from tpch."${sf}".orders
         full join tpch."${sf}".lineitem on o_orderkey = l_orderkey and l_quantity > 25`,
  window: `select count(*), sum(rn), max(c) from (select row_number() over (partition by l_orderkey
         order by l_comment) rn, count(*) over (partition by l_suppkey) c from tpch."${sf}".lineitem)`,
  // partitions of a third of lineitem and all of it, with functions that need the whole partition
  'large window': `select count(*), sum(nt), max(cd), sum(f) from (select ntile(10) over (partition by
         l_returnflag order by l_orderkey, l_linenumber) nt, cume_dist() over (order by l_shipdate) cd,
         first_value(l_quantity) over (partition by l_linestatus order by l_orderkey, l_linenumber
         rows between 100 following and unbounded following) f from tpch."${sf}".lineitem)`,
};

async function spilled(cluster: InProcessCluster): Promise<number> {
  let n = 0;
  for (const w of cluster.workers) for (const v of (await w.metrics.spilledBytes.get()).values) n += v.value;
  return n;
}

async function timed(cluster: InProcessCluster, sql: string): Promise<{ ms: number; rows: string }> {
  const t0 = performance.now();
  const result = await cluster.client.query(sql);
  return { ms: performance.now() - t0, rows: JSON.stringify(result.rows) };
}

const servers = await startServers();
const spillDir = mkdtempSync(join(tmpdir(), 'quarry-bench-spill-'));
const spill = { ...DEFAULT_SPILL, paths: [spillDir] };
const roomy = await startInProcessCluster({ workers: 2, slots: 2, servers, worker: { spill } });
const capped = await startInProcessCluster({
  workers: 2,
  slots: 2,
  servers,
  coordinator: { taskMemoryBytes: cap },
  worker: { spill },
});
const lines: (string | number)[][] = [];
const results: Record<string, { ratio: number; spilledBytes: number; sameRows: boolean }> = {};
try {
  for (const [name, sql] of Object.entries(QUERIES)) {
    await timed(roomy, sql); // warm-up: the text pool, compiled code
    await timed(capped, sql);
    const roomyMs: number[] = [];
    const cappedMs: number[] = [];
    let sameRows = true;
    const before = await spilled(capped);
    for (let r = 0; r < rounds; r++) {
      const a = await timed(roomy, sql);
      const b = await timed(capped, sql);
      roomyMs.push(a.ms);
      cappedMs.push(b.ms);
      sameRows &&= a.rows === b.rows;
    }
    const spilledBytes = Math.round(((await spilled(capped)) - before) / rounds);
    const ratio = round(median(cappedMs) / median(roomyMs));
    results[name] = { ratio, spilledBytes, sameRows };
    lines.push([
      name,
      round(median(roomyMs), 0),
      round(median(cappedMs), 0),
      ratio,
      spilledBytes,
      String(sameRows),
    ]);
  }
} finally {
  await capped.stop();
  await roomy.stop();
  await servers.stop();
  rmSync(spillDir, { recursive: true, force: true });
}
console.log(`SF ${sf}, task memory ${cap} bytes against 256MB, median of ${rounds} rounds`);
console.log(table(['query', 'roomy ms', 'capped ms', 'ratio', 'spilled bytes', 'same rows'], lines));
console.log(JSON.stringify({ bench: 'spill', sf, capBytes: cap, rounds, ...results }));
