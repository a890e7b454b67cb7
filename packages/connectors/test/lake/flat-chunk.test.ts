import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { parquetMetadata, parquetReadObjects, type FileMetaData } from 'hyparquet';
import { snappyUncompressor } from 'hysnappy';
import { BIGINT, DATE, DOUBLE, INTEGER, pageFromRows, varcharType, type DataType } from '@quarry/sql';
import { FlatChunkDecoder, flatChunk } from '../../src/lake/flat-chunk.js';
import { ColumnBuilder } from '../../src/lake/parquet-types.js';
import type { LakeConnector } from '../../src/index.js';
import { createTableAs, lakeConnector, localLakeBackend, scan, sorted, type LakeBackend } from './support.js';

const uncompress = snappyUncompressor();

/** Column `index` of row group `group` of a Parquet file decoded by FlatChunkDecoder, as row values. */
function decodeFlat(
  file: Uint8Array,
  metadata: FileMetaData,
  at: { group: number; index: number },
  type: DataType,
) {
  const group = metadata.row_groups[at.group]!;
  const rows = Number(group.num_rows);
  const chunk = flatChunk(group.columns[at.index]!, metadata.schema[at.index + 1]!, rows);
  expect(chunk, `column ${at.index} is one the flat decoder takes`).to.not.equal(undefined);
  const builder = new ColumnBuilder(type, rows);
  new FlatChunkDecoder(chunk!, uncompress).decode(
    file.subarray(chunk!.start, chunk!.start + chunk!.length),
    builder,
  );
  const block = builder.block(0, rows);
  return Array.from({ length: rows }, (_, i) => (block.nulls?.[i] === 1 ? null : block.values[i]));
}

describe('lake flat column decoding', function () {
  this.timeout(30_000);

  it('decodes data pages v1, dictionaries of every width, NULLs and non-ASCII strings as hyparquet does (a file DuckDB wrote)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flat-chunk-'));
    try {
      const path = join(dir, 'f.parquet');
      const duck = await DuckDBInstance.create(':memory:');
      const con = await duck.connect();
      await con.run(`COPY (
        SELECT i::INTEGER AS a,
               (i * 1000000007)::BIGINT AS b,
               CASE WHEN i % 3 = 0 THEN NULL ELSE 'x' || (i % 5) END AS s,
               CASE WHEN i % 7 = 0 THEN NULL ELSE 'é€' || i || repeat('z', i % 40) END AS u,
               i / 3.0::DOUBLE AS d,
               (i % 300)::BIGINT AS k,
               DATE '1992-01-01' + (i % 2500)::INTEGER AS dt
        FROM range(20000) t(i)
      ) TO '${path}' (FORMAT parquet, COMPRESSION snappy, ROW_GROUP_SIZE 8000)`);
      con.closeSync();
      const file = new Uint8Array(readFileSync(path));
      const buffer = file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength);
      const metadata = parquetMetadata(buffer);
      const types = [INTEGER, BIGINT, varcharType(), varcharType(), DOUBLE, BIGINT, DATE];
      const rows = await parquetReadObjects({ file: buffer, compressors: { SNAPPY: uncompress } });
      const names = metadata.schema.slice(1).map((e) => e.name);
      let first = 0;
      for (let group = 0; group < metadata.row_groups.length; group++) {
        const count = Number(metadata.row_groups[group]!.num_rows);
        names.forEach((name, index) => {
          const want = rows.slice(first, first + count).map((r) => {
            const v = r[name];
            if (typeof v === 'bigint') return Number(v);
            if (v instanceof Date) return Math.round(v.getTime() / 86_400_000);
            return v;
          });
          expect(
            decodeFlat(file, metadata, { group, index }, types[index]!),
            `${name} in group ${group}`,
          ).to.deep.equal(want);
        });
        first += count;
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('throws on a column chunk cut short or with a forged dictionary index, rather than inventing values', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flat-chunk-'));
    try {
      const path = join(dir, 'f.parquet');
      const duck = await DuckDBInstance.create(':memory:');
      const con = await duck.connect();
      await con.run(
        `COPY (SELECT 'v' || (i % 5) AS s FROM range(1000) t(i)) TO '${path}' (FORMAT parquet, COMPRESSION uncompressed)`,
      );
      con.closeSync();
      const file = new Uint8Array(readFileSync(path));
      const metadata = parquetMetadata(file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength));
      const chunk = flatChunk(metadata.row_groups[0]!.columns[0]!, metadata.schema[1]!, 1000)!;
      const bytes = file.slice(chunk.start, chunk.start + chunk.length);
      const decode = (b: Uint8Array) =>
        new FlatChunkDecoder(chunk, uncompress).decode(b, new ColumnBuilder(varcharType(), 1000));
      decode(bytes);
      expect(() => decode(bytes.subarray(0, bytes.length - 3))).to.throw(/parquet|thrift/);
      // the data page's last 300 bytes are inside its bit-packed run of 3-bit indexes: 7 is past the
      // dictionary's 5 values
      const forged = bytes.slice();
      forged.fill(0xff, forged.length - 300);
      expect(() => decode(forged)).to.throw(/parquet|thrift/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('in lake scans', () => {
    let backend: LakeBackend;
    let lake: LakeConnector;
    before(() => {
      backend = localLakeBackend();
      lake = lakeConnector(backend, { 'lake.parquet.row-group-rows': '500' });
    });
    after(async () => {
      await lake.close();
      await backend.close();
    });

    it('decodes every flat column of the lake’s own files itself, NULLs, dictionaries and non-ASCII text included', async () => {
      await lake.createSchema('s', { ifNotExists: false, properties: {} });
      const ref = { catalog: 'lake', schema: 's', table: 'flat' };
      const columns = [
        { name: 'k', type: BIGINT },
        { name: 'i', type: INTEGER },
        { name: 'name', type: varcharType() },
        { name: 'flag', type: varcharType(1) },
        { name: 'd', type: DOUBLE },
        { name: 'dt', type: DATE },
      ];
      const rows = Array.from({ length: 1300 }, (_, n) => [
        BigInt(n) * 3_000_000_000n,
        n % 11 === 0 ? null : n - 600,
        n % 13 === 0 ? null : `näme ${n} ${'x'.repeat(n % 30)}`,
        'ANR'[n % 3]!,
        n / 7,
        8000 + (n % 40),
      ]);
      const types = columns.map((c) => c.type);
      const page = pageFromRows(types, rows);
      await createTableAs(lake, { ref, columns, partitions: [[page]] });
      const before = { ...lake.scanStats };
      const got = await scan(lake, ref);
      const want = rows.map((r) => r.map((v) => (typeof v === 'bigint' ? Number(v) : v)));
      expect(sorted(got)).to.deep.equal(sorted(want));
      expect(lake.scanStats.flatChunks - before.flatChunks).to.equal(3 * columns.length);
      expect(lake.scanStats.hyparquetChunks - before.hyparquetChunks).to.equal(0);
    });
  });
});
