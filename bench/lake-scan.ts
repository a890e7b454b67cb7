/**
 * Lake scan speed: TPC-H lineitem read back from the `lake` connector's Parquet files through its
 * page sources (every split, one after the other, on one thread), against the same columns from the
 * `tpch` connector (rows generated while scanning) and from DuckDB reading the same files (one
 * thread unless --duckdb-threads says otherwise), in the same run.
 *
 *   npm run bench -- lake-scan [--sf 1] [--lake-dir DIR] [--sets q6,q1,orderkey,comment,all]
 *                              [--runs 3] [--duckdb-threads 1] [--rewrite no|yes]
 *
 * - Data: `lake.sf<N>.lineitem` under --lake-dir (default <tmpdir>/quarry-lake-scan-bench), written
 *   once through the connector's own write path (one sink per tpch split, as CREATE TABLE AS would)
 *   and reused by later runs; `--rewrite yes` drops and writes it again (after a format change).
 * - Each engine and column set is measured in a child process of its own, so that its peak RSS
 *   (VmHWM) is its own: one warm-up scan, then the median of --runs timed scans. Children run one set
 *   at a time, the three engines next to each other, so the machine's other load weighs on all.
 * - Every scan touches every value (a sum per column: numbers as stored — unscaled decimals, days —
 *   string lengths), and the sums of the three engines must agree.
 * - ns/row is the scan's wall time over lineitem's rows. `ratio` in the last line (one JSON object)
 *   is the geometric mean over the sets of lake ÷ DuckDB, `ratioGenerated` of lake ÷ tpch.
 * - cpu ns/row is the child's CPU time (user + system, every thread: DuckDB's too) over the rows,
 *   and `cpuRatio` its lake ÷ DuckDB geomean: less swayed than wall time by other work on the
 *   machine, which the scans wait for but do not count.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import {
  LakeConnector,
  TpchConnector,
  lakeConfigFromProperties,
  type LakeSplitInfo,
} from '@quarry/connectors';
import { physicalKind, type Block, type ColumnMetadata, type Connector, type TableRef } from '@quarry/sql';
import { median, option, round, table } from './_support.js';

const SETS: Readonly<Record<string, readonly string[]>> = {
  q6: ['l_shipdate', 'l_discount', 'l_quantity', 'l_extendedprice'],
  q1: ['l_returnflag', 'l_linestatus', 'l_quantity', 'l_extendedprice', 'l_discount', 'l_tax', 'l_shipdate'],
  orderkey: ['l_orderkey'],
  discount: ['l_discount'],
  shipdate: ['l_shipdate'],
  comment: ['l_comment'],
  all: [], // every column
};
const ENGINES = ['lake', 'tpch', 'duckdb'] as const;
type Engine = (typeof ENGINES)[number];

const sf = Number(option('sf', '1'));
const lakeDir = option('lake-dir', join(tmpdir(), 'quarry-lake-scan-bench'));
const runs = Number(option('runs', '3'));
const duckThreads = option('duckdb-threads', '1');
const setNames = option('sets', 'q6,q1,orderkey,comment,all').split(',');
const tpchSchema = sf === 0.01 ? 'tiny' : `sf${sf}`;
const lakeSchema = tpchSchema.replaceAll('.', '_');
const lakeRef: TableRef = { catalog: 'lake', schema: lakeSchema, table: 'lineitem' };
const tpchRef: TableRef = { catalog: 'tpch', schema: tpchSchema, table: 'lineitem' };

/** What a child reports for one engine and set. */
interface Measure {
  readonly ms: number;
  /** The process's CPU time over the scan (user + system, all threads), median of the runs. */
  readonly cpuMs: number;
  readonly rows: number;
  readonly sums: readonly number[];
  readonly rssMb: number;
}

function lake(): LakeConnector {
  return new LakeConnector('lake', lakeConfigFromProperties({ 'lake.root': lakeDir }, 'lake.properties'));
}

async function lineitemColumns(): Promise<readonly ColumnMetadata[]> {
  return (await new TpchConnector().getTable(tpchSchema, 'lineitem'))!.columns;
}

/** The set's columns: names and, for DuckDB, the expression whose sum matches quarry's. */
async function columnsOf(set: string): Promise<readonly ColumnMetadata[]> {
  const all = await lineitemColumns();
  const names = SETS[set];
  if (!names) throw new Error(`no column set '${set}'; sets: ${Object.keys(SETS).join(', ')}`);
  return names.length === 0 ? all : names.map((n) => all.find((c) => c.name === n)!);
}

