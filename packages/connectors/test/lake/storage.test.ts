import { expect } from 'chai';
import type { LakeConnector } from '../../src/index.js';
import { lakeConnector, localLakeBackend, s3LakeBackend, storageOf, type LakeBackend } from './support.js';

/** The storage operations lake added to the exchange's storage interface, on both backends. */
for (const setup of [async () => localLakeBackend(), s3LakeBackend]) {
  const s3 = setup === s3LakeBackend;
  describe(`lake storage operations (${s3 ? 'S3' : 'local'})`, function () {
    this.timeout(20_000);
    let backend: LakeBackend;
    let lake: LakeConnector;

    before(async () => {
      backend = await setup();
      lake = lakeConnector(backend);
    });
    after(async () => {
      await lake.close();
      await backend.close();
    });

    it('reads byte ranges, lists one level, deletes single files', async () => {
      const storage = storageOf(lake);
      const root = lake.config.root;
      const w = storage.createFile(`${root}/a/b/file.bin`);
      await w.write(Buffer.from('0123456789'));
      await w.finish();
      expect(Buffer.from(await storage.readRange(`${root}/a/b/file.bin`, 3, 4)).toString()).to.equal('3456');
      expect(Buffer.from(await storage.readRange(`${root}/a/b/file.bin`, 8, 10)).toString()).to.equal('89');
      expect(await storage.createExclusive(`${root}/a/top.json`, Buffer.from('{}'))).to.equal(true);
      const level = await storage.listDirectory(`${root}/a`);
      expect(level.directories).to.deep.equal(['b']);
      expect(level.files.map((f) => f.uri)).to.deep.equal([`${root}/a/top.json`]);
      expect(await storage.listDirectory(`${root}/nothing`)).to.deep.equal({ directories: [], files: [] });
      await storage.deleteFiles([`${root}/a/top.json`, `${root}/a/missing.json`]);
      expect((await storage.listDirectory(`${root}/a`)).files).to.deep.equal([]);
    });

    // s3rver ignores If-None-Match (AWS S3 honours it): there, only the coordinator's lock serializes.
    (s3 ? it.skip : it)(
      'creates exclusively: of racing creators exactly one wins, the file is the winner’s',
      async () => {
        const storage = storageOf(lake);
        const uri = `${lake.config.root}/race/v1.metadata.json`;
        const results = await Promise.all(
          Array.from({ length: 8 }, (_, i) => storage.createExclusive(uri, Buffer.from(`writer ${i}`))),
        );
        expect(results.filter(Boolean)).to.have.length(1);
        const winner = results.indexOf(true);
        expect(Buffer.from(await storage.readRange(uri, 0, 100)).toString()).to.equal(`writer ${winner}`);
        expect((await storage.listDirectory(`${lake.config.root}/race`)).files).to.have.length(1); // no leftovers
      },
    );
  });
}
