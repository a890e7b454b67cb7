/**
 * TPC-H: the 22 queries of testdata/tpch/queries on a local cluster of real processes (a
 * coordinator and N workers with 2 task slots each, `startProcessCluster`), once under retry policy
 * NONE and once under TASK, and in DuckDB over the same rows in the same run.
 *
 *   npm run bench -- tpch [--sf 1] [--workers 2] [--slots 2] [--queries 1,3,5] [--duckdb-runs 3]
 *                         [--explain 3] [--warmup-pass yes|no] [--timeout 900]
 *                         [--source lake|generated] [--lake-dir DIR] [--profile]
 *
 * - Data (`--source`). `lake` (the default): both engines read the same Parquet files — quarry's
 *   `lake` catalog, written once by quarry itself (CREATE TABLE AS from `tpch`, bench/_tpch-lake.ts)
 *   under `--lake-dir` (default: <tmpdir>/quarry-bench-lake) and reused by later runs, and DuckDB
 *   through views over the files of each table's current version. `generated`: quarry's `tpch`
 *   connector generates the rows while it scans them (so quarry's time includes generating them) and
 *   DuckDB holds the same rows in memory, loaded first (bench/_tpch-duckdb.ts).
 * - DuckDB: only query time counts, the median of `--duckdb-runs` runs after one warm-up.
 * - Per query, DuckDB's timed runs come right before quarry's two runs (NONE and TASK, alternating
 *   which goes first), so that the machine's other load weighs on both alike.
 * - quarry: time is the client's wall clock from submission to the last result row. Warm-up first,
 *   not counted: a scan of orders' comments, then one pass over the queries under NONE
 *   (`--warmup-pass no` skips that pass).
 * - Every quarry result is checked against DuckDB's (test/sql's rules) and, at SF 1, against the
 *   official answers (testdata/tpch/answers/sf1): bench/_tpch-check.ts.
 * - Peak RSS per worker process: VmHWM of /proc/<pid>/status, reset (clear_refs 5) before each
 *   timed query, so each retry policy has its own peak (the largest over its runs).
 * - `--profile`: the workers write a CPU profile of every task (worker property
 *   `task.cpu-profile-dir`, here a new directory under <tmpdir>, kept), and per timed run the report
 *   says where the tasks' time went: scan, expression evaluation, hashing, join, aggregation, sort,
 *   exchange write and read, serde, GC, idle and other (bench/_profile.ts says which code counts as
 *   what), with the functions of most self time; the JSON line gets the totals under `profile`.
 *   Profiling slows the tasks a little: compare times with those of runs without it.
 * Ratios are quarry / DuckDB per query; `ratioNone`, `ratioTask` their geometric means under each
 * policy, `geomeanRatio` the larger of the two (the bar must hold under both). Bars of issue 5: all
 * 22 finish under NONE and TASK, geometric mean ≤ 20× DuckDB, peak RSS per worker ≤ 2 GB. The last
 * line of output is one JSON object.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { QuarryClient } from '@quarry/client';
import { QuarryError } from '@quarry/common';
import { startProcessCluster } from '@quarry/testkit';
import { duckText, type Text } from '../test/sql/values.js';
import { reportProfiles } from './_profile-report.js';
import { option, round, table, median } from './_support.js';
import { checkAgainstAnswer, checkAgainstDuckDb, readAnswer, type DuckRows } from './_tpch-check.js';
import { loadTpch } from './_tpch-duckdb.js';
import { duckViewsOverLake, ensureLakeTables, lakeCatalogDir, lakeSchemaOf } from './_tpch-lake.js';

const SHARED = new URL('../testdata/tpch/', import.meta.url);
const sf = Number(option('sf', '1'));
const workerCount = Number(option('workers', '2'));
const slots = Number(option('slots', '2'));
const duckRuns = Number(option('duckdb-runs', '3'));
const explainCount = Number(option('explain', '3'));
const warmupPass = option('warmup-pass', 'yes') !== 'no';
const queryTimeoutMs = Number(option('timeout', '900')) * 1000;
/** `--profile`: where the workers write their tasks' CPU profiles. */
const profileDir = process.argv.includes('--profile')
  ? mkdtempSync(join(tmpdir(), 'quarry-bench-profiles-'))
  : undefined;
const numbers = option('queries', '1-22')
  .split(',')
  .flatMap((part) => {
    const [a, b] = part.split('-').map(Number);
    return b === undefined ? [a!] : Array.from({ length: b - a! + 1 }, (_, i) => a! + i);
  });
const tpchSchema = sf === 0.01 ? 'tiny' : `sf${sf}`;
const source = option('source', 'lake');
if (source !== 'lake' && source !== 'generated')
  throw new Error(`--source must be lake or generated, not ${source}`);
