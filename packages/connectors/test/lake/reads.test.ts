import { expect } from 'chai';
import { parquetMetadata } from 'hyparquet';
import {
  BIGINT,
  decimalType,
  pageFromRows,
  pageRows,
  physicalKind,
  typesEqual,
  type Page,
  type TableRef,
} from '@quarry/sql';
import type { LakeConnector, LakeSplitInfo } from '../../src/index.js';
import { ALL_TYPES, ALL_TYPES_ROWS, NUMBERS, allTypesPage, canonical, numbersPage } from './fixtures.js';
import {
  collect,
  createTableAs,
  lakeConnector,
  localLakeBackend,
  s3LakeBackend,
  scan,
  sorted,
  storageOf,
  type LakeBackend,
} from './support.js';

/** Each data file's column repetition types (REQUIRED or OPTIONAL), from its Parquet footer. */
async function fileSchemas(lake: LakeConnector, ref: TableRef): Promise<string[][]> {
  const files = new Map<string, number>();
  for (const split of await lake.splits(ref, { targetSplits: 1 })) {
    const info = split.info as LakeSplitInfo;
    files.set(info.uri, info.bytes);
  }
  const out: string[][] = [];
  for (const [uri, bytes] of [...files].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const data = await storageOf(lake).readRange(uri, 0, bytes);
    const meta = parquetMetadata(
      data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer,
    );
    out.push(meta.schema.slice(1).map((e) => e.repetition_type ?? 'REQUIRED'));
  }
  return out;
}

