import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QuarryError } from '@quarry/common';
import {
  startInProcessCluster,
  startServers,
  type InProcessCluster,
  type TestServers,
} from '@quarry/testkit';

/**
 * Views of the lake are stored with its tables: a coordinator started afresh over the same catalog
 * directory (a restart, or another coordinator) reads them, lists them in information_schema and
 * plans them; memory views are gone with the coordinator that held them.
 */
describe('views across a coordinator restart', function () {
  this.timeout(120_000);
  const dir = mkdtempSync(join(tmpdir(), 'quarry-views-'));
  const root = join(dir, 'warehouse');
  mkdirSync(root);
  writeFileSync(join(dir, 'lake.properties'), `connector.name=lake\nlake.root=${root}\n`);
  writeFileSync(join(dir, 'memory.properties'), 'connector.name=memory\n');
  let servers: TestServers;
  let cluster: InProcessCluster | undefined;

  const start = async () =>
    startInProcessCluster({
      workers: 1,
      servers,
      coordinator: { catalogDir: dir },
      worker: { catalogDir: dir },
    });
  const q = (sql: string) => cluster!.client.query(sql, { session: { catalog: 'tpch', schema: 'tiny' } });

  before(async () => {
    servers = await startServers();
  });
  after(async () => {
    await cluster?.stop();
    await servers?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads lake views after the restart; memory views are gone', async () => {
    cluster = await start();
    await q('create schema lake.s');
    await q('create table lake.s.regions as select r_regionkey, r_name from region');
    await q("create view lake.s.europe as select r_name from lake.s.regions where r_name like 'EU%'");
    await q('create view memory.default.m as select 1 as one');
    expect((await q('select * from lake.s.europe')).rows).to.deep.equal([['EUROPE']]);
    await cluster.stop();
    cluster = await start();
    expect((await q('select * from lake.s.europe')).rows).to.deep.equal([['EUROPE']]);
    expect(
      (await q("select table_name, table_type from lake.information_schema.tables where table_schema = 's'"))
        .rows,
    ).to.have.deep.members([
      ['europe', 'VIEW'],
      ['regions', 'BASE TABLE'],
    ]);
    const gone = await q('select * from memory.default.m').catch((e: unknown) => e);
    expect(gone).to.be.instanceOf(QuarryError);
    expect((gone as QuarryError).code).to.equal('TABLE_NOT_FOUND');
  });
});