const lakeDir = option('lake-dir', join(tmpdir(), 'quarry-bench-lake'));
/** The catalog and schema the queries read: the same Parquet files as DuckDB, or generated rows. */
const catalog = source === 'lake' ? 'lake' : 'tpch';
const schema = source === 'lake' ? lakeSchemaOf(tpchSchema) : tpchSchema;
const POLICIES = ['NONE', 'TASK'] as const;
type Policy = (typeof POLICIES)[number];
const BARS = { ratio: 20, rssMb: 2048 };
const WARM_UP = `select count(*), max(o_comment) from orders where o_comment like '%special%'`;

const name = (n: number) => `q${String(n).padStart(2, '0')}`;
const sqlOf = (n: number) =>
  readFileSync(new URL(`queries/${name(n)}.sql`, SHARED), 'utf8')
    .trim()
    .replace(/;$/, '');

interface QuarryRun {
  queryId?: string;
  ms?: number;
  error?: string;
  duckdb?: string; // why it differs from DuckDB; undefined: same
  answer?: string; // why it differs from the official answer; undefined: same or not checked
  tolerated?: string; // beyond the printed rounding, within TPC-H's validation tolerance
}

// --- the cluster and the data --------------------------------------------------------------------

console.log(`starting a cluster: coordinator + ${workerCount} workers × ${slots} slots (real processes) …`);
const cluster = await startProcessCluster({
  workers: workerCount,
  slots,
  prefix: 'tpchbench',
  env: {
    ...(source === 'lake' ? { QUARRY_CATALOG_CONFIG_DIR: lakeCatalogDir(lakeDir) } : {}),
    ...(profileDir ? { QUARRY_TASK_CPU_PROFILE_DIR: profileDir } : {}),
  },
});
const client = await QuarryClient.connect({
  servers: cluster.natsUrl,
  prefix: 'tpchbench',
  timeoutMs: 60_000,
});
const pids = cluster.workers.map((w) => w.process.pid!);

const duck = await DuckDBInstance.create(':memory:');
const con = await duck.connect();
let dataNote: string;
if (source === 'lake') {
  console.log(`TPC-H SF ${sf}: Parquet tables in lake.${schema} under ${lakeDir} …`);
  const lake = await ensureLakeTables(client, lakeDir, tpchSchema);
  const files = await duckViewsOverLake(con, lakeDir, schema);
  console.log(
    lake.reused
      ? `  reusing the files of an earlier run (${files} files)`
      : `  written by quarry in ${lake.seconds.toFixed(1)} s (${files} files; not timed)`,
  );
  dataNote = `the same Parquet files (lake.${schema}, written by quarry; DuckDB reads them through read_parquet views)`;
} else {
  console.log(`TPC-H SF ${sf}: loading quarry's generated rows into DuckDB (in memory, not timed) …`);
  const load = await loadTpch(con, sf);
  console.log(`  ${load.rows.toLocaleString('en-US')} rows in ${load.seconds.toFixed(1)} s`);
  dataNote = 'rows generated by quarry while scanning; DuckDB: the same rows in memory (load not counted)';
}

// --- DuckDB -------------------------------------------------------------------------------------

// DuckDB's answers (and a warm-up run of each query); its timed runs come next to quarry's, below
const duckResults = new Map<number, DuckRows>();
for (const n of numbers) {
  const reader = await con.runAndReadAll(sqlOf(n));
  const types = reader.columnTypes().map((t) => t.toString());
  duckResults.set(n, {
    columns: reader.columnNames().map((c, j) => ({ name: c, type: types[j]! })),
    rows: reader.getRowsJson().map((r) => r.map((v, j): Text => duckText(types[j]!, v))),
  });
}

/** Median time of `duckRuns` runs of query `n` in DuckDB, in ms. */
async function timeDuckDb(n: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < duckRuns; i++) {
    const t0 = performance.now();
    await con.run(sqlOf(n));
    times.push(performance.now() - t0);
  }
  return median(times);
}

// --- quarry -------------------------------------------------------------------------------------

function peakRssMb(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

function resetPeak(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

async function runQuarry(sql: string, policy: Policy, run?: QuarryRun) {
  const handle = await client.submit(sql, { session: { catalog, schema, retry_policy: policy } });
  if (run) run.queryId = handle.queryId;
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        void handle.cancel().catch(() => {});
        reject(new Error(`timed out after ${queryTimeoutMs / 1000} s`));
      }, queryTimeoutMs);
    });
    return await Promise.race([handle.result(), timeout]);
  } finally {
    clearTimeout(timer);
    handle.close();
  }
}

const geomean = (xs: number[]) =>
  xs.length ? Math.exp(xs.reduce((s, x) => s + Math.log(x), 0) / xs.length) : NaN;