for (const setup of [async () => localLakeBackend(), s3LakeBackend]) {
  describe(`lake reads (${setup === s3LakeBackend ? 'S3' : 'local'})`, function () {
    this.timeout(20_000);
    let backend: LakeBackend;
    const open: LakeConnector[] = [];
    const connect = (overrides: Record<string, string> = {}) => {
      const c = lakeConnector(backend, overrides);
      open.push(c);
      return c;
    };

    before(async () => {
      backend = await setup();
    });
    afterEach(async () => {
      await Promise.all(open.splice(0).map((c) => c.close()));
    });
    after(async () => backend.close());

    it('round-trips every type, with NULLs and extreme values, and reports the columns and row count', async () => {
      const lake = connect({ 'lake.parquet.row-group-rows': '3' });
      await lake.createSchema('s', { ifNotExists: false, properties: {} });
      const ref = { catalog: 'lake', schema: 's', table: 'all_types' };
      const page = allTypesPage();
      const result = await createTableAs(lake, { ref, columns: ALL_TYPES, partitions: [[page], [page]] });
      expect(result.rows).to.equal(2 * ALL_TYPES_ROWS.length);

      const meta = await lake.getTable('s', 'all_types');
      expect(meta?.rowCount).to.equal(2 * ALL_TYPES_ROWS.length);
      expect(meta?.columns.map((c) => c.name)).to.deep.equal(ALL_TYPES.map((c) => c.name));
      meta?.columns.forEach((c, i) => expect(typesEqual(c.type, ALL_TYPES[i]!.type)).to.equal(true));

      const got = await scan(lake, ref);
      const want = [...ALL_TYPES_ROWS, ...ALL_TYPES_ROWS];
      expect(sorted(canonical(got))).to.deep.equal(sorted(canonical(want)));
      expect(await lake.getTable('s', 'nope')).to.equal(undefined);
    });

    it('a second connector (another process) sees the same tables', async () => {
      const props = { 'lake.parquet.row-group-rows': '50' };
      const writer = connect(props);
      await writer.createSchema('shared', { ifNotExists: false, properties: {} });
      const ref = { catalog: 'lake', schema: 'shared', table: 'numbers' };
      await createTableAs(writer, { ref, columns: NUMBERS, partitions: [[numbersPage(0, 120)]] });
      const reader = new (writer.constructor as typeof LakeConnector)('lake', writer.config);
      open.push(reader);
      expect(await reader.listSchemas()).to.deep.equal(['shared']);
      expect(await reader.listTables('shared')).to.deep.equal(['numbers']);
      expect((await scan(reader, ref)).length).to.equal(120);
    });

    it('splits by file and row group; each split reads its own rows', async () => {
      const lake = connect({ 'lake.parquet.row-group-rows': '100' });
      await lake.createSchema('s', { ifNotExists: true, properties: {} });
      const ref = { catalog: 'lake', schema: 's', table: 'groups' };
      // two task partitions: 650 rows (7 row groups) and 400 rows (4), pages of odd sizes
      const first = [numbersPage(0, 333), numbersPage(333, 317)];
      const second = [numbersPage(650, 400)];
      await createTableAs(lake, { ref, columns: NUMBERS, partitions: [first, second] });
      const splits = await lake.splits(ref, { targetSplits: 1 });
      const infos = splits.map((s) => s.info as LakeSplitInfo);
      expect(new Set(infos.map((i) => i.uri)).size).to.equal(2);
      expect(infos.map((i) => i.rowEnd - i.rowStart).sort((a, b) => a - b)).to.deep.equal(
        [...Array.from({ length: 9 }, () => 100), ...[100, 50]].sort((a, b) => a - b),
      );
      const ids: number[] = [];
      for (const split of splits) {
        const info = split.info as LakeSplitInfo;
        const pages = await collect(lake.pageSource(ref, split, ['id']));
        const rows = pages.reduce((n, p) => n + p.rowCount, 0);
        expect(rows).to.equal(info.rowEnd - info.rowStart);
        for (const p of pages) ids.push(...(p.blocks[0]!.values as Int32Array));
      }
      expect(ids.sort((a, b) => a - b)).to.deep.equal(Array.from({ length: 1050 }, (_, i) => i));
    });

    it('prunes columns: pages hold only the asked columns, in the asked order, and read fewer bytes', async () => {
      const lake = connect({ 'lake.parquet.row-group-rows': '1000' });
      await lake.createSchema('s', { ifNotExists: true, properties: {} });
      const ref = { catalog: 'lake', schema: 's', table: 'pruned' };
      await createTableAs(lake, { ref, columns: NUMBERS, partitions: [[numbersPage(0, 3000)]] });
      const read = async (columns: string[]): Promise<{ pages: Page[]; bytes: number }> => {
        const before = lake.scanStats.bytesRead;
        const pages: Page[] = [];
        for (const split of await lake.splits(ref, { targetSplits: 1 }))
          pages.push(...(await collect(lake.pageSource(ref, split, columns))));
        return { pages, bytes: lake.scanStats.bytesRead - before };
      };
      const all = await read(['id', 'name', 'amount']);
      const two = await read(['amount', 'id']);
      for (const p of two.pages) {
        expect(p.blocks).to.have.length(2);
        expect(physicalKind(p.blocks[0]!.type)).to.equal('long');
        expect(p.blocks[1]!.type.kind).to.equal('integer');
      }
      expect(two.pages.reduce((n, p) => n + p.rowCount, 0)).to.equal(3000);
      expect(two.bytes).to.be.lessThan(all.bytes);
      const none = await read([]);
      expect(none.pages.reduce((n, p) => n + p.rowCount, 0)).to.equal(3000);
      expect(none.pages.every((p) => p.blocks.length === 0)).to.equal(true);
      expect(none.bytes).to.equal(0);
    });

    it('declares a column REQUIRED in a file whose rows hold no NULL in it, and a NULL later starts a new file', async () => {
      const lake = connect({ 'lake.parquet.row-group-rows': '4' });
      await lake.createSchema('s', { ifNotExists: true, properties: {} });
      const ref = { catalog: 'lake', schema: 's', table: 'required' };
      const full = ALL_TYPES_ROWS.filter((r) => r.every((v) => v !== null));
      expect(full).to.have.length(4);
      const types = ALL_TYPES.map((c) => c.type);
      // the first row group has no NULL anywhere; the second holds the all-NULL row
      await createTableAs(lake, {
        ref,
        columns: ALL_TYPES,
        partitions: [[pageFromRows(types, full), allTypesPage()]],
      });
      const schemas = await fileSchemas(lake, ref);
      expect(schemas).to.have.length(2);
      expect(schemas.map((s) => new Set(s))).to.deep.equal([new Set(['REQUIRED']), new Set(['OPTIONAL'])]);
      const got = await scan(lake, ref);
      expect(sorted(canonical(got))).to.deep.equal(sorted(canonical([...full, ...ALL_TYPES_ROWS])));
    });

    it('reads REQUIRED 64-bit columns exactly, within and beyond ±2^53 in one row group', async () => {
      const lake = connect();
      await lake.createSchema('s', { ifNotExists: true, properties: {} });
      const ref = { catalog: 'lake', schema: 's', table: 'wide' };
      const columns = [
        { name: 'l', type: BIGINT },
        { name: 'd', type: decimalType(18, 4) },
        { name: 'ts', type: { kind: 'timestamp', precision: 6 } as const },
      ];
      const rows = [
        [1, -5, 0],
        [-(2 ** 40), 2 ** 53 - 1, -1],
        [2n ** 60n, 10n ** 18n - 1n, 253402300799999999],
        [-(2 ** 53) + 1, -(10n ** 18n - 1n), -62135596800000000],
      ];
      await createTableAs(lake, {
        ref,
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
      expect((await fileSchemas(lake, ref)).flat()).to.deep.equal(columns.map(() => 'REQUIRED'));
      const pages: Page[] = [];
      for (const split of await lake.splits(ref, { targetSplits: 1 }))
        pages.push(...(await collect(lake.pageSource(ref, split, ['l', 'd', 'ts']))));
      expect(canonical(pages.flatMap((p) => pageRows(p)))).to.deep.equal(canonical(rows));
      // the first column holds a value beyond 2^53: bigints; the timestamps stay doubles
      expect(Array.isArray(pages[0]!.blocks[0]!.values)).to.equal(true);
      expect(pages[0]!.blocks[2]!.values).to.be.instanceOf(Float64Array);
    });
  });
}
