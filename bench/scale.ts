/**
 * Scale: the 22 TPC-H queries (testdata/tpch/queries) and the global-sort window query of issue 14
 * (`row_number() over (order by l_comment)` over all of lineitem, one partition) on an in-process
 * cluster (2 workers, 2 slots each, spilling on), each run under retry policy TASK twice: with
 * session `fault_tolerant_execution_task_memory` set far below what its tasks need (`--cap`,
 * default 64MB × SF / 10, at least 256kB: 64MB at SF 10), so that they spill, and without it (the
 * cluster's task memory, 2GB). Capped and uncapped runs alternate, after one warm-up pass of
 * uncapped runs. Checks the rows are the same (in the same order, or, where the ORDER BY leaves
 * ties, the same rows); prints per query the times, their ratio and the bytes spilled (as stored:
 * LZ4-compressed and encrypted, summed over the workers' `spilledBytes` metric).
 *
 *   npm run bench -- scale [--sf 1] [--cap 6.4MB] [--queries 1,3,window] [--timeout 900]
 *
 * The last line is one JSON object: `finished` (queries that finished capped with the same rows),
 * `queries`, `spilledBytes` (all capped runs), `ratio` (capped over uncapped, total time), and the
 * window query's figures under `window`.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDataSize } from '@quarry/common';
import { startInProcessCluster, startServers, type InProcessCluster } from '@quarry/testkit';
import { DEFAULT_SPILL } from '@quarry/worker';
import { option, round, table } from './_support.js';

const sf = Number(option('sf', '1'));
const schema = sf === 0.01 ? 'tiny' : `sf${sf}`;
const cap = parseDataSize(option('cap', `${Math.max(256 << 10, Math.round((64 << 20) * (sf / 10)))}B`));
const timeoutMs = Number(option('timeout', '900')) * 1000;
const WINDOW = `select l_orderkey, l_comment, row_number() over (order by l_comment) rn
  from tpch."${schema}".lineitem order by rn desc limit 3`;
const QUERY_DIR = new URL('../testdata/tpch/queries/', import.meta.url);
const names = option('queries', [...Array.from({ length: 22 }, (_, i) => String(i + 1)), 'window'].join(','))
  .split(',')
  .map((q) => q.trim());
const sqlOf = (name: string): string =>
  name === 'window' ? WINDOW : readFileSync(new URL(`q${name.padStart(2, '0')}.sql`, QUERY_DIR), 'utf8');

interface Run {
  readonly ms: number;
  readonly rows?: unknown[][];
  readonly error?: string;
}

async function spilled(cluster: InProcessCluster): Promise<number> {
  let n = 0;
  for (const w of cluster.workers) for (const v of (await w.metrics.spilledBytes.get()).values) n += v.value;
  return n;
}

async function run(cluster: InProcessCluster, sql: string, capped: boolean): Promise<Run> {
  const session = {
    catalog: 'tpch',
    schema,
    retry_policy: 'TASK',
    ...(capped ? { fault_tolerant_execution_task_memory: `${cap}B` } : {}),
  };
  const t0 = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs / 1000} s`)), timeoutMs);
    });
    const result = await Promise.race([cluster.client.query(sql, { session }), timeout]);
    return { ms: performance.now() - t0, rows: result.rows as unknown[][] };
  } catch (e) {
    return { ms: performance.now() - t0, error: (e as Error).message };
  } finally {
    clearTimeout(timer);
  }
}

/** 'same' (same order), 'same set' (ties ordered otherwise) or 'DIFFERENT'. */
function sameRows(a: unknown[][], b: unknown[][]): string {
  const text = (rows: unknown[][]) =>
    rows.map((r) => JSON.stringify(r, (_, v) => (typeof v === 'bigint' ? `${v}` : v)));
  const [x, y] = [text(a), text(b)];
  if (x.join('\n') === y.join('\n')) return 'same';
  return x.sort().join('\n') === y.sort().join('\n') ? 'same set' : 'DIFFERENT';
}

const servers = await startServers();
const spillDir = mkdtempSync(join(tmpdir(), 'quarry-bench-scale-'));
const cluster = await startInProcessCluster({
  workers: 2,
  slots: 2,
  servers,
  worker: { spill: { ...DEFAULT_SPILL, paths: [spillDir] } },
});
const lines: (string | number)[][] = [];
let finished = 0;
let tpchQueries = 0;
let spilledTotal = 0;
let roomyTotal = 0;
let cappedTotal = 0;
let windowFigures: Record<string, unknown> | undefined;
try {
  for (const name of names) await run(cluster, sqlOf(name), false); // warm-up: text pool, compiled code
  for (const [i, name] of names.entries()) {
    const sql = sqlOf(name);
    const before = await spilled(cluster);
    // alternate which goes first, so that the machine's other load weighs on both alike
    const capped = i % 2 ? await run(cluster, sql, true) : undefined;
    const roomy = await run(cluster, sql, false);
    const cappedRun = capped ?? (await run(cluster, sql, true));
    const bytes = (await spilled(cluster)) - before;
    const same = roomy.rows && cappedRun.rows ? sameRows(roomy.rows, cappedRun.rows) : 'failed';
    const ok = same !== 'DIFFERENT' && same !== 'failed';
    const ratio = round(cappedRun.ms / roomy.ms);
    if (name === 'window')
      windowFigures = { finished: ok, spilledBytes: bytes, ratio, ms: round(cappedRun.ms, 0) };
    else {
      tpchQueries++;
      if (ok) finished++;
      spilledTotal += bytes;
      roomyTotal += roomy.ms;
      cappedTotal += cappedRun.ms;
    }
    const error = cappedRun.error ?? roomy.error;
    const label = name === 'window' ? 'window' : `q${name.padStart(2, '0')}`;
    lines.push([
      label,
      round(roomy.ms, 0),
      round(cappedRun.ms, 0),
      ratio,
      bytes,
      same + (error ? `: ${error}` : ''),
    ]);
    console.log(lines.at(-1)!.join('  '));
  }
} finally {
  await cluster.stop();
  await servers.stop();
  rmSync(spillDir, { recursive: true, force: true });
}
console.log(`\nSF ${sf} (tpch."${schema}"), TASK; capped: fault_tolerant_execution_task_memory=${cap}B`);
console.log(table(['query', 'uncapped ms', 'capped ms', 'ratio', 'spilled bytes', 'rows'], lines));
const ratio = roomyTotal > 0 ? round(cappedTotal / roomyTotal) : 0;
console.log(
  JSON.stringify({
    bench: 'scale',
    finished,
    queries: tpchQueries,
    spilledBytes: spilledTotal,
    ratio,
    sf,
    capBytes: cap,
    ...(windowFigures ? { window: windowFigures } : {}),
  }),
);