const ratio = (policy: Policy, n: number) => {
  const ms = runs.get(policy)?.get(n)?.ms;
  return ms === undefined ? undefined : ms / duckMs.get(n)!;
};
const duckMs = new Map<number, number>();
/** Queries from the slowest against DuckDB under NONE (failed ones first). */
const slowestFirst = () =>
  [...numbers].sort((a, b) => (ratio('NONE', b) ?? Infinity) - (ratio('NONE', a) ?? Infinity));

const runs = new Map<Policy, Map<number, QuarryRun>>();
const rssMb = new Map<Policy, number[]>(POLICIES.map((p) => [p, pids.map(() => 0)]));
const plans = new Map<number, string>();
let peaksReset = true;
for (const policy of POLICIES) runs.set(policy, new Map());

/** One timed run of query `n` under `policy`, checked; the workers' peak RSS during it is noted. */
async function timeQuarry(n: number, policy: Policy): Promise<void> {
  const sql = sqlOf(n);
  const run: QuarryRun = {};
  peaksReset = pids.map(resetPeak).every(Boolean) && peaksReset;
  const t0 = performance.now();
  try {
    const result = await runQuarry(sql, policy, run);
    run.ms = performance.now() - t0;
    run.duckdb = checkAgainstDuckDb(sql, result, duckResults.get(n)!);
    if (sf === 1) {
      const check = checkAgainstAnswer(
        result,
        readAnswer(new URL(`answers/sf1/${name(n)}.out`, SHARED).pathname),
      );
      run.answer = check.error;
      run.tolerated = check.tolerated;
    }
  } catch (e) {
    run.error = e instanceof QuarryError ? `${e.code}: ${e.message}` : (e as Error).message;
  }
  runs.get(policy)!.set(n, run);
  const peaks = rssMb.get(policy)!;
  pids.forEach((pid, i) => (peaks[i] = Math.max(peaks[i]!, peakRssMb(pid) || 0)));
  const status = run.error
    ? `FAILED ${run.error}`
    : `${Math.round(run.ms!)} ms${run.duckdb || run.answer ? ' WRONG' : ''}`;
  console.log(`  ${name(n)} ${policy}: ${status}`);
}
try {
  // Warm-up, not counted: a worker builds the generator's text pool on its first scan of a comment
  // column (with generated data), and each task thread loads its code on its first task.
  // Then one untimed pass over the queries, as DuckDB's runs are warm too.
  const w0 = performance.now();
  await runQuarry(WARM_UP, 'NONE');
  if (warmupPass) for (const n of numbers) await runQuarry(sqlOf(n), 'NONE').catch(() => undefined);
  console.log(
    `  warm-up (not counted${warmupPass ? ', incl. one pass over the queries' : ''}): ${Math.round(performance.now() - w0)} ms`,
  );
  // Per query: DuckDB's timed runs, then quarry under both policies, alternating which goes first,
  // so that both engines and both policies run under the same conditions of the machine.
  for (const [i, n] of numbers.entries()) {
    duckMs.set(n, await timeDuckDb(n));
    for (const policy of i % 2 === 0 ? POLICIES : [...POLICIES].reverse()) await timeQuarry(n, policy);
  }
  for (const n of slowestFirst().slice(0, explainCount)) {
    const plan = await client
      .query(`EXPLAIN ${sqlOf(n)}`, { session: { catalog, schema } })
      .then((r) => r.rows.map((row) => String(row[0])).join('\n'))
      .catch((e: Error) => `EXPLAIN failed: ${e.message}`);
    plans.set(n, plan);
  }
} finally {
  await client.close();
  await cluster.stop();
}

// --- report -------------------------------------------------------------------------------------

const verdict = (r: QuarryRun | undefined) =>
  !r || r.error
    ? 'failed'
    : r.duckdb
      ? 'WRONG vs DuckDB'
      : r.answer
        ? 'WRONG vs answer'
        : sf !== 1
          ? 'pass (DuckDB)'
          : r.tolerated
            ? 'pass (DuckDB, answer*)'
            : 'pass (DuckDB, answer)';
const fmtMs = (r: QuarryRun | undefined) => (r?.ms === undefined ? 'failed' : String(Math.round(r.ms)));
const fmtRatio = (x: number | undefined) => (x === undefined ? '-' : `${round(x, 1)}×`);

