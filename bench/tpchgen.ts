/**
 * Benchmark of the TPC-H generator: every table, all columns, on one core, in chunks of driver rows.
 *
 *   node --import tsx bench/tpchgen.ts [--sf 1] [--table lineitem] [--chunk 10000]
 *
 * Compares the total with the reference C dbgen, which is not installed here: the baseline is the
 * figure recorded on this kind of machine (all SF 1 tables in ~14 s, writing .tbl files), scaled
 * linearly with the scale factor. The last line of output is one line of JSON.
 *
 * The generator comes from `@quarry/connectors/internal` (built: run `npx tsc -b` first).
 */
import { parseArgs } from 'node:util';
import {
  TPCH_TABLE_NAMES,
  TPCH_TABLES,
  driverRowCount,
  generate,
  isTpchTableName,
  textPool,
  type TpchTableName,
} from '@quarry/connectors/internal';

const BASELINE_SECONDS_AT_SF1 = 14;

const { values } = parseArgs({
  options: {
    sf: { type: 'string', default: '1' },
    table: { type: 'string' },
    chunk: { type: 'string', default: '10000' },
  },
});
const scaleFactor = Number(values.sf);
const chunkSize = Number(values.chunk);
if (!(scaleFactor > 0) || !(chunkSize > 0)) throw new Error('--sf and --chunk must be positive numbers');
if (values.table !== undefined && !isTpchTableName(values.table))
  throw new Error(`unknown table ${values.table}`);
const tables: readonly TpchTableName[] = values.table !== undefined ? [values.table] : TPCH_TABLE_NAMES;

interface Measure {
  readonly name: string;
  readonly rows: number;
  readonly seconds: number;
}

function timeTable(table: TpchTableName): Measure {
  const columns = TPCH_TABLES[table].columns.map((c) => c.name);
  const drivers = driverRowCount(table, scaleFactor);
  const started = performance.now();
  let rows = 0;
  for (let start = 0; start < drivers; start += chunkSize) {
    rows += generate({
      table,
      scaleFactor,
      start,
      count: Math.min(chunkSize, drivers - start),
      columns,
    }).rowCount;
  }
  return { name: table, rows, seconds: (performance.now() - started) / 1000 };
}

const measures: Measure[] = [];
const poolStarted = performance.now();
textPool();
measures.push({
  name: 'text pool (300 MiB, once)',
  rows: 0,
  seconds: (performance.now() - poolStarted) / 1000,
});
for (const table of tables) measures.push(timeTable(table));

const totalRows = measures.reduce((sum, m) => sum + m.rows, 0);
const totalSeconds = measures.reduce((sum, m) => sum + m.seconds, 0);
const rate = (rows: number, seconds: number): string =>
  rows === 0 ? '' : Math.round(rows / seconds).toLocaleString('en-US');

console.log(
  `TPC-H generation, SF ${scaleFactor}, all columns, chunks of ${chunkSize} driver rows, one core\n`,
);
const header = ['table', 'rows', 'seconds', 'rows/s'];
const lines = [
  header,
  ...measures.map((m) => [
    m.name,
    m.rows === 0 ? '' : m.rows.toLocaleString('en-US'),
    m.seconds.toFixed(2),
    rate(m.rows, m.seconds),
  ]),
  ['total', totalRows.toLocaleString('en-US'), totalSeconds.toFixed(2), rate(totalRows, totalSeconds)],
];
const widths = header.map((_, i) => Math.max(...lines.map((l) => (l[i] ?? '').length)));
for (const line of lines) {
  console.log(
    line.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  '),
  );
}

const allTables = values.table === undefined;
const baselineSeconds = allTables ? BASELINE_SECONDS_AT_SF1 * scaleFactor : null;
const ratio = baselineSeconds === null ? null : totalSeconds / baselineSeconds;
console.log('');
if (baselineSeconds !== null && ratio !== null) {
  console.log(
    `baseline: reference C dbgen, ${baselineSeconds.toFixed(1)} s for all tables at SF ${scaleFactor} ` +
      `(recorded figure of ${BASELINE_SECONDS_AT_SF1} s at SF 1 on this machine, scaled linearly; NOT measured in this run)`,
  );
  console.log(`quarry / dbgen: ${ratio.toFixed(2)}× (target: within 4×)`);
} else {
  console.log('single table: no dbgen baseline to compare with (the recorded figure covers all tables)');
}
console.log(
  JSON.stringify({
    bench: 'tpchgen',
    sf: scaleFactor,
    ...(allTables ? {} : { table: values.table }),
    seconds: Number(totalSeconds.toFixed(3)),
    baselineSeconds,
    ratio: ratio === null ? null : Number(ratio.toFixed(3)),
    rowsPerSecond: Math.round(totalRows / totalSeconds),
  }),
);
