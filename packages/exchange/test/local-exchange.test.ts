import { expect } from 'chai';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileSystemExchange } from '../src/filesystem-exchange.js';
import { LocalStorage, toPath } from '@quarry/storage';
import { localExchangeConfig } from '../src/config.js';
import { gcExchange } from '../src/index.js';
import { exchangeContract } from './contract.js';
import { localBackend } from './support/backends.js';

describe('exchange contract: local directories', () => exchangeContract(async () => localBackend()));

describe('filesystem exchange on a local directory', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'qx-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const sinkOf = (exchange: FileSystemExchange) =>
    exchange.createSink({
      queryId: 'q2',
      exchangeId: 's1',
      exchangeOrdinal: 1,
      taskPartition: 0,
      attempt: 0,
      partitionCount: 1,
    });

  it('rolls over to a new file past the maximum file size', async () => {
    const small = new FileSystemExchange(new LocalStorage(), {
      ...localExchangeConfig(dir),
      sinkMaxFileSize: 300,
      sinkBufferSize: 64,
    });
    const s = sinkOf(small);
    for (let i = 0; i < 10; i++) await s.add(0, Buffer.alloc(100, 65 + i));
    const files = await s.finish();
    expect(files.length).to.be.greaterThan(3);
    expect(files.every((f) => f.bytes <= 300 + 112)).to.equal(true);
    const pages: number[] = [];
    for await (const p of small.read(files, { queryId: 'q2' })) pages.push(p[0]!);
    expect(String.fromCharCode(...pages)).to.equal('ABCDEFGHIJ');
  });

  it('writes a file under a temporary name, visible under its own only once finished', async () => {
    const exchange = new FileSystemExchange(new LocalStorage(), {
      ...localExchangeConfig(dir),
      sinkBufferSize: 64,
    });
    const s = sinkOf(exchange);
    await s.add(0, Buffer.alloc(200, 1));
    const attemptDir = toPath(
      exchange.attemptDir({
        queryId: 'q2',
        exchangeId: 's1',
        exchangeOrdinal: 1,
        taskPartition: 0,
        attempt: 0,
      }),
    );
    expect(readdirSync(attemptDir)).to.deep.equal(['0.0.qx.tmp']);
    const [file] = await s.finish();
    expect(readdirSync(attemptDir)).to.deep.equal(['0.0.qx']);
    expect(existsSync(toPath(file!.uri))).to.equal(true);
  });

  it('lays files out without shard directories: <base>/<query>/<exchange>/<task>.<attempt>/<partition>.<seq>.qx', async () => {
    const exchange = new FileSystemExchange(new LocalStorage(), localExchangeConfig(dir));
    const s = exchange.createSink({
      queryId: 'q9',
      exchangeId: 's3',
      exchangeOrdinal: 0,
      taskPartition: 4,
      attempt: 2,
      partitionCount: 2,
    });
    await s.add(1, Buffer.from('x'));
    const [file] = await s.finish();
    expect(file!.uri).to.equal(`${localExchangeConfig(dir).baseDirectories[0]}/q9/s3/4.2/1.0.qx`);
  });

  it('gcExchange: the CLI entry point removes old queries and closes the storage', async () => {
    const config = localExchangeConfig(dir);
    const exchange = new FileSystemExchange(new LocalStorage(), config);
    const s = sinkOf(exchange);
    await s.add(0, Buffer.from('x'));
    await s.finish();
    await new Promise((r) => setTimeout(r, 20));
    expect(await gcExchange(config, 60_000)).to.deep.equal({ removed: [], kept: 1 });
    const report = await gcExchange(config, 10);
    expect(report.removed.map((r) => [r.queryId, r.files, r.bytes])).to.deep.equal([['q2', 1, 16 + 12 + 1]]);
    expect(readdirSync(dir)).to.deep.equal([]);
  });
});