console.log(
  `\nTPC-H SF ${sf}: quarry on ${workerCount} workers × ${slots} slots (process cluster, local exchange) vs ` +
    `DuckDB in the same run; data: ${dataNote}; query time only\n`,
);
console.log(
  table(
    ['query', 'NONE ms', 'TASK ms', 'DuckDB ms', 'NONE ratio', 'TASK ratio', 'NONE check', 'TASK check'],
    numbers.map((n) => [
      name(n),
      fmtMs(runs.get('NONE')?.get(n)),
      fmtMs(runs.get('TASK')?.get(n)),
      round(duckMs.get(n)!, 1),
      fmtRatio(ratio('NONE', n)),
      fmtRatio(ratio('TASK', n)),
      verdict(runs.get('NONE')?.get(n)),
      verdict(runs.get('TASK')?.get(n)),
    ]),
  ),
);
for (const policy of POLICIES)
  for (const n of numbers) {
    const r = runs.get(policy)?.get(n);
    const why = r?.error ?? r?.duckdb ?? r?.answer;
    if (why) console.log(`  ${policy} ${name(n)}: ${why}`);
    else if (r?.tolerated)
      console.log(
        `  ${policy} ${name(n)}: * beyond the printed rounding, within TPC-H's validation tolerance: ${r.tolerated}`,
      );
  }

const ratios = (policy: Policy) =>
  numbers.map((n) => ratio(policy, n)).filter((x): x is number => x !== undefined);
const ratioNone = geomean(ratios('NONE'));
const ratioTask = geomean(ratios('TASK'));
const geomeanRatio = Math.max(ratioNone, ratioTask);
const finished = (policy: Policy) => numbers.filter((n) => runs.get(policy)?.get(n)?.ms !== undefined).length;
const correct = numbers.filter((n) =>
  POLICIES.every((p) => {
    const r = runs.get(p)?.get(n);
    return r !== undefined && r.ms !== undefined && !r.duckdb && !r.answer;
  }),
).length;
const workerRss = pids.map((_, i) => Math.max(...POLICIES.map((p) => rssMb.get(p)?.[i] ?? NaN)));
const maxWorkerRssMb = Math.max(...workerRss);
const slowest = slowestFirst();

console.log(
  `\ngeometric mean ratio: NONE ${round(ratioNone, 2)}×, TASK ${round(ratioTask, 2)}× (bar ≤ ${BARS.ratio}×)` +
    `\npeak RSS per worker (VmHWM${peaksReset ? ', per policy' : ', whole run'}): ` +
    POLICIES.map(
      (p) =>
        `${p} ${rssMb
          .get(p)
          ?.map((x) => `${Math.round(x)} MB`)
          .join(', ')}`,
    ).join('; ') +
    ` (bar ≤ ${BARS.rssMb} MB)` +
    `\nfinished: NONE ${finished('NONE')}/${numbers.length}, TASK ${finished('TASK')}/${numbers.length}; ` +
    `correct under both: ${correct}/${numbers.length}` +
    `\nslowest against DuckDB (NONE): ${slowest
      .slice(0, 5)
      .map((n) => `${name(n)} ${fmtRatio(ratio('NONE', n))}`)
      .join(', ')}`,
);

for (const [n, plan] of plans)
  console.log(`\nEXPLAIN ${name(n)} (${fmtRatio(ratio('NONE', n))} DuckDB under NONE):\n${plan}`);

const profile =
  profileDir &&
  reportProfiles({
    dir: profileDir,
    slots: workerCount * slots,
    runs: numbers.flatMap((n) =>
      POLICIES.map((p) => {
        const r = runs.get(p)?.get(n);
        return { label: `${name(n)} ${p}`, queryId: r?.queryId, wallMs: r?.ms };
      }),
    ),
  });

const allFinish = finished('NONE') === numbers.length && finished('TASK') === numbers.length;
console.log(
  JSON.stringify({
    bench: 'tpch',
    sf,
    workers: workerCount,
    slots,
    queries: numbers.length,
    geomeanRatio: round(geomeanRatio, 2),
    ratioNone: round(ratioNone, 2),
    ratioTask: round(ratioTask, 2),
    maxWorkerRssMb: Math.round(maxWorkerRssMb),
    workerRssMb: workerRss.map(Math.round),
    finishedNone: finished('NONE'),
    finishedTask: finished('TASK'),
    correct,
    answerWithinTpchTolerance: numbers
      .filter((n) => POLICIES.some((p) => runs.get(p)?.get(n)?.tolerated))
      .map(name),
    quarryNoneSeconds: round(numbers.reduce((s, n) => s + (runs.get('NONE')?.get(n)?.ms ?? 0), 0) / 1000, 1),
    quarryTaskSeconds: round(numbers.reduce((s, n) => s + (runs.get('TASK')?.get(n)?.ms ?? 0), 0) / 1000, 1),
    duckdbSeconds: round(numbers.reduce((s, n) => s + duckMs.get(n)!, 0) / 1000, 2),
    source,
    data: dataNote,
    withinBars: allFinish && geomeanRatio <= BARS.ratio && maxWorkerRssMb <= BARS.rssMb,
    ...(profile ? { profile } : {}),
  }),
);
