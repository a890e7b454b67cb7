/**
 * Results at speed: how fast the rows of a large finished result reach a client through
 * `@quarry/client` over NATS. One query (default `select * from tpch."sf0.1".lineitem`, 600 000 rows
 * of 16 columns) runs on a local cluster of real processes; its result is then read with each way
 * the client offers, taking turns, rounds after rounds:
 *
 * - `columnar, prefetch N` — binary columnar pages, N pages asked ahead (the client's default);
 * - `rows, one at a time` — the baseline: JSON-able row pages of `query.result-page-rows` rows, each
 *   asked after the one before arrived (what every client did before issue 16).
 *
 * Each read starts a new query (same SQL) so that every read meets a fresh cursor; the figure is
 * rows per second from the query's FINISHED to the last row iterated by `handle.rows()` (rows
 * materialized as arrays, as any caller gets them), the query's own run time apart. Answers are
 * checked: the same row count and the same checksum of the first column each way.
 *
 * The machine is shared and often loaded far beyond its 2 cores, which stretches wall time, so the
 * CPU time the read costs is measured too: the coordinator process's (from /proc) and this client's
 * (`process.cpuUsage`). `rows/s by CPU` is rows / the larger of the two — the rate when each side
 * has a core of its own, as pages asked ahead let them work at once.
 *
 *   npm run bench -- results [--sql 'select …'] [--rounds 2] [--workers 2] [--prefetch 4]
 *
 * Bar (issue 16): ≥ 1 000 000 rows/s through the client. The last line is one JSON object.
 */
import { readFileSync } from 'node:fs';
import { QuarryClient } from '@quarry/client';
import { startProcessCluster } from '@quarry/testkit';
import { median, option, round, table } from './_support.js';

const sql = option('sql', 'select * from tpch."sf0.1".lineitem');
const rounds = Number(option('rounds', '2'));
const workerCount = Number(option('workers', '2'));
const prefetch = Number(option('prefetch', '4'));
const BAR_ROWS_PER_S = 1_000_000;

interface Way {
  readonly name: string;
  readonly options: Record<string, unknown>;
}

const WAYS: readonly Way[] = [
  { name: `columnar, prefetch ${prefetch}`, options: { format: 'columnar', prefetch } },
  { name: 'rows, one at a time (baseline)', options: { format: 'rows', prefetch: 1 } },
];

interface Run {
  readonly queryMs: number;
  readonly fetchMs: number;
  readonly coordinatorCpuMs: number;
  readonly clientCpuMs: number;
  readonly rows: number;
  readonly checksum: string;
}

const cluster = await startProcessCluster({ workers: workerCount, slots: 2, prefix: 'results' });
const client = await QuarryClient.connect({ servers: cluster.natsUrl, prefix: 'results' });
const runs = new Map<string, Run[]>();
const coordinatorPid = cluster.coordinator!.process.pid!;

/** CPU time (user + system) a process has used, in ms, from /proc/<pid>/stat (clock ticks of 10 ms). */
function cpuMsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

async function readOnce(way: Way): Promise<Run> {
  const started = performance.now();
  const handle = await client.submit(sql, { session: { retry_policy: 'NONE' } });
  try {
    await handle.done();
    const finished = performance.now();
    const coordinatorCpu = cpuMsOf(coordinatorPid);
    const clientCpu = process.cpuUsage();
    let rows = 0;
    let sum = 0;
    // the options object is what the client's rows() takes; the baseline asks for the old protocol
    for await (const page of handle.rows(way.options as never)) {
      for (const r of page.rows) {
        rows++;
        const v = r[0];
        sum = (sum + (typeof v === 'number' ? v : String(v).length)) % 1_000_000_007;
      }
    }
    const fetchMs = performance.now() - finished;
    const client = process.cpuUsage(clientCpu);
    return {
      queryMs: finished - started,
      fetchMs,
      coordinatorCpuMs: cpuMsOf(coordinatorPid) - coordinatorCpu,
      clientCpuMs: (client.user + client.system) / 1000,
      rows,
      checksum: `${sum}`,
    };
  } finally {
    handle.close();
  }
}

try {
  for (let i = 0; i < rounds; i++) {
    const order = i % 2 === 0 ? WAYS : [...WAYS].reverse();
    for (const way of order) {
      const run = await readOnce(way);
      runs.set(way.name, [...(runs.get(way.name) ?? []), run]);
      console.error(
        `round ${i + 1} ${way.name}: ${run.rows} rows, fetch ${round(run.fetchMs, 0)} ms, query ${round(run.queryMs, 0)} ms`,
      );
    }
  }
} finally {
  await client.close().catch(() => {});
  await cluster.stop().catch(() => {});
}

const all = [...runs.values()].flat();
const correct = all.every((r) => r.rows === all[0]!.rows && r.checksum === all[0]!.checksum);
const rate = (name: string) => median(runs.get(name)!.map((r) => (r.rows / r.fetchMs) * 1000));
const cpuRate = (name: string) =>
  median(runs.get(name)!.map((r) => (r.rows / Math.max(r.coordinatorCpuMs, r.clientCpuMs, 1)) * 1000));
const rowsOut = WAYS.map((w) => {
  const rs = runs.get(w.name)!;
  return [
    w.name,
    rs[0]!.rows,
    round(median(rs.map((r) => r.fetchMs)), 0),
    Math.round(rate(w.name)),
    round(median(rs.map((r) => r.coordinatorCpuMs)), 0),
    round(median(rs.map((r) => r.clientCpuMs)), 0),
    Math.round(cpuRate(w.name)),
    round(median(rs.map((r) => r.queryMs)), 0),
  ];
});
console.log(`\n${sql}: ${rounds} rounds, ways taking turns; same rows every way: ${correct}\n`);
const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
console.log(
  table(
    [
      'way',
      'rows',
      'fetch p50 (ms)',
      'rows/s',
      'coord CPU (ms)',
      'client CPU (ms)',
      'rows/s by CPU',
      'query p50 (ms)',
    ],
    rowsOut,
  ),
);
console.log(`\nload average at the end: ${load}`);
const fast = rate(WAYS[0]!.name);
const base = rate(WAYS[1]!.name);
console.log(
  `\n${WAYS[0]!.name}: ${Math.round(fast)} rows/s, ${round(fast / base, 1)}× the baseline ` +
    `(bar ${BAR_ROWS_PER_S}) → ${fast >= BAR_ROWS_PER_S ? 'within the bar' : 'UNDER THE BAR'}`,
);
console.log(
  JSON.stringify({
    bench: 'results',
    sql,
    rows: all[0]?.rows ?? 0,
    correct,
    columnarRowsPerS: Math.round(fast),
    baselineRowsPerS: Math.round(base),
    speedup: round(fast / base, 2),
    columnarRowsPerCpuS: Math.round(cpuRate(WAYS[0]!.name)),
    baselineRowsPerCpuS: Math.round(cpuRate(WAYS[1]!.name)),
    loadAverage: load,
  }),
);
