import { expect } from 'chai';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { QuarryError } from '@quarry/common';
import type { Split, TableRef, WriteHandle } from '@quarry/sql';
import type { LakeConnector, LakeSplitInfo } from '../../src/index.js';
import { LakeLayout } from '../../src/lake/layout.js';
import { NUMBERS, numbersPage } from './fixtures.js';
import { collect, createTableAs, lakeConnector, localLakeBackend, type LakeBackend } from './support.js';

/**
 * Splits and write handles travel in task specs, and names in statements: none of them may make a
 * lake read, write or delete outside its table's directory.
 */
describe('lake paths built from names and task specs never escape', () => {
  let backend: LakeBackend;
  let lake: LakeConnector;
  const ref: TableRef = { catalog: 'lake', schema: 's', table: 'numbers' };

  beforeEach(async () => {
    backend = localLakeBackend();
    lake = lakeConnector(backend);
    await lake.createSchema('s', { ifNotExists: false, properties: {} });
    await createTableAs(lake, { ref, columns: NUMBERS, partitions: [[numbersPage(0, 10)]] });
  });
  afterEach(async () => {
    await lake.close();
    await backend.close();
  });

  const refused = async (p: () => unknown): Promise<QuarryError> => {
    let e: unknown;
    try {
      const r = p();
      if (r && typeof r === 'object' && Symbol.asyncIterator in r) await collect(r as AsyncIterable<never>);
      else await r;
    } catch (x) {
      e = x;
    }
    expect(e, 'expected a refusal').to.be.instanceOf(QuarryError);
    return e as QuarryError;
  };

  it('a page source reads only data files of the table named, however the split is forged', async () => {
    const [split] = (await lake.splits(ref, { targetSplits: 1 })) as [Split];
    const info = split.info as LakeSplitInfo;
    const root = lake.config.root;
    // a real Parquet file outside the table: readable, were it not refused
    const outside = join(fileURLToPath(root), 'elsewhere', 'x.parquet');
    mkdirSync(dirname(outside), { recursive: true });
    copyFileSync(fileURLToPath(info.uri), outside);
    const tableDir = `${root}/s/numbers`;
    const forged = [
      pathToFileURL(outside).href,
      `${tableDir}/data/../../../elsewhere/x.parquet`,
      `${tableDir}/data/%2e%2e/%2e%2e/%2e%2e/elsewhere/x.parquet`,
      `${tableDir}/v1.metadata.json`,
      `${root}/s/other/data/q/0.0.0/0.parquet`,
      'file:///etc/passwd',
      's3://bucket/s/numbers/data/q/0.0.0/0.parquet',
    ];
    for (const uri of forged) {
      const e = await refused(() => lake.pageSource(ref, { ...split, info: { ...info, uri } }, ['id']));
      expect([e.code, uri]).to.deep.equal(['ACCESS_DENIED', uri]);
    }
    const pages = await collect(lake.pageSource(ref, split, ['id']));
    expect(pages.reduce((n, p) => n + p.rowCount, 0)).to.equal(10);
  });

  it('a write sink refuses a handle whose directories are not its table’s and query’s', async () => {
    const victim = join(fileURLToPath(lake.config.root), '..', 'victim');
    mkdirSync(victim, { recursive: true });
    writeFileSync(join(victim, 'precious.txt'), 'keep me');
    const handle = await lake.beginWrite(ref, { kind: 'insert', columns: NUMBERS, queryId: 'q_insert' });
    const info = handle.info as { tableDir: string; queryDir: string };
    const forged: WriteHandle[] = [
      { ...handle, info: { ...info, queryDir: pathToFileURL(victim).href } },
      { ...handle, info: { ...info, queryDir: `${info.tableDir}/data/../../../../victim` } },
      { ...handle, info: { ...info, tableDir: pathToFileURL(victim).href } },
      { ...handle, queryId: 'another_query' },
    ];
    for (const h of forged) {
      const e = await refused(() => lake.writeSink(h, { queryAttempt: 0, taskPartition: 0, attempt: 0 }));
      expect(e.code).to.equal('ACCESS_DENIED');
      expect((await refused(() => lake.abortWrite(h))).code).to.equal('ACCESS_DENIED');
    }
    const e = await refused(() =>
      lake.writeSink(handle, {
        queryAttempt: 0,
        taskPartition: 0,
        attempt: '0/../../../../../victim' as never,
      }),
    );
    expect(e.code).to.equal('INVALID_ARGUMENTS');
    expect(readFileSync(join(victim, 'precious.txt'), 'utf8')).to.equal('keep me');
  });

  it('names with `..` or separators never become paths, whatever called the layout', () => {
    const layout = new LakeLayout(lake.config.root);
    for (const [schema, table] of [
      ['..', 't'],
      ['s', '..'],
      ['s/../..', 't'],
      ['s', 't\\..'],
      ['', 't'],
    ] as const) {
      let e: unknown;
      try {
        layout.tableDir(schema, table);
      } catch (x) {
        e = x;
      }
      expect(e, `${schema}.${table}`).to.be.instanceOf(QuarryError);
      expect((e as QuarryError).code).to.equal('INVALID_ARGUMENTS');
      expect((e as QuarryError).message).to.match(/^lake (schema|table) name /);
    }
    expect(existsSync(fileURLToPath(`${lake.config.root}/s/numbers`))).to.equal(true);
  });
});
