import { expect } from 'chai';
import { QuarryError } from '@quarry/common';
import { INTERVAL_DAY_TIME, type TableRef } from '@quarry/sql';
import type { LakeConnector, LakeFragmentInfo } from '../../src/index.js';
import { NUMBERS, numbersPage } from './fixtures.js';
import {
  createTableAs,
  lakeConnector,
  localLakeBackend,
  s3LakeBackend,
  scan,
  storageOf,
  writeAttempt,
  type LakeBackend,
} from './support.js';

async function rejects(p: Promise<unknown>): Promise<QuarryError> {
  try {
    await p;
  } catch (e) {
    expect(e).to.be.instanceOf(QuarryError);
    return e as QuarryError;
  }
  throw new Error('expected a rejection');
}

for (const setup of [async () => localLakeBackend(), s3LakeBackend]) {
  describe(`lake writes (${setup === s3LakeBackend ? 'S3' : 'local'})`, function () {
    this.timeout(20_000);
    let backend: LakeBackend;
    let lake: LakeConnector;
    let n = 0;
    const ref = (table: string): TableRef => ({ catalog: 'lake', schema: 's', table });
    /** Every file under the catalog's root, relative to it. */
    const files = async (): Promise<string[]> => {
      const out: string[] = [];
      for await (const f of storageOf(lake).list(lake.config.root))
        out.push(f.uri.slice(lake.config.root.length + 1));
      return out.sort();
    };
    const ids = async (table: string) =>
      (await scan(lake, ref(table), ['id'])).map((r) => r[0] as number).sort((a, b) => a - b);
    const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

    before(async () => {
      backend = await setup();
    });
    beforeEach(async () => {
      lake = lakeConnector(backend, { 'lake.parquet.row-group-rows': '64' });
      await lake.createSchema('s', { ifNotExists: false, properties: {} });
      n++;
    });
    afterEach(async () => lake.close());
    after(async () => backend.close());

    it('CTAS: of two attempts of one task that both wrote, only the winner is committed; the loser is removed', async () => {
      const handle = await lake.beginWrite(ref('t'), { kind: 'create', columns: NUMBERS, queryId: `q${n}` });
      const p0 = await writeAttempt(lake, handle, { taskPartition: 0, attempt: 0 }, [numbersPage(0, 100)]);
      const p1 = await writeAttempt(lake, handle, { taskPartition: 1, attempt: 0 }, [numbersPage(100, 100)]);
      // partition 1 ran again (its first attempt was thought lost) and this attempt won
      const p1again = await writeAttempt(lake, handle, { taskPartition: 1, attempt: 1 }, [
        numbersPage(100, 100),
      ]);
      expect(await lake.getTable('s', 't')).to.equal(undefined); // nothing visible before the commit
      expect(await lake.commitWrite(handle, [p0, p1again])).to.deep.equal({ rows: 200 });
      expect(await ids('t')).to.deep.equal(range(0, 200));
      const loser = (p1.info as LakeFragmentInfo).attemptDir;
      expect((await files()).filter((f) => f.includes(loser))).to.deep.equal([]);
      expect((await lake.getTable('s', 't'))?.rowCount).to.equal(200);
    });

    it('a repeated commit of the same query adds nothing, even with other fragments', async () => {
      await lake.createTable(ref('t'), NUMBERS, { ifNotExists: false, properties: {} });
      const handle = await lake.beginWrite(ref('t'), { kind: 'insert', columns: NUMBERS, queryId: `q${n}` });
      const f = await writeAttempt(lake, handle, { taskPartition: 0, attempt: 0 }, [numbersPage(0, 150)]);
      expect(await lake.commitWrite(handle, [f])).to.deep.equal({ rows: 150 });
      const versions = (await files()).filter((x) => x.endsWith('.metadata.json'));
      expect(await lake.commitWrite(handle, [f])).to.deep.equal({ rows: 150 });
      expect(await lake.commitWrite(handle, [f, f])).to.deep.equal({ rows: 150 });
      expect((await files()).filter((x) => x.endsWith('.metadata.json'))).to.deep.equal(versions);
      expect(await ids('t')).to.deep.equal(range(0, 150));
      await lake.abortWrite(handle); // after a commit, an abort keeps the committed files
      expect(await ids('t')).to.deep.equal(range(0, 150));
    });

    it('a fragment listed twice in one commit counts once', async () => {
      const handle = await lake.beginWrite(ref('t'), { kind: 'create', columns: NUMBERS, queryId: `q${n}` });
      const f = await writeAttempt(lake, handle, { taskPartition: 0, attempt: 0 }, [numbersPage(0, 10)]);
      expect(await lake.commitWrite(handle, [f, f])).to.deep.equal({ rows: 10 });
      expect(await ids('t')).to.deep.equal(range(0, 10));
    });

    it('abort: no staged file is left and the table is as it was (INSERT and CTAS)', async () => {
      await createTableAs(lake, {
        ref: ref('t'),
        columns: NUMBERS,
        partitions: [[numbersPage(0, 70)]],
        queryId: `first${n}`,
      });
      const before = await files();
      const insert = await lake.beginWrite(ref('t'), { kind: 'insert', columns: NUMBERS, queryId: `q${n}` });
      await writeAttempt(lake, insert, { taskPartition: 0, attempt: 0 }, [numbersPage(70, 100)]);
      const sink = lake.writeSink(insert, { taskPartition: 1, attempt: 0, queryAttempt: 0 });
      await sink.appendPage(numbersPage(500, 100)); // an attempt cut short, mid-file
      await lake.abortWrite(insert);
      await lake.abortWrite(insert); // twice is fine
      await sink.abort();
      expect(await files()).to.deep.equal(before);
      expect(await ids('t')).to.deep.equal(range(0, 70));

      const ctas = await lake.beginWrite(ref('t2'), { kind: 'create', columns: NUMBERS, queryId: `c${n}` });
      await writeAttempt(lake, ctas, { taskPartition: 0, attempt: 0 }, [numbersPage(0, 100)]);
      await lake.abortWrite(ctas);
      expect(await files()).to.deep.equal(before);
      expect(await lake.listTables('s')).to.deep.equal(['t']);
    });

    it('a commit naming a file that is not there fails and changes nothing', async () => {
      await createTableAs(lake, {
        ref: ref('t'),
        columns: NUMBERS,
        partitions: [[numbersPage(0, 30)]],
        queryId: `first${n}`,
      });
      const handle = await lake.beginWrite(ref('t'), { kind: 'insert', columns: NUMBERS, queryId: `q${n}` });
      const f = await writeAttempt(lake, handle, { taskPartition: 0, attempt: 0 }, [numbersPage(30, 30)]);
      const info = f.info as LakeFragmentInfo;
      await storageOf(lake).deleteRecursively([`${lake.config.root}/s/t/${info.attemptDir}`]);
      const e = await rejects(lake.commitWrite(handle, [f]));
      expect(e.message).to.match(/is missing .* nothing was committed/);
      await lake.abortWrite(handle);
      expect(await ids('t')).to.deep.equal(range(0, 30));
    });

    it('two concurrent INSERTs into one table both land', async () => {
      await lake.createTable(ref('t'), NUMBERS, { ifNotExists: false, properties: {} });
      const a = await lake.beginWrite(ref('t'), { kind: 'insert', columns: NUMBERS, queryId: `a${n}` });
      const b = await lake.beginWrite(ref('t'), { kind: 'insert', columns: NUMBERS, queryId: `b${n}` });
      const [fa, fb] = await Promise.all([
        writeAttempt(lake, a, { taskPartition: 0, attempt: 0 }, [numbersPage(0, 100)]),
        writeAttempt(lake, b, { taskPartition: 0, attempt: 0 }, [numbersPage(100, 100)]),
      ]);
      // two coordinators' worth: separate connector instances committing at once
      const other = lakeConnector(backend, {});
      Object.assign(other, { config: lake.config, ctx: { ...(lake as unknown as { ctx: object }).ctx } });
      const [ra, rb] = await Promise.all([lake.commitWrite(a, [fa!]), other.commitWrite(b, [fb!])]);
      expect(ra.rows + rb.rows).to.equal(200);
      expect(await ids('t')).to.deep.equal(range(0, 200));
    });

    it('under retry policy QUERY, a later query attempt may win; the earlier attempt is cleaned up', async () => {
      const handle = await lake.beginWrite(ref('t'), { kind: 'create', columns: NUMBERS, queryId: `q${n}` });
      await writeAttempt(lake, handle, { taskPartition: 0, attempt: 0, queryAttempt: 0 }, [
        numbersPage(0, 50),
      ]);
      const won = await writeAttempt(lake, handle, { taskPartition: 0, attempt: 0, queryAttempt: 1 }, [
        numbersPage(0, 50),
      ]);
      await lake.commitWrite(handle, [won]);
      expect(await ids('t')).to.deep.equal(range(0, 50));
      expect(
        (await files()).filter((f) => f.includes('/data/')).every((f) => f.includes('/1.0.0/')),
      ).to.equal(true);
    });

    it('CREATE/DROP SCHEMA and TABLE: exists checks, RESTRICT against CASCADE', async () => {
      expect(
        (await rejects(lake.createSchema('s', { ifNotExists: false, properties: {} }))).message,
      ).to.equal("Schema 'lake.s' already exists");
      await lake.createSchema('s', { ifNotExists: true, properties: {} });
      await lake.createTable(ref('t'), NUMBERS, { ifNotExists: false, properties: {} });
      expect(
        (await rejects(lake.createTable(ref('t'), NUMBERS, { ifNotExists: false, properties: {} }))).message,
      ).to.equal("Table 'lake.s.t' already exists");
      expect(
        (await rejects(lake.beginWrite(ref('t'), { kind: 'create', columns: NUMBERS, queryId: 'x' })))
          .message,
      ).to.equal("Table 'lake.s.t' already exists");
      await createTableAs(lake, { ref: ref('u'), columns: NUMBERS, partitions: [[numbersPage(0, 10)]] });
      expect(await lake.listTables('s')).to.deep.equal(['t', 'u']);

      const restrict = await rejects(lake.dropSchema('s', { ifExists: false, cascade: false }));
      expect(restrict.message).to.equal("Cannot drop non-empty schema 'lake.s'");
      expect(await lake.listTables('s')).to.deep.equal(['t', 'u']);

      await lake.dropTable(ref('t'), { ifExists: false });
      expect((await rejects(lake.dropTable(ref('t'), { ifExists: false }))).code).to.equal('TABLE_NOT_FOUND');
      await lake.dropTable(ref('t'), { ifExists: true });
      expect(await lake.listTables('s')).to.deep.equal(['u']);
      // a dropped name can be created again, empty
      await lake.createTable(ref('t'), NUMBERS, { ifNotExists: false, properties: {} });
      expect(await scan(lake, ref('t'))).to.deep.equal([]);

      await lake.dropSchema('s', { ifExists: false, cascade: true });
      expect(await lake.listSchemas()).to.deep.equal([]);
      expect(await files()).to.deep.equal([]);
      expect((await rejects(lake.dropSchema('s', { ifExists: false, cascade: false }))).code).to.equal(
        'SCHEMA_NOT_FOUND',
      );
      await lake.dropSchema('s', { ifExists: true, cascade: false });
      expect(
        (await rejects(lake.createTable(ref('t'), NUMBERS, { ifNotExists: false, properties: {} }))).code,
      ).to.equal('SCHEMA_NOT_FOUND');
      await lake.createSchema('s', { ifNotExists: false, properties: {} }); // for afterEach symmetry
    });

    it('refuses what lake tables cannot hold: interval columns, unknown properties, odd names', async () => {
      const interval = await rejects(
        lake.createTable(ref('t'), [{ name: 'x', type: INTERVAL_DAY_TIME }], {
          ifNotExists: false,
          properties: {},
        }),
      );
      expect(interval.message).to.equal("lake tables cannot store type interval day to second (column 'x')");
      const prop = await rejects(
        lake.createTable(ref('t'), NUMBERS, { ifNotExists: false, properties: { partitioned_by: 'x' } }),
      );
      expect(prop.message).to.equal("Catalog 'lake' table property 'partitioned_by' does not exist");
      const format = await rejects(
        lake.createTable(ref('t'), NUMBERS, { ifNotExists: false, properties: { format: 'CSV' } }),
      );
      expect(format.message).to.equal(
        "Table property 'format' needs external_location (a table over existing files)",
      );
      expect((await rejects(lake.createSchema('_x', { ifNotExists: false, properties: {} }))).code).to.equal(
        'NOT_SUPPORTED',
      );
      expect(await lake.getTable('s', '../x')).to.equal(undefined);
    });
  });
}
