import { expect } from 'chai';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { QuarryError } from '@quarry/common';
import { toPath } from '@quarry/storage';
import {
  checkExchange,
  createExchangeManager,
  exchangeConfigFromProperties,
  type ExchangeFile,
  type ExchangeManager,
  type SinkId,
} from '../src/index.js';

/**
 * Ids and file lists arrive in messages: nothing in them may make the exchange read, write or
 * delete outside its base directories, or read another query's files.
 */
describe('exchange paths built from message fields never escape', () => {
  let root: string;
  let bases: string[];
  let ex: ExchangeManager;
  const id = (over: Partial<SinkId> = {}): SinkId => ({
    queryId: 'q1',
    exchangeId: 's1',
    exchangeOrdinal: 0,
    taskPartition: 0,
    attempt: 0,
    partitionCount: 1,
    ...over,
  });
  const write = async (over: Partial<SinkId>, page: string): Promise<ExchangeFile> => {
    const sink = ex.createSink(id(over));
    await sink.add(0, Buffer.from(page));
    return (await sink.finish())[0]!;
  };

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'qx-paths-'));
    bases = [join(root, 'base-a'), join(root, 'base-b')];
    ex = createExchangeManager(
      exchangeConfigFromProperties({ 'exchange.base-directories': bases.join(',') }),
    );
  });
  afterEach(async () => {
    await ex.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('the source refuses forged file URIs outside the base directories or the query, reading nothing', async () => {
    const good = await write({}, 'the real page');
    const otherQuery = await write({ queryId: 'q2' }, 'another query’s page');
    // a well-formed exchange file outside the base directories: readable, were it not refused
    const outside = join(root, 'elsewhere', 'q1', 's1', '0.0', '0.0.qx');
    mkdirSync(join(outside, '..'), { recursive: true });
    copyFileSync(toPath(good.uri), outside);
    const base = pathToFileURL(bases[0]!).href;
    const forged = [
      'file:///etc/passwd',
      pathToFileURL(outside).href,
      `${base}/q1/s1/0.0/../../../../elsewhere/q1/s1/0.0/0.0.qx`,
      `${base}/q1/s1/0.0/%2e%2e/%2e%2e/%2e%2e/%2e%2e/elsewhere/q1/s1/0.0/0.0.qx`,
      `${base}/q1/s1/0.0/..%2f..%2f..%2f..%2felsewhere/q1/s1/0.0/0.0.qx`,
      `${base}/q1/./s1/0.0/0.0.qx`,
      `${base}//q1/s1/0.0/0.0.qx`,
      `${base}-evil/q1/s1/0.0/0.0.qx`,
      otherQuery.uri,
      `${good.uri}.tmp`,
      `s3://quarry-spool-1/q1/s1/0.0/0.0.qx`,
      good.uri.replace('file://', 'file://otherhost'),
      good.uri.toUpperCase(),
      42,
      undefined,
    ];
    for (const uri of forged) {
      expect(ex.ownsFile('q1', uri), String(uri)).to.equal(false);
      const file = { ...good, uri } as ExchangeFile;
      const pages: string[] = [];
      const e = await failure(
        (async () => {
          for await (const p of ex.read([good, file], { queryId: 'q1' }))
            pages.push(Buffer.from(p).toString());
        })(),
      );
      expect([e.code, e.type], String(uri)).to.deep.equal(['ACCESS_DENIED', 'USER_ERROR']);
      expect(e.message).to.include('is not a file of query q1');
      expect(pages, 'nothing is read, not even the good file before the forged one').to.deep.equal([]);
    }
    expect(ex.ownsFile('q1', good.uri)).to.equal(true);
    expect(ex.ownsFile('q2', good.uri)).to.equal(false);
    const pages: string[] = [];
    for await (const p of ex.read([good], { queryId: 'q1' })) pages.push(Buffer.from(p).toString());
    expect(pages).to.deep.equal(['the real page']);
  });

  it('refuses a query id, exchange id, partition or attempt with `..` or separators before building a path', async () => {
    const crafted: Partial<SinkId>[] = [
      { queryId: '..' },
      { queryId: '../q1' },
      { queryId: 'q1/../../x' },
      { exchangeId: '..' },
      { exchangeId: 's1\\..\\..' },
      { queryId: 'q\u00001' },
      { taskPartition: '../../x' as unknown as number },
      { attempt: '0/../../../../../x' as unknown as number },
      { taskPartition: -1 },
      { exchangeOrdinal: Number.NaN },
      { partitionCount: 1, attempt: 1.5 },
    ];
    for (const over of crafted) {
      let thrown: unknown;
      try {
        ex.createSink(id(over));
      } catch (e) {
        thrown = e;
      }
      expect(thrown, JSON.stringify(over)).to.be.instanceOf(QuarryError);
      expect((thrown as QuarryError).code).to.equal('INVALID_ARGUMENTS');
      expect((thrown as QuarryError).message).to.match(
        /^(query id|exchange id|task partition|attempt|exchange ordinal) .* cannot be a storage path component/,
      );
    }
  });

  it('cleanup with crafted ids deletes nothing outside the base directories', async () => {
    const victim = join(root, 'victim');
    mkdirSync(victim);
    writeFileSync(join(victim, 'precious.txt'), 'keep me');
    const mine = await write({}, 'mine');
    const deletes: (() => Promise<void>)[] = [
      () => ex.deleteQuery('..'),
      () => ex.deleteQuery('../victim'),
      () => ex.deleteExchange('q1', '../../victim'),
      () => ex.deleteExchange('..', 'victim'),
      // <base>/q1/s1/0.0/../../../../victim is <root>/victim
      () => ex.deleteAttempt({ ...id(), attempt: '0/../../../../victim' as unknown as number }),
      () => ex.deleteAttempt({ ...id(), taskPartition: '../../../victim' as unknown as number }),
    ];
    for (const del of deletes) {
      const e = await failure(del());
      expect(e.code).to.equal('INVALID_ARGUMENTS');
    }
    expect(readFileSync(join(victim, 'precious.txt'), 'utf8')).to.equal('keep me');
    expect(existsSync(toPath(mine.uri))).to.equal(true);
  });

  it('checks its base directories at start-up: made when missing, a file they refuse stops the start', async () => {
    await ex.checkBaseDirectories();
    expect(bases.every((b) => existsSync(b))).to.equal(true);
    const blocked = join(root, 'a-file');
    writeFileSync(blocked, 'not a directory');
    const config = exchangeConfigFromProperties({ 'exchange.base-directories': join(blocked, 'spool') });
    const e = await failure(checkExchange(config));
    expect(e.code).to.equal('STORAGE_UNAVAILABLE');
    expect(e.message).to.include(join(blocked, 'spool'));
  });
});

async function failure(p: Promise<unknown>): Promise<QuarryError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e, 'expected a failure').to.be.instanceOf(QuarryError);
  return e as QuarryError;
}
