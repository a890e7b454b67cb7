import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  DuckDBDateValue,
  DuckDBDecimalValue,
  DuckDBInstance,
  DuckDBListValue,
  DuckDBMapValue,
  DuckDBStructValue,
  DuckDBTimestampValue,
  type DuckDBConnection,
} from '@duckdb/node-api';
import { QuarryError } from '@quarry/common';
import { parquetWriteBuffer } from 'hyparquet-writer';
import {
  BIGINT,
  INTEGER,
  VARCHAR,
  arrayType,
  mapType,
  normalizeLong,
  pageFromRows,
  rowType,
  typeToString,
  type ColumnMetadata,
  type TableRef,
} from '@quarry/sql';
import type { LakeConnector, LakeSplitInfo } from '../../src/index.js';
import { NESTED, NESTED_ROWS, NESTED_ROWS_NOT_NULL } from './nested-fixtures.js';
import {
  createTableAs,
  lakeConnector,
  localLakeBackend,
  s3LakeBackend,
  scan,
  sorted,
  storageOf,
  type LakeBackend,
} from './support.js';

/** A value DuckDB returns (`getRows`), as the engine's native value: exact, nested alike. */
function fromDuck(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return normalizeLong(v);
  if (v instanceof DuckDBListValue) return v.items.map(fromDuck);
  if (v instanceof DuckDBMapValue)
    return { keys: v.entries.map((e) => fromDuck(e.key)), values: v.entries.map((e) => fromDuck(e.value)) };
  if (v instanceof DuckDBStructValue) return Object.values(v.entries).map(fromDuck);
  if (v instanceof DuckDBDecimalValue) return normalizeLong(v.value);
  if (v instanceof DuckDBDateValue) return v.days;
  if (v instanceof DuckDBTimestampValue) return Number(v.micros);
  return v;
}

/** JSON with bigints as tagged strings, and back (values compared through JSON keep their types). */
const big = (_k: string, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v);
const unbig = (_k: string, v: unknown) =>
  typeof v === 'string' && /^-?\d+n$/.test(v) ? normalizeLong(BigInt(v.slice(0, -1))) : v;

const duckRows = async (con: DuckDBConnection, sql: string) =>
  (await con.runAndReadAll(sql)).getRows().map((r) => r.map(fromDuck));

/**
 * Composite columns in lake tables (issue 15): arrays, maps and rows nested to several levels, with
 * every NULL shape, written as Parquet LIST/MAP/STRUCT, read back the same, read by DuckDB the same,
 * and DuckDB's own nested files read by the lake.
 */
