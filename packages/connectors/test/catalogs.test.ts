import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { QuarryError } from '@quarry/common';
import { LakeConnector, MemoryConnector, TpchConnector, loadCatalogs } from '../src/index.js';

describe('catalog configuration', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'quarry-catalogs-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, text: string) => writeFileSync(join(dir, `${name}.properties`), text);
  const failure = (): QuarryError => {
    try {
      loadCatalogs(dir);
    } catch (e) {
      expect(e).to.be.instanceOf(QuarryError);
      expect((e as QuarryError).code).to.equal('INVALID_CONFIGURATION');
      return e as QuarryError;
    }
    throw new Error('expected loadCatalogs to fail');
  };

  it('has tpch without any directory or file', () => {
    const none = loadCatalogs(undefined);
    expect(none.names()).to.deep.equal(['tpch']);
    expect(none.get('tpch')).to.be.instanceOf(TpchConnector);
    expect(loadCatalogs(dir).names()).to.deep.equal(['tpch']);
  });

  it('loads one catalog per <name>.properties, with its connector and properties', async () => {
    write(
      'warehouse',
      `connector.name=lake\nlake.root=${join(dir, 'data')}\nlake.parquet.row-group-rows=5000\n`,
    );
    write('scratch', 'connector.name=memory\nmemory.max-data-per-node=1GB\n');
    write('bench', 'connector.name=tpch\n');
    writeFileSync(join(dir, 'README.txt'), 'not a catalog');
    const catalogs = loadCatalogs(dir);
    expect(catalogs.names()).to.deep.equal(['bench', 'scratch', 'tpch', 'warehouse']);
    const lake = catalogs.get('warehouse') as LakeConnector;
    expect(lake).to.be.instanceOf(LakeConnector);
    expect(lake.catalog).to.equal('warehouse');
    expect(lake.config.rowGroupRows).to.equal(5000);
    expect(lake.config.root).to.equal(`file://${join(dir, 'data')}`);
    expect((catalogs.get('scratch') as MemoryConnector).config.maxDataPerNode).to.equal(1024 ** 3);
    expect(catalogs.get('bench')).to.be.instanceOf(TpchConnector);
    expect((await catalogs.get('bench')!.getTable('tiny', 'nation'))?.catalog).to.equal('bench');
    await catalogs.close();
  });

  it("takes Trino's tpch properties: SIMPLIFIED column names without the table prefix, splits-per-node", async () => {
    write('trino_tpch', 'connector.name=tpch\ntpch.column-naming=simplified\ntpch.splits-per-node=4\n');
    write('standard', 'connector.name=tpch\ntpch.column-naming=STANDARD\n');
    const catalogs = loadCatalogs(dir);
    const simple = catalogs.get('trino_tpch') as TpchConnector;
    expect(simple.columnNaming).to.equal('SIMPLIFIED');
    const table = (await simple.getTable('tiny', 'lineitem'))!;
    expect(table.columns.slice(0, 3).map((c) => c.name)).to.deep.equal(['orderkey', 'partkey', 'suppkey']);
    expect(table.columns.find((c) => c.name === 'returnflag')?.distinctCount).to.equal(3);
    expect((await catalogs.get('standard')!.getTable('tiny', 'nation'))!.columns[0]!.name).to.equal(
      'n_nationkey',
    );
    // the same rows under either naming
    const ref = { catalog: 'trino_tpch', schema: 'tiny', table: 'nation' };
    const [split] = await simple.splits(ref, { targetSplits: 1 });
    const pages = [];
    for await (const p of simple.pageSource(ref, split!, ['name', 'nationkey'])) pages.push(p);
    expect(pages[0]!.blocks[0]!.values[0]).to.equal('ALGERIA');
    expect(pages[0]!.blocks[1]!.values[24]).to.equal(24);
    const wrong = simple.pageSource(ref, split!, ['n_name'])[Symbol.asyncIterator]().next();
    await wrong.then(
      () => expect.fail('n_name is not a column under SIMPLIFIED naming'),
      (e: Error) => expect(e.message).to.equal("Column 'n_name' not found in tiny.nation"),
    );
    await catalogs.close();
  });

  it('reads S3 settings and never shows the credentials', () => {
    write(
      'lake',
      [
        'connector.name=lake',
        'lake.root=s3://warehouse/prefix/',
        'lake.s3.endpoint=http://127.0.0.1:9000',
        'lake.s3.path-style-access=true',
        'lake.s3.aws-access-key=AKIAEXAMPLE',
        'lake.s3.aws-secret-key=very-secret',
      ].join('\n'),
    );
    const lake = loadCatalogs(dir).get('lake') as LakeConnector;
    expect(lake.config.root).to.equal('s3://warehouse/prefix');
    expect(lake.config.s3?.pathStyleAccess).to.equal(true);
    expect(lake.config.s3?.awsSecretKey).to.equal('very-secret');
    const shown = JSON.stringify(lake.config) + inspect(lake.config, { depth: 5 });
    expect(shown).to.not.include('very-secret');
    expect(shown).to.not.include('AKIAEXAMPLE');
    expect(shown).to.include('***');
  });

  it('names the file and the property in every rejection', () => {
    const cases: [string, string, RegExp][] = [
      ['a', 'lake.root=/x\n', /a\.properties: connector\.name is required \(one of tpch, lake, memory\)/],
      [
        'b',
        'connector.name=hive\n',
        /b\.properties: connector\.name=hive is unknown \(one of tpch, lake, memory\)/,
      ],
      ['c', 'connector.name=lake\n', /c\.properties: lake\.root is required/],
      [
        'd',
        'connector.name=lake\nlake.root=relative/dir\n',
        /d\.properties: lake\.root='relative\/dir' is invalid: a local directory must be an absolute path/,
      ],
      [
        'e',
        'connector.name=lake\nlake.root=hdfs://x/y\n',
        /e\.properties: lake\.root='hdfs:\/\/x\/y' is invalid/,
      ],
      [
        'f',
        'connector.name=lake\nlake.root=s3://B_/x\n',
        /f\.properties: lake\.root='s3:\/\/B_\/x' is invalid: 'B_' is not an S3 bucket name/,
      ],
      [
        'g',
        'connector.name=lake\nlake.root=/x\nlake.parquet.row-group-rows=0\n',
        /g\.properties: lake\.parquet\.row-group-rows='0' is invalid: expected an integer ≥ 1/,
      ],
      [
        'h',
        'connector.name=lake\nlake.root=s3://bucket\nlake.s3.aws-access-key=k\nlake.s3.endpoint=http://h\n',
        /h\.properties: lake\.s3\.aws-access-key and lake\.s3\.aws-secret-key must be set together/,
      ],
      [
        'i',
        'connector.name=lake\nlake.root=s3://bucket\nlake.s3.endpoint=ftp://h\n',
        /i\.properties: lake\.s3\.endpoint='ftp:\/\/h' is invalid/,
      ],
      [
        'j',
        'connector.name=lake\nlake.root=s3://bucket\nlake.s3.endpoint=http://h\nlake.s3.path-style-access=maybe\n',
        /j\.properties: lake\.s3\.path-style-access='maybe' is invalid: expected true or false/,
      ],
      [
        'k',
        'connector.name=memory\nmemory.max-data-per-node=lots\n',
        /k\.properties: memory\.max-data-per-node/,
      ],
      [
        'l',
        'connector.name=tpch\ntpch.colum-naming=STANDARD\n',
        /l\.properties: property tpch\.colum-naming is not used by connector tpch/,
      ],
      [
        'n',
        'connector.name=tpch\ntpch.column-naming=FANCY\n',
        /n\.properties: tpch\.column-naming='FANCY' is invalid: expected one of STANDARD, SIMPLIFIED/,
      ],
      [
        'o',
        'connector.name=tpch\ntpch.splits-per-node=0\n',
        /o\.properties: tpch\.splits-per-node='0' is invalid: expected an integer ≥ 1/,
      ],
      [
        'm',
        'connector.name=lake\nlake.root=/x\nlake.rot=/y\n',
        /m\.properties: property lake\.rot is not used by connector lake/,
      ],
      ['Bad-Name', 'connector.name=memory\n', /Bad-Name\.properties: 'Bad-Name' is not a valid catalog name/],
    ];
    for (const [name, text, message] of cases) {
      write(name, text);
      expect(failure().message).to.match(message);
      rmSync(join(dir, `${name}.properties`));
    }
    expect(() => loadCatalogs(join(dir, 'missing'))).to.throw(QuarryError, /Catalog directory not found/);
  });

  it('requires a region for S3 on AWS (no endpoint, no AWS_REGION)', () => {
    const saved = [process.env['AWS_REGION'], process.env['AWS_DEFAULT_REGION']];
    delete process.env['AWS_REGION'];
    delete process.env['AWS_DEFAULT_REGION'];
    try {
      write('lake', 'connector.name=lake\nlake.root=s3://bucket/x\n');
      expect(failure().message).to.match(/lake\.properties: lake\.s3\.region is required for an S3 root/);
    } finally {
      if (saved[0] !== undefined) process.env['AWS_REGION'] = saved[0];
      if (saved[1] !== undefined) process.env['AWS_DEFAULT_REGION'] = saved[1];
    }
  });
});
