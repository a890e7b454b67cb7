import { expect } from 'chai';
import { mkdtempSync, readdirSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QuarryError } from '@quarry/common';
import { FileSystemExchange } from '../src/filesystem-exchange.js';
import { LocalStorage, toPath } from '../src/local/local-storage.js';
import { exchangeConfigFromProperties, localExchangeConfig } from '../src/config.js';
import type { ExchangeFile } from '../src/spi.js';

async function collect(it: AsyncIterable<Uint8Array>): Promise<string[]> {
  const out: string[] = [];
  for await (const p of it) out.push(Buffer.from(p).toString());
  return out;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

describe('filesystem exchange on a local directory', () => {
  let dirs: string[];
  let exchange: FileSystemExchange;
  const sink = (taskPartition: number, attempt: number, partitionCount = 3) =>
    exchange.createSink({
      queryId: 'q1',
      exchangeId: 's1',
      exchangeOrdinal: 1,
      taskPartition,
      attempt,
      partitionCount,
    });

  beforeEach(() => {
    dirs = [mkdtempSync(join(tmpdir(), 'qx-a-')), mkdtempSync(join(tmpdir(), 'qx-b-'))];
    exchange = new FileSystemExchange(new LocalStorage(), {
      ...localExchangeConfig(dirs[0]!),
      baseDirectories: dirs.map((d) => `file://${d}`),
      sinkBufferSize: 64,
    });
  });

  afterEach(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('writes pages per partition and reads them back in order', async () => {
    const s = sink(0, 0);
    for (let i = 0; i < 10; i++) await s.add(i % 3, Buffer.from(`page-${i}`));
    const files = await s.finish();
    expect(files.map((f) => [f.partition, f.pages])).to.deep.equal([
      [0, 4],
      [1, 3],
      [2, 3],
    ]);
    expect(await collect(exchange.read(files.filter((f) => f.partition === 1)))).to.deep.equal([
      'page-1',
      'page-4',
      'page-7',
    ]);
    expect(s.bytesAdded).to.equal(60);
  });

  it('keeps attempts apart: each attempt has its own files, and readers get only the files they are given', async () => {
    const a0 = sink(2, 0);
    await a0.add(0, Buffer.from('from attempt 0'));
    const f0 = await a0.finish();
    const a1 = sink(2, 1);
    await a1.add(0, Buffer.from('from attempt 1'));
    const f1 = await a1.finish();
    expect(f0[0]!.uri).to.not.equal(f1[0]!.uri);
    expect(await collect(exchange.read(f1))).to.deep.equal(['from attempt 1']);
    await exchange.deleteAttempt({
      queryId: 'q1',
      exchangeId: 's1',
      exchangeOrdinal: 1,
      taskPartition: 2,
      attempt: 0,
    });
    expect(await collect(exchange.read(f1))).to.deep.equal(['from attempt 1']);
    const gone = await collect(exchange.read(f0)).catch((e: unknown) => e);
    expect((gone as QuarryError).code).to.equal('EXCHANGE_IO_ERROR');
  });

  it('abort removes everything the attempt wrote, finished files included', async () => {
    const s = sink(1, 0);
    for (let i = 0; i < 100; i++) await s.add(i % 3, Buffer.alloc(100, i));
    await s.abort();
    expect(dirs.flatMap(filesUnder)).to.deep.equal([]);
  });

  it('spreads tasks over the base directories round-robin, rotating per exchange', async () => {
    const per = [0, 0];
    for (let t = 0; t < 9; t++) {
      const s = exchange.createSink({
        queryId: 'q1',
        exchangeId: 's2',
        exchangeOrdinal: 2,
        taskPartition: t,
        attempt: 0,
        partitionCount: 1,
      });
      await s.add(0, Buffer.from('x'));
      const [f] = await s.finish();
      per[dirs.findIndex((d) => toPath(f!.uri).startsWith(d))]!++;
    }
    expect(Math.abs(per[0]! - per[1]!)).to.be.at.most(1);
    expect(exchange.baseFor(2, 0)).to.not.equal(exchange.baseFor(3, 0));
  });

  it('rolls over to a new file past the maximum file size', async () => {
    const small = new FileSystemExchange(new LocalStorage(), {
      baseDirectories: [`file://${dirs[0]}`],
      sinkMaxFileSize: 300,
      sinkBufferSize: 64,
    });
    const s = small.createSink({
      queryId: 'q2',
      exchangeId: 's1',
      exchangeOrdinal: 1,
      taskPartition: 0,
      attempt: 0,
      partitionCount: 1,
    });
    for (let i = 0; i < 10; i++) await s.add(0, Buffer.alloc(100, 65 + i));
    const files = await s.finish();
    expect(files.length).to.be.greaterThan(3);
    expect(files.every((f) => f.bytes <= 300 + 112)).to.equal(true);
    expect((await collect(small.read(files))).map((p) => p[0])).to.deep.equal('ABCDEFGHIJ'.split(''));
  });

  it('detects a corrupted file and names it', async () => {
    const s = sink(0, 0, 1);
    await s.add(0, Buffer.from('precious data'));
    const [file] = (await s.finish()) as [ExchangeFile];
    const bytes = readFileSync(toPath(file.uri));
    bytes[bytes.length - 3] = bytes[bytes.length - 3]! ^ 0xff;
    writeFileSync(toPath(file.uri), bytes);
    const e = (await collect(exchange.read([file])).catch((x: unknown) => x)) as QuarryError;
    expect(e.code).to.equal('EXCHANGE_CORRUPTED');
    expect(e.type).to.equal('EXTERNAL');
    expect(e.message).to.include(file.uri).and.include('checksum mismatch');
    writeFileSync(toPath(file.uri), bytes.subarray(0, bytes.length - 5));
    const t = (await collect(exchange.read([file])).catch((x: unknown) => x)) as QuarryError;
    expect(t.message).to.match(/ends inside a frame/);
  });

  it('deletes a whole query from every base directory', async () => {
    for (let t = 0; t < 4; t++) {
      const s = sink(t, 0);
      await s.add(0, Buffer.from('x'));
      await s.finish();
    }
    expect(dirs.every((d) => filesUnder(d).length > 0)).to.equal(true);
    await exchange.deleteQuery('q1');
    expect(dirs.flatMap(filesUnder)).to.deep.equal([]);
  });

  it('rejects bad configuration with clear messages', () => {
    expect(() => exchangeConfigFromProperties({})).to.throw('exchange.base-directories is required');
    expect(() =>
      exchangeConfigFromProperties({ 'exchange-manager.name': 'hdfs', 'exchange.base-directories': '/x' }),
    ).to.throw('exchange-manager.name=hdfs is unknown');
    expect(() => exchangeConfigFromProperties({ 'exchange.base-directories': '/a,/a' })).to.throw(
      'lists a directory twice',
    );
    expect(() => exchangeConfigFromProperties({ 'exchange.base-directories': 'gs://bucket' })).to.throw(
      "unsupported scheme in 'gs://bucket'",
    );
    expect(
      exchangeConfigFromProperties({ 'exchange.base-directories': '/tmp/a, /tmp/b/' }).baseDirectories,
    ).to.deep.equal(['file:///tmp/a', 'file:///tmp/b']);
  });
});