/** Sums a block's values into `sums[i]`: what every engine computes, so every value is touched. */
function addBlock(sums: number[], i: number, block: Block): void {
  const { values, length } = block;
  let s = 0;
  if (physicalKind(block.type) === 'string') {
    const strings = values as string[];
    for (let j = 0; j < length; j++) s += strings[j]!.length;
  } else if (Array.isArray(values)) {
    for (let j = 0; j < length; j++) s += Number(values[j]);
  } else {
    const numbers = values as Float64Array | Int32Array | Uint8Array;
    for (let j = 0; j < length; j++) s += numbers[j]!;
  }
  sums[i] = sums[i]! + s;
}

async function scanConnector(
  connector: Connector,
  ref: TableRef,
  columns: readonly ColumnMetadata[],
  targetSplits: number,
): Promise<{ rows: number; sums: number[] }> {
  const names = columns.map((c) => c.name);
  const sums = names.map(() => 0);
  let rows = 0;
  for (const split of await connector.splits(ref, { targetSplits })) {
    for await (const page of connector.pageSource(ref, split, names)) {
      rows += page.rowCount;
      page.blocks.forEach((b, i) => addBlock(sums, i, b));
    }
  }
  return { rows, sums };
}

function duckExpression(c: ColumnMetadata): string {
  switch (c.type.kind) {
    case 'decimal':
      return `(sum(${c.name}) * ${10 ** c.type.scale})::double`;
    case 'date':
      return `sum(${c.name} - DATE '1970-01-01')::double`;
    case 'varchar':
    case 'char':
      return `sum(length(${c.name}))::double`;
    default:
      return `sum(${c.name})::double`;
  }
}

/** The data files of the lake table (absolute paths of a local root) and their sizes. */
async function lakeFiles(): Promise<Map<string, number>> {
  const splits = await lake().splits(lakeRef, { targetSplits: 1 });
  return new Map(splits.map((s) => [(s.info as LakeSplitInfo).uri, (s.info as LakeSplitInfo).bytes]));
}

function peakRssMb(): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) / 1024 : process.resourceUsage().maxRSS / 1024;
}

/** Child: measures one engine on one set and prints a Measure as JSON. */
async function child(engine: Engine, set: string): Promise<void> {
  const columns = await columnsOf(set);
  let once: () => Promise<{ rows: number; sums: number[] }>;
  if (engine === 'duckdb') {
    const duck = await DuckDBInstance.create(':memory:', { threads: duckThreads });
    const con = await duck.connect();
    const files = [...(await lakeFiles()).keys()].map((p) => `'${p.replaceAll("'", "''")}'`).join(', ');
    const sql = `select count(*)::double, ${columns.map(duckExpression).join(', ')} from read_parquet([${files}])`;
    once = async () => {
      const [row] = (await con.runAndReadAll(sql)).getRows();
      const [rows, ...sums] = row!.map(Number);
      return { rows: rows!, sums };
    };
  } else if (engine === 'tpch') {
    const tpch = new TpchConnector();
    once = () => scanConnector(tpch, tpchRef, columns, 8);
  } else {
    once = () => scanConnector(lake(), lakeRef, columns, 8);
  }
  await once();
  const times: number[] = [];
  const cpu: number[] = [];
  let last: { rows: number; sums: number[] } | undefined;
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    last = await once();
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
    times.push(performance.now() - t0);
  }
  const measure: Measure = {
    ms: median(times),
    cpuMs: median(cpu),
    rows: last!.rows,
    sums: last!.sums,
    rssMb: peakRssMb(),
  };
  console.log(JSON.stringify(measure));
}

