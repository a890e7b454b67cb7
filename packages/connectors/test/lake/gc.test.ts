/**
 * Lake garbage collection: what writers that died left behind (attempt directories no version
 * lists, a CREATE TABLE AS that never made its first version, a DROP that stopped midway) goes once
 * older than the cut-off; committed files, newer leftovers and other tables stay.
 */
import { expect } from 'chai';
import type { LakeConnector } from '../../src/index.js';
import { LakeLayout } from '../../src/lake/layout.js';
import { writeVersion, latestVersion } from '../../src/lake/metadata.js';
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

for (const setup of [async () => localLakeBackend(), s3LakeBackend]) {
  describe(`lake gc (${setup === s3LakeBackend ? 'S3' : 'local'})`, function () {
    this.timeout(20_000);
    let backend: LakeBackend;
    let lake: LakeConnector;
    let layout: LakeLayout;

    before(async () => {
      backend = await setup();
      lake = lakeConnector(backend, { 'lake.parquet.row-group-rows': '50' });
      layout = new LakeLayout(lake.config.root);
      await lake.createSchema('s', { ifNotExists: false, properties: {} });
    });
    after(async () => {
      await lake.close();
      await backend.close();
    });

    /** Every file under a table's directory, relative to it. */
    async function filesOf(table: string): Promise<string[]> {
      const dir = layout.tableDir('s', table);
      const out: string[] = [];
      for await (const f of storageOf(lake).list(dir)) out.push(f.uri.slice(dir.length + 1));
      return out.sort();
    }

    /** A write that staged its files and then died: begun, written, never committed nor aborted. */
    async function diedWriting(table: string, kind: 'create' | 'insert', queryId: string): Promise<void> {
      const ref = { catalog: 'lake', schema: 's', table };
      const handle = await lake.beginWrite(ref, { kind, columns: NUMBERS, queryId });
      await writeAttempt(lake, handle, { taskPartition: 0, attempt: 0 }, [numbersPage(1000, 120)]);
      await writeAttempt(lake, handle, { taskPartition: 1, attempt: 0 }, [numbersPage(2000, 30)]);
    }

    it('removes only unlisted, old enough staging; committed rows and recent leftovers stay', async () => {
      const ref = { catalog: 'lake', schema: 's', table: 'kept' };
      await createTableAs(lake, {
        ref,
        columns: NUMBERS,
        partitions: [[numbersPage(0, 100)]],
        queryId: 'ctas_kept',
      });
      const committed = await filesOf('kept');
      await diedWriting('kept', 'insert', 'insert_died');
      await diedWriting('never', 'create', 'ctas_died');
      expect((await filesOf('kept')).filter((f) => f.startsWith('data/insert_died/'))).to.have.length(2);
      expect(await filesOf('never')).to.have.length(2);

      // everything is recent: nothing goes
      const early = await lake.gc(60 * 60_000);
      expect(early.removed).to.deep.equal([]);
      expect(early.kept).to.equal(4);

      const later = await lake.gc(60 * 60_000, { now: Date.now() + 2 * 60 * 60_000 });
      expect(
        later.removed.map((r) => [r.table, r.dir.slice(`${layout.schemaDir('s')}/`.length)]).sort(),
      ).to.deep.equal([
        ['s.kept', 'kept/data/insert_died/0.0.0'],
        ['s.kept', 'kept/data/insert_died/0.1.0'],
        ['s.never', 'never/data/ctas_died/0.0.0'],
        ['s.never', 'never/data/ctas_died/0.1.0'],
      ]);
      expect(later.removed.reduce((n, r) => n + r.files, 0)).to.equal(4);
      expect(later.kept).to.equal(0);
      expect(await filesOf('kept')).to.deep.equal(committed);
      expect(await filesOf('never')).to.deep.equal([]);
      expect(await scan(lake, ref)).to.have.length(100);
      expect(await lake.listTables('s')).to.deep.equal(['kept']);
      // and again: nothing left to do
      const again = await lake.gc(0, { now: Date.now() + 2 * 60 * 60_000 });
      expect(again.removed).to.deep.equal([]);
    });

    it('removes losing attempts a commit did not get to delete, never the winners', async () => {
      const ref = { catalog: 'lake', schema: 's', table: 'losers' };
      const handle = await lake.beginWrite(ref, { kind: 'create', columns: NUMBERS, queryId: 'ctas_losers' });
      const winner = await writeAttempt(lake, handle, { taskPartition: 0, attempt: 1 }, [numbersPage(0, 70)]);
      // attempt 0 of the same task also wrote; the commit below lists only attempt 1
      await writeAttempt(lake, handle, { taskPartition: 0, attempt: 0 }, [numbersPage(0, 70)]);
      const tableDir = layout.tableDir('s', 'losers');
      expect((await filesOf('losers')).filter((f) => f.startsWith('data/ctas_losers/0.0.0/'))).to.have.length(
        1,
      );
      await lake.commitWrite(handle, [winner]);
      const committed = await filesOf('losers');
      // a commit deletes losers itself; put one back as if the coordinator had died before that
      const writer = storageOf(lake).createFile(`${tableDir}/data/ctas_losers/0.0.0/0.parquet`);
      await writer.write(Buffer.from('left by a dead coordinator'));
      await writer.finish();
      const report = await lake.gc(0, { now: Date.now() + 1000 });
      expect(report.removed.map((r) => r.dir)).to.deep.equal([`${tableDir}/data/ctas_losers/0.0.0`]);
      expect(await filesOf('losers')).to.deep.equal(committed);
      expect(await scan(lake, ref)).to.have.length(70);
    });

    it('finishes a DROP that wrote its tombstone and stopped', async () => {
      const ref = { catalog: 'lake', schema: 's', table: 'half_dropped' };
      await createTableAs(lake, {
        ref,
        columns: NUMBERS,
        partitions: [[numbersPage(0, 10)]],
        queryId: 'ctas_half',
      });
      const tableDir = layout.tableDir('s', 'half_dropped');
      const latest = (await latestVersion(storageOf(lake), layout, tableDir))!;
      await writeVersion(storageOf(lake), layout, tableDir, {
        ...latest,
        version: latest.version + 1,
        files: [],
        dropped: true,
      });
      expect(await lake.getTable('s', 'half_dropped')).to.equal(undefined);
      const report = await lake.gc(24 * 60 * 60_000);
      expect(report.dropsFinished).to.deep.equal(['s.half_dropped']);
      expect(await filesOf('half_dropped')).to.deep.equal([]);
    });

    it('refuses a negative age', async () => {
      const e = await lake.gc(-1).then(
        () => undefined,
        (err: unknown) => err as Error,
      );
      expect(e?.message).to.match(/older-than must be ≥ 0/);
    });
  });
}