for (const setup of [async () => localLakeBackend(), s3LakeBackend]) {
  const local = setup !== s3LakeBackend;
  describe(`lake composite columns (${local ? 'local' : 'S3'})`, function () {
    this.timeout(60_000);
    const dir = mkdtempSync(join(tmpdir(), 'quarry-nested-'));
    let backend: LakeBackend;
    let lake: LakeConnector;
    let duck: DuckDBInstance;
    let con: DuckDBConnection;
    const ref = (table: string): TableRef => ({ catalog: 'lake', schema: 's', table });

    before(async () => {
      backend = await setup();
      lake = lakeConnector(backend, {
        'lake.parquet.row-group-rows': '3',
        'lake.external-location-prefixes': local ? dir : 's3://warehouse/mine/',
      });
      await lake.createSchema('s', { ifNotExists: false, properties: {} });
      duck = await DuckDBInstance.create();
      con = await duck.connect();
    });
    after(async () => {
      con?.closeSync();
      duck?.closeSync();
      await lake?.close();
      await backend?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('writes every NULL shape at every level and reads it back, across REQUIRED and OPTIONAL files and row groups', async () => {
      const types = NESTED.map((c) => c.type);
      // the first file of task 0 declares every column REQUIRED; the NULLs then start another
      const full = pageFromRows(types, NESTED_ROWS_NOT_NULL);
      const all = pageFromRows(types, NESTED_ROWS);
      await createTableAs(lake, { ref: ref('t'), columns: NESTED, partitions: [[full, all], [all]] });
      const table = (await lake.getTable('s', 't'))!;
      expect(table.columns.map((c) => typeToString(c.type))).to.deep.equal(types.map(typeToString));
      const expected = [...NESTED_ROWS_NOT_NULL, ...NESTED_ROWS, ...NESTED_ROWS].map((r) => [...r]);
      expect(sorted(await scan(lake, ref('t')))).to.deep.equal(sorted(expected));
      // a projection of composite columns only, and of one nested below a scalar
      const some = await scan(lake, ref('t'), ['rr', 'id']);
      expect(sorted(some)).to.deep.equal(sorted(expected.map((r) => [r[7], r[0]])));
      // composite columns have a null count but no min/max
      const splits = await lake.splits(ref('t'), { targetSplits: 1 });
      expect(splits.length).to.be.greaterThan(3);
    });

    it('holds composite map keys, deep nesting and odd field names; a row group of one row, all NULL or empty', async () => {
      const one = lakeConnector(backend, { 'lake.parquet.row-group-rows': '1' });
      try {
        await one.createSchema('s', { ifNotExists: false, properties: {} });
        const columns: ColumnMetadata[] = [
          {
            name: 'keys',
            type: mapType(arrayType(INTEGER), rowType([{ name: '__proto__', type: VARCHAR }])),
          },
          {
            name: 'deep',
            type: arrayType(
              arrayType(mapType(VARCHAR, rowType([{ name: 'a', type: arrayType(arrayType(BIGINT)) }]))),
            ),
          },
          {
            name: 'odd',
            type: rowType([
              { name: 'a.b', type: INTEGER },
              { name: 'x', type: INTEGER },
              { type: INTEGER },
              { name: '_3', type: INTEGER },
            ]),
          },
        ];
        const rows = [
          [
            { keys: [[1, null], []], values: [['p'], null] },
            [[{ keys: ['k'], values: [[[[1n << 60n], null, []]]] }], null, []],
            [1, 2, 3, 4],
          ],
          [null, null, null],
          [{ keys: [], values: [] }, [], [null, null, null, null]],
          [{ keys: [[]], values: [[null]] }, [[], [null], [{ keys: [], values: [] }]], [null, 0, null, 0]],
        ];
        const tableRef = ref('edges');
        await createTableAs(one, {
          ref: tableRef,
          columns,
          partitions: [
            [
              pageFromRows(
                columns.map((c) => c.type),
                rows,
              ),
            ],
          ],
        });
        expect(await one.splits(tableRef, { targetSplits: 1 })).to.have.length(4);
        const expected = rows.map((r) => r.map((v) => JSON.parse(JSON.stringify(v, big), unbig) as unknown));
        const mine = (await scan(one, tableRef)).map((r) =>
          r.map((v) => JSON.parse(JSON.stringify(v, big), unbig) as unknown),
        );
        expect(sorted(mine)).to.deep.equal(sorted(expected));
        if (local) {
          const splits = await one.splits(tableRef, { targetSplits: 1 });
          const files = [...new Set(splits.map((s) => `'${fileURLToPath((s.info as LakeSplitInfo).uri)}'`))];
          const sql = `SELECT map_keys(keys), deep, odd FROM read_parquet([${files.join(', ')}])`;
          const theirs = await duckRows(con, sql);
          const keysOf = (m: unknown) => (m === null ? null : (m as { keys: unknown[] }).keys);
          expect(sorted(theirs)).to.deep.equal(sorted(mine.map((r) => [keysOf(r[0]), r[1], r[2]])));
        }
      } finally {
        await one.close();
      }
    });

    if (local) {
      it('reads a row group whose composite leaves span several data pages', async () => {
        const big = lakeConnector(backend, { 'lake.parquet.row-group-rows': '100000' });
        try {
          await big.createSchema('s', { ifNotExists: false, properties: {} });
          const columns: ColumnMetadata[] = [
            { name: 'id', type: INTEGER },
            { name: 'xs', type: arrayType(INTEGER) },
          ];
          const xs = (i: number) =>
            i % 11 === 0 ? null : Array.from({ length: i % 17 }, (_, x) => (x % 5 === 0 ? null : x * i));
          const rows = Array.from({ length: 60_000 }, (_, i) => [i, xs(i)]);
          const tableRef = ref('pages');
          await createTableAs(big, {
            ref: tableRef,
            columns,
            partitions: [
              [
                pageFromRows(
                  columns.map((c) => c.type),
                  rows,
                ),
              ],
            ],
          });
          const splits = await big.splits(tableRef, { targetSplits: 1 });
          expect(splits).to.have.length(1);
          const file = fileURLToPath((splits[0]!.info as LakeSplitInfo).uri);
          const pages = await con.runAndReadAll(
            `SELECT count(*) FROM parquet_metadata('${file}') WHERE path_in_schema = 'xs, list, element'`,
          );
          expect(Number(pages.getRowsJS()[0]![0])).to.equal(1); // one column chunk…
          const bytes = readFileSync(file).byteLength;
          expect(bytes).to.be.greaterThan(1 << 20); // …of more than one 1 MiB page
          const mine = await scan(big, tableRef);
          expect(mine).to.have.length(rows.length);
          const byId = new Map(mine.map((r) => [r[0] as number, r[1]]));
          for (const [i, v] of rows) expect(byId.get(i as number), `row ${String(i)}`).to.deep.equal(v);
        } finally {
          await big.close();
        }
      });
    }

    it('prunes on a scalar column of a table with composite columns, never on a composite one', async () => {
      const byId = await lake.splits(ref('t'), {
        targetSplits: 1,
        constraint: { id: { low: { value: 5, inclusive: true }, nullAllowed: false } },
      });
      const all = await lake.splits(ref('t'), { targetSplits: 1 });
      expect(byId.length).to.be.lessThan(all.length);
      // no row group holds only NULLs in `a`: a constraint on it keeps every split
      for (const constraint of [{ nullAllowed: true }, { values: [[1]], nullAllowed: false }]) {
        const kept = await lake.splits(ref('t'), { targetSplits: 1, constraint: { a: constraint } });
        expect(kept.length).to.equal(all.length);
      }
      // statistics of a composite column: its NULLs, no range
      const a = (await lake.getTable('s', 't'))!.columns.find((c) => c.name === 'a')!;
      expect(a.nullsFraction).to.be.closeTo(2 / 14, 1e-9);
      expect([a.low, a.high]).to.deep.equal([undefined, undefined]);
      const id = (await lake.getTable('s', 't'))!.columns.find((c) => c.name === 'id')!;
      expect([id.low, id.high]).to.deep.equal([1, 5]);
    });

    if (local) {
      it('DuckDB reads the files as LIST, MAP and STRUCT with the same values', async () => {
        const files = [
          ...new Set(
            (await lake.splits(ref('t'), { targetSplits: 1 })).map((s) =>
              fileURLToPath((s.info as LakeSplitInfo).uri),
            ),
          ),
        ];
        expect(files.length).to.be.greaterThan(1);
        const list = files.map((f) => `'${f}'`).join(', ');
        const described = await con.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet([${list}])`);
        expect(
          described.getRowObjectsJS().map((r) => `${String(r['column_name'])} ${String(r['column_type'])}`),
        ).to.deep.equal([
          'id INTEGER',
          'a INTEGER[]',
          'm MAP(VARCHAR, BIGINT)',
          'r STRUCT(x INTEGER, y VARCHAR)',
          'ar STRUCT(k BIGINT, d DECIMAL(38,10))[]',
          'ma MAP(INTEGER, DOUBLE[])',
          'aa INTEGER[][]',
          'rr STRUCT("inner" STRUCT("day" DATE, ts TIMESTAMP), flags MAP(VARCHAR, BOOLEAN))',
          'misc STRUCT(_1 DECIMAL(5,2), _2 DECIMAL(18,4), _3 FLOAT, _4 SMALLINT, _5 TINYINT, _6 VARCHAR[])',
        ]);
        const theirs = await duckRows(con, `SELECT * FROM read_parquet([${list}])`);
        expect(sorted(theirs)).to.deep.equal(sorted(await scan(lake, ref('t'))));
      });
    }

    it('reads nested columns of a file DuckDB wrote, every NULL shape, as DuckDB reads them', async () => {
      const select = `SELECT i AS id,
          (CASE i % 4 WHEN 0 THEN NULL WHEN 1 THEN [] WHEN 2 THEN [NULL, i] ELSE [i, i + 1] END)::INTEGER[] AS xs,
          CASE WHEN i % 3 = 0 THEN NULL ELSE MAP {'k' || i: CASE WHEN i % 2 = 0 THEN NULL ELSE i END, 'z': 0} END AS m,
          CASE WHEN i % 5 = 0 THEN NULL
            ELSE {'a': CASE WHEN i % 2 = 0 THEN NULL ELSE i END,
                  'b': CASE WHEN i % 7 = 0 THEN NULL ELSE [{'c': i / 4, 'd': DATE '2020-01-01' + i::INTEGER}, NULL, {'c': NULL, 'd': NULL}] END} END AS s,
          [[(i * 1.5)::DECIMAL(20,3)], NULL, [], [NULL]] AS deep,
          MAP {i: [TIMESTAMP '1969-12-31 23:59:00' + i * INTERVAL 1001 MICROSECOND, NULL]} AS mt
        FROM range(0, 3000) t(i)`;
      const file = join(dir, 'nested.parquet');
      await con.run(`COPY (${select}) TO '${file}' (FORMAT PARQUET, ROW_GROUP_SIZE 1024)`);
      let location = file;
      if (!local) {
        location = 's3://warehouse/mine/nested/part-0.parquet';
        const writer = storageOf(lake).createFile(location);
        await writer.write(readFileSync(file));
        await writer.finish();
      }
      await lake.callProcedure({ schema: 'system', name: 'register_table', args: ['s', 'duck', location] });
      const table = (await lake.getTable('s', 'duck'))!;
      expect(table.columns.map((c) => `${c.name} ${typeToString(c.type)}`)).to.deep.equal([
        'id bigint',
        'xs array(integer)',
        'm map(varchar, bigint)',
        's row(a bigint, b array(row(c double, d date)))',
        'deep array(array(decimal(20,3)))',
        'mt map(bigint, array(timestamp(6)))',
      ]);
      const theirs = await duckRows(con, `SELECT * FROM (${select})`);
      const mine = await scan(lake, ref('duck'));
      expect(mine).to.have.length(3000);
      expect(sorted(mine)).to.deep.equal(sorted(theirs));
    });

    it('declares a table over that file with composite columns, checked against it', async () => {
      const location = local ? join(dir, 'nested.parquet') : 's3://warehouse/mine/nested/part-0.parquet';
      const create = (table: string, columns: ColumnMetadata[]) =>
        lake.createTable(ref(table), columns, {
          ifNotExists: false,
          properties: { external_location: location },
        });
      const error = await create('wrong', [{ name: 'xs', type: arrayType(BIGINT) }]).then(
        () => undefined,
        (x: unknown) => x as QuarryError,
      );
      expect(`${error?.code}: ${error?.message}`).to.match(
        /^TYPE_MISMATCH: lake: column 'xs' is array\(bigint\) in the table but array\(integer\) in .*nested/,
      );
      await create('declared', [
        { name: 'M', type: mapType(VARCHAR, BIGINT) },
        { name: 'xs', type: arrayType(INTEGER) },
      ]);
      const theirs = await duckRows(con, `SELECT m, xs FROM read_parquet('${join(dir, 'nested.parquet')}')`);
      expect(sorted(await scan(lake, ref('declared')))).to.deep.equal(sorted(theirs));
    });

    if (local) {
      it('refuses a repeated group outside a LIST', async () => {
        // what some older writers made: a repeated group as a column of its own
        const repeated = join(dir, 'repeated.parquet');
        writeFileSync(
          repeated,
          new Uint8Array(
            parquetWriteBuffer({
              schema: [
                { name: 'root', num_children: 1 },
                { name: 'r', repetition_type: 'REPEATED', num_children: 1 },
                { name: 'a', repetition_type: 'REQUIRED', type: 'INT32' },
              ],
              columnData: [{ name: 'r', data: [[1, 2]] }],
            }),
          ),
        );
        const e = await lake
          .callProcedure({ schema: 'system', name: 'register_table', args: ['s', 'repeated', repeated] })
          .then(
            () => undefined,
            (x: unknown) => x as QuarryError,
          );
        expect(`${e?.code}: ${e?.message}`).to.match(
          /^NOT_SUPPORTED: lake: column 'r' of .*repeated\.parquet has a repeated group without a LIST annotation/,
        );
      });

      it('refuses a nested column it cannot read, naming it', async () => {
        const file = join(dir, 'blob.parquet');
        await con.run(`COPY (SELECT 1 AS id, {'b': 'x'::BLOB} AS s) TO '${file}' (FORMAT PARQUET)`);
        const e = await lake
          .callProcedure({ schema: 'system', name: 'register_table', args: ['s', 'blob', file] })
          .then(
            () => undefined,
            (x: unknown) => x,
          );
        expect(e).to.be.instanceOf(QuarryError);
        expect(`${(e as QuarryError).code}: ${(e as QuarryError).message}`).to.match(
          /^NOT_SUPPORTED: lake: column 's' of file:.*blob\.parquet has type BYTE_ARRAY, which lake tables cannot read$/,
        );
      });
    }
  });
}