/** Child: writes lineitem into the lake (dropping an older copy when asked). */
async function write(): Promise<void> {
  const connector = lake();
  const tpch = new TpchConnector();
  const columns = await lineitemColumns();
  if (await connector.getTable(lakeSchema, 'lineitem')) {
    if (option('rewrite', 'no') !== 'yes') return;
    await connector.dropTable(lakeRef, { ifExists: true });
  }
  await connector.createSchema(lakeSchema, { ifNotExists: true, properties: {} });
  const t0 = performance.now();
  const queryId = `lake_scan_bench_${Date.now()}`;
  const handle = await connector.beginWrite(lakeRef, { kind: 'create', columns, queryId });
  const names = columns.map((c) => c.name);
  const fragments = [];
  const splits = await tpch.splits(tpchRef, { targetSplits: 4 });
  for (const [taskPartition, split] of splits.entries()) {
    const sink = connector.writeSink(handle, { taskPartition, attempt: 0, queryAttempt: 0 });
    for await (const page of tpch.pageSource(tpchRef, split, names)) await sink.appendPage(page);
    fragments.push(await sink.finish());
  }
  const { rows } = await connector.commitWrite(handle, fragments);
  console.log(`  wrote ${rows} rows in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

function spawnChild(args: string[]): string {
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', process.argv[1]!, ...process.argv.slice(2), ...args],
    {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 1 << 24,
    },
  );
  if (r.status !== 0) throw new Error(`child ${args.join(' ')} failed (exit ${r.status}):\n${r.stdout}`);
  return r.stdout;
}

const ns = (m: Measure) => (m.ms * 1e6) / m.rows;
const cpuNs = (m: Measure) => (m.cpuMs * 1e6) / m.rows;

function printTable(results: Record<string, Record<Engine, Measure>>): void {
  const rows = setNames.map((set) => {
    const r = results[set]!;
    return [
      set,
      (SETS[set]!.length || 'every').toString(),
      round(ns(r.lake), 1),
      round(ns(r.tpch), 1),
      round(ns(r.duckdb), 1),
      round(ns(r.lake) / ns(r.duckdb), 2),
      round(ns(r.lake) / ns(r.tpch), 2),
      round(cpuNs(r.lake), 1),
      round(cpuNs(r.duckdb), 1),
      round(cpuNs(r.lake) / cpuNs(r.duckdb), 2),
      Math.round(r.lake.rssMb),
      Math.round(r.tpch.rssMb),
      Math.round(r.duckdb.rssMb),
    ];
  });
  const header = [
    'set',
    'columns',
    'lake ns/row',
    'tpch ns/row',
    'duckdb ns/row',
    'lake/duckdb',
    'lake/tpch',
  ];
  const cpu = ['lake cpu ns/row', 'duckdb cpu ns/row', 'cpu lake/duckdb'];
  console.log();
  console.log(table([...header, ...cpu, 'lake MB', 'tpch MB', 'duckdb MB'], rows));
}

async function main(): Promise<void> {
  console.log(`lake scan, TPC-H SF ${sf} lineitem, files under ${lakeDir}`);
  process.stdout.write(spawnChild(['--write-lake']));
  const files = await lakeFiles();
  const bytes = [...files.values()].reduce((a, b) => a + b, 0);
  console.log(
    `  ${files.size} files, ${(bytes / 2 ** 20).toFixed(1)} MiB; DuckDB threads: ${duckThreads}; ${runs} runs after a warm-up`,
  );

  const results: Record<string, Record<Engine, Measure>> = {};
  let sumsMatch = true;
  for (const set of setNames) {
    const per = {} as Record<Engine, Measure>;
    for (const engine of ENGINES) {
      const out = spawnChild(['--child', engine, '--set', set]).trim().split('\n');
      per[engine] = JSON.parse(out[out.length - 1]!) as Measure;
    }
    const want = JSON.stringify(per.duckdb.sums);
    for (const engine of ENGINES) {
      if (JSON.stringify(per[engine].sums) !== want || per[engine].rows !== per.duckdb.rows) {
        sumsMatch = false;
        console.log(`  MISMATCH in ${set}: ${engine} ${JSON.stringify(per[engine])} vs duckdb ${want}`);
      }
    }
    results[set] = per;
  }

  printTable(results);
  const geomean = (xs: number[]) => Math.exp(xs.reduce((s, x) => s + Math.log(x), 0) / xs.length);
  const summary = {
    bench: 'lake-scan',
    sf,
    ratio: round(geomean(setNames.map((s) => ns(results[s]!.lake) / ns(results[s]!.duckdb))), 2),
    ratioGenerated: round(geomean(setNames.map((s) => ns(results[s]!.lake) / ns(results[s]!.tpch))), 2),
    cpuRatio: round(geomean(setNames.map((s) => cpuNs(results[s]!.lake) / cpuNs(results[s]!.duckdb))), 2),
    lakeCpuNsPerRow: Object.fromEntries(setNames.map((s) => [s, round(cpuNs(results[s]!.lake), 1)])),
    duckdbCpuNsPerRow: Object.fromEntries(setNames.map((s) => [s, round(cpuNs(results[s]!.duckdb), 1)])),
    lakeNsPerRow: Object.fromEntries(setNames.map((s) => [s, round(ns(results[s]!.lake), 1)])),
    tpchNsPerRow: Object.fromEntries(setNames.map((s) => [s, round(ns(results[s]!.tpch), 1)])),
    duckdbNsPerRow: Object.fromEntries(setNames.map((s) => [s, round(ns(results[s]!.duckdb), 1)])),
    lakePeakRssMb: Math.round(Math.max(...setNames.map((s) => results[s]!.lake.rssMb))),
    lakeMiB: round(bytes / 2 ** 20, 1),
    duckdbThreads: Number(duckThreads),
    sumsMatch,
  };
  console.log(JSON.stringify(summary));
}

const childEngine = option('child', '');
if (childEngine) await child(childEngine as Engine, option('set', 'q6'));
else if (process.argv.includes('--write-lake')) await write();
else await main();
