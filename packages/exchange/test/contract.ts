import { expect } from 'chai';
import { createHash, randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { QuarryError } from '@quarry/common';
import {
  createExchangeManager,
  exchangeConfigFromProperties,
  generateExchangeKey,
  type CompressionCodec,
  type ExchangeFile,
  type ExchangeManager,
  type SinkId,
} from '../src/index.js';
import type { Backend } from './support/backends.js';
import { rowsOf, samplePage } from './support/pages.js';

/**
 * The exchange's contract, run against every storage backend (`local-exchange.test.ts`,
 * `s3-exchange.test.ts`). Managers are made from properties, as coordinator and workers make them.
 */
export function exchangeContract(setup: () => Promise<Backend>): void {
  let backend: Backend;
  const open: ExchangeManager[] = [];
  const manager = (overrides: Record<string, string> = {}): ExchangeManager => {
    const m = createExchangeManager(exchangeConfigFromProperties(backend.properties(overrides)));
    open.push(m);
    return m;
  };
  const id = (over: Partial<SinkId> = {}): SinkId => ({
    queryId: 'q1',
    exchangeId: 's1',
    exchangeOrdinal: 1,
    taskPartition: 0,
    attempt: 0,
    partitionCount: 1,
    ...over,
  });
  const write = async (
    ex: ExchangeManager,
    sinkId: Partial<SinkId>,
    pages: string[],
  ): Promise<ExchangeFile[]> => {
    const sink = ex.createSink(id(sinkId));
    for (const p of pages) await sink.add(0, Buffer.from(p));
    return sink.finish();
  };

  before(async () => {
    backend = await setup();
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((m) => m.close()));
    await backend.clear();
  });
  after(async () => backend.close());

  it('round-trips pages of every column layout, encrypted and compressed, by partition and in order', async () => {
    const key = generateExchangeKey();
    const sink = manager().createSink(id({ partitionCount: 3 }), { secretKey: key, codec: 'LZ4' });
    const pages = Array.from({ length: 12 }, (_, i) => samplePage(i));
    for (let i = 0; i < pages.length; i++) await sink.add(i % 3, pages[i]!);
    const files = await sink.finish();
    expect(files.map((f) => f.partition)).to.deep.equal([0, 1, 2]);
    expect(sink.bytesAdded).to.equal(pages.reduce((n, p) => n + p.byteLength, 0));
    const reader = manager(); // another process's manager, as on the next stage's worker
    for (const partition of [0, 1, 2]) {
      const mine = files.filter((f) => f.partition === partition);
      const got = await collect(reader.read(mine, { queryId: 'q1', secretKey: key }));
      const want = pages.filter((_, i) => i % 3 === partition);
      expect(got.map((p) => Buffer.from(p))).to.deep.equal(want.map((p) => Buffer.from(p)));
      expect(got.map(rowsOf)).to.deep.equal(want.map(rowsOf));
    }
  });

  it('writes and reads large pages (several MB), and stops reading early without leaking', async () => {
    const ex = manager();
    const key = generateExchangeKey();
    const pages = [randomBytes(6 << 20), Buffer.alloc(7 << 20, 'abcdefgh'), randomBytes(3 << 20)];
    for (const [attempt, codec] of (['NONE', 'LZ4'] as const).entries()) {
      const sink = ex.createSink(id({ attempt }), { secretKey: key, codec });
      for (const p of pages) await sink.add(0, p);
      const files = await sink.finish();
      expect(files).to.have.length(1);
      expect(files[0]!.bytes).to.be.greaterThan(codec === 'NONE' ? 16 << 20 : 9 << 20);
      const got = await collect(ex.read(files, { queryId: 'q1', secretKey: key }));
      expect(got.map(sha)).to.deep.equal(pages.map(sha));
      for await (const first of ex.read(files, { queryId: 'q1', secretKey: key })) {
        expect(sha(first)).to.equal(sha(pages[0]!));
        break;
      }
    }
  });

  it('keeps many partitions apart', async () => {
    const sink = manager().createSink(id({ partitionCount: 64 }));
    for (let round = 0; round < 2; round++) {
      for (let p = 0; p < 64; p++) await sink.add(p, Buffer.from(`p${p}-r${round}`));
    }
    const files = await sink.finish();
    expect(files.map((f) => f.partition)).to.deep.equal(Array.from({ length: 64 }, (_, i) => i));
    const ex = manager();
    for (const p of [0, 17, 63]) {
      const got = await strings(
        ex.read(
          files.filter((f) => f.partition === p),
          { queryId: 'q1' },
        ),
      );
      expect(got).to.deep.equal([`p${p}-r0`, `p${p}-r1`]);
    }
  });

  it('keeps attempts apart: readers get only the files they are given (the winners)', async () => {
    const ex = manager();
    const loser = await write(ex, { taskPartition: 2, attempt: 0 }, ['from attempt 0']);
    const winner = await write(ex, { taskPartition: 2, attempt: 1 }, ['from attempt 1']);
    expect(loser[0]!.uri).to.not.equal(winner[0]!.uri);
    expect(await strings(ex.read(winner, { queryId: 'q1' }))).to.deep.equal(['from attempt 1']);
    await ex.deleteAttempt({
      queryId: 'q1',
      exchangeId: 's1',
      exchangeOrdinal: 1,
      taskPartition: 2,
      attempt: 0,
    });
    expect(await strings(ex.read(winner, { queryId: 'q1' }))).to.deep.equal(['from attempt 1']);
    const gone = await failure(strings(ex.read(loser, { queryId: 'q1' })));
    expect(gone.code).to.equal('EXCHANGE_IO_ERROR');
    expect(gone.message).to.include(loser[0]!.uri.replace(/^file:\/\//, ''));
  });

  it('abort removes everything the attempt wrote: finished files, open files, uploads in progress', async () => {
    const ex = manager({ 'exchange.sink-max-file-size': '16kB', 'exchange.sink-buffer-size': '4kB' });
    const sink = ex.createSink(id({ partitionCount: 3 }));
    for (let i = 0; i < 120; i++) await sink.add(i % 3, Buffer.alloc(1000, i));
    await sink.add(0, randomBytes(6 << 20)); // past an S3 part: a multipart upload is open
    expect(await backend.listAll()).to.not.deep.equal([]);
    await sink.abort();
    expect(await backend.listAll()).to.deep.equal([]);
  });

  it('cleanup by exchange and by query leaves no file behind, and touches no other query', async () => {
    const ex = manager();
    for (const [ordinal, exchangeId] of ['s1', 's2'].entries()) {
      for (let t = 0; t < 4; t++) {
        for (let attempt = 0; attempt < 2; attempt++) {
          await write(ex, { exchangeId, exchangeOrdinal: ordinal, taskPartition: t, attempt }, ['x']);
        }
      }
    }
    await write(ex, { queryId: 'q2' }, ['other query']);
    const all = await backend.listAll();
    expect(backend.bases.every((b) => all.some((u) => u.startsWith(`${b}/`)))).to.equal(true);
    await ex.deleteExchange('q1', 's1');
    const left = await backend.listAll();
    expect(left.filter((u) => u.includes('/q1/s1/'))).to.deep.equal([]);
    expect(left.filter((u) => u.includes('/q1/s2/'))).to.have.length(8);
    await ex.deleteQuery('q1');
    expect((await backend.listAll()).every((u) => u.includes('/q2/'))).to.equal(true);
    await ex.deleteQuery('q2');
    await ex.deleteQuery('never-existed');
    expect(await backend.listAll()).to.deep.equal([]);
  });

  it('keeps a tiny output inline: nothing stored, readers read its bytes with the same checks', async () => {
    const ex = manager();
    const key = generateExchangeKey();
    const sink = ex.createSink(id({ partitionCount: 2 }), {
      secretKey: key,
      codec: 'LZ4',
      inlineMaxBytes: 4096,
    });
    for (const [i, p] of ['a0', 'b0', 'a1'].entries()) await sink.add(i % 2, Buffer.from(p));
    const files = await sink.finish();
    expect(files.map((f) => [f.partition, f.pages, f.data?.length === f.bytes])).to.deep.equal([
      [0, 2, true],
      [1, 1, true],
    ]);
    expect(await backend.listAll()).to.deep.equal([]);
    const reader = manager();
    expect(await strings(reader.read(files.slice(0, 1), { queryId: 'q1', secretKey: key }))).to.deep.equal([
      'a0',
      'a1',
    ]);
    // the same checks as a stored file's: a flipped byte is caught, naming the file
    const data = Buffer.from(files[0]!.data!);
    data[data.length - 2] = data[data.length - 2]! ^ 0xff;
    const e = await failure(
      strings(reader.read([{ ...files[0]!, data }], { queryId: 'q1', secretKey: key })),
    );
    expect([e.code, e.message.includes(files[0]!.uri)]).to.deep.equal(['EXCHANGE_CORRUPTED', true]);
    // and only this query's addresses are read, inline or not
    const foreign = await failure(strings(reader.read(files, { queryId: 'q2', secretKey: key })));
    expect(foreign.code).to.equal('ACCESS_DENIED');
  });

  it('writes out an output that outgrows the inline limit, files rolled over before included', async () => {
    const ex = manager({ 'exchange.sink-max-file-size': '1kB' });
    const sink = ex.createSink(id({ partitionCount: 2 }), { inlineMaxBytes: 3000 });
    const pages = Array.from({ length: 12 }, (_, i) => `${i}`.padEnd(400, '.'));
    for (const [i, p] of pages.entries()) await sink.add(i % 2, Buffer.from(p));
    const files = await sink.finish();
    expect(files.length).to.be.greaterThan(2);
    expect(files.every((f) => f.data === undefined)).to.equal(true);
    expect((await backend.listAll()).length).to.equal(files.length);
    const got = await strings(
      ex.read(
        files.filter((f) => f.partition === 0),
        { queryId: 'q1' },
      ),
    );
    expect(got).to.deep.equal(pages.filter((_, i) => i % 2 === 0));
  });

  it('detects corruption and truncation, naming the file', async () => {
    const ex = manager();
    const [file] = (await write(ex, {}, ['first page', 'second page', 'third page'])) as [ExchangeFile];
    const raw = await backend.readRaw(file.uri);
    const flipped = Buffer.from(raw);
    flipped[flipped.length - 3] = flipped[flipped.length - 3]! ^ 0xff;
    await backend.writeRaw(file.uri, flipped);
    let e = await failure(strings(ex.read([file], { queryId: 'q1' })));
    expect([e.code, e.type]).to.deep.equal(['EXCHANGE_CORRUPTED', 'EXTERNAL']);
    expect(e.message).to.include(file.uri).and.include('checksum mismatch');

    await backend.writeRaw(file.uri, raw.subarray(0, raw.length - (12 + 'third page'.length)));
    e = await failure(strings(ex.read([file], { queryId: 'q1' })));
    expect(e.message).to.include(file.uri).and.include('holds 2 pages, but 3 were written');

    await backend.writeRaw(file.uri, raw.subarray(0, raw.length - 4));
    e = await failure(strings(ex.read([file], { queryId: 'q1' })));
    expect(e.code).to.equal('EXCHANGE_CORRUPTED');
    expect(e.message)
      .to.include(file.uri)
      .and.match(/ends inside a frame|past the end of the file/);
  });

  it('encrypts with the query key, which is never stored; no key or another key cannot read', async () => {
    const ex = manager();
    const key = generateExchangeKey();
    const marker = 'PLAINTEXT-MARKER-'.repeat(20);
    const sink = ex.createSink(id(), { secretKey: key });
    await sink.add(0, Buffer.from(marker));
    const [file] = (await sink.finish()) as [ExchangeFile];
    const raw = await backend.readRaw(file.uri);
    expect(raw.includes(Buffer.from('PLAINTEXT-MARKER'))).to.equal(false);
    expect(raw.includes(Buffer.from(key).subarray(0, 8))).to.equal(false);
    expect(await strings(ex.read([file], { queryId: 'q1', secretKey: key }))).to.deep.equal([marker]);

    const noKey = await failure(strings(ex.read([file], { queryId: 'q1' })));
    expect(noKey.code).to.equal('INVALID_CONFIGURATION');
    expect(noKey.message).to.include(file.uri).and.include('is encrypted and no key was given');
    const wrongKey = await failure(
      strings(ex.read([file], { queryId: 'q1', secretKey: generateExchangeKey() })),
    );
    expect(wrongKey.code).to.equal('EXCHANGE_CORRUPTED');
    expect(wrongKey.message).to.include(file.uri).and.include('encrypted with a different key');

    const [plain] = (await write(ex, { attempt: 1 }, ['clear'])) as [ExchangeFile];
    const downgrade = await failure(strings(ex.read([plain], { queryId: 'q1', secretKey: key })));
    expect(downgrade.message).to.include('not encrypted, but encrypted files were expected');
  });

  it('round-trips every compression codec, with and without encryption, and records it in the header', async () => {
    const ex = manager();
    const pages = Array.from({ length: 8 }, (_, i) => Buffer.from(`row ${i};`.repeat(8000)));
    const plainBytes = pages.reduce((n, p) => n + p.length, 0);
    let attempt = 0;
    for (const codec of ['NONE', 'LZ4', 'ZSTD'] as CompressionCodec[]) {
      for (const key of [undefined, generateExchangeKey()]) {
        const sink = ex.createSink(id({ attempt: attempt++ }), { codec, secretKey: key });
        for (const p of pages) await sink.add(0, p);
        const [file] = (await sink.finish()) as [ExchangeFile];
        expect(await collect(ex.read([file], { queryId: 'q1', secretKey: key }))).to.deep.equal(pages);
        const raw = await backend.readRaw(file.uri);
        expect(raw[4], `${codec} header`).to.equal({ NONE: 0, LZ4: 1, ZSTD: 2 }[codec]);
        expect(raw[5], 'encrypted flag').to.equal(key ? 1 : 0);
        if (codec !== 'NONE') expect(file.bytes).to.be.lessThan(plainBytes / 10);
      }
    }
    const zstdByDefault = manager({ 'exchange.compression-codec': 'ZSTD' });
    const [file] = (await write(zstdByDefault, { queryId: 'q3' }, ['defaults to the configured codec'])) as [
      ExchangeFile,
    ];
    expect((await backend.readRaw(file.uri))[4]).to.equal(2);
  });

  it('spreads the tasks of an exchange over the base directories round-robin, within one file of even', async () => {
    const ex = manager();
    for (let t = 0; t < 9; t++)
      await write(ex, { exchangeId: 's2', exchangeOrdinal: 2, taskPartition: t }, ['x']);
    const files = await backend.listAll();
    const per = backend.bases.map((b) => files.filter((u) => u.startsWith(`${b}/`)).length);
    expect(per.reduce((a, b) => a + b)).to.equal(9);
    expect(Math.abs(per[0]! - per[1]!)).to.be.at.most(1);
    const [first] = await write(ex, { exchangeId: 's3', exchangeOrdinal: 3, taskPartition: 0 }, ['y']);
    const [previous] = await write(ex, { exchangeId: 's4', exchangeOrdinal: 2, taskPartition: 0 }, ['z']);
    const baseOf = (u: string) => backend.bases.findIndex((b) => u.startsWith(`${b}/`));
    expect(baseOf(first!.uri)).to.not.equal(baseOf(previous!.uri)); // each exchange starts one further along
  });

  it('gc removes whole queries whose newest file is older than the limit, and nothing else', async function () {
    this.timeout(15_000);
    const ex = manager();
    for (let t = 0; t < 4; t++) await write(ex, { queryId: 'q_old', taskPartition: t }, ['old']);
    const foreign = `${backend.bases[0]}/notes/readme.txt`;
    await backend.writeRaw(foreign, Buffer.from('not the exchange’s'));
    const writtenOld = Date.now();
    await sleep(2100); // S3 keeps modification times to the second
    for (let t = 0; t < 4; t++) await write(ex, { queryId: 'q_new', taskPartition: t }, ['new']);
    const report = await ex.gc(Date.now() - (writtenOld + 1000));
    expect(report.removed.map((r) => [r.queryId, r.files])).to.deep.equal([['q_old', 4]]);
    expect(report.kept).to.equal(1);
    const left = await backend.listAll();
    expect(left.filter((u) => u.includes('/q_old/'))).to.deep.equal([]);
    expect(left.filter((u) => u.includes('/q_new/'))).to.have.length(4);
    expect(left).to.include(foreign);
    expect((await ex.gc(0, { now: Date.now() + 60_000 })).removed.map((r) => r.queryId)).to.deep.equal([
      'q_new',
    ]);
    expect(await backend.listAll()).to.deep.equal([foreign]);
  });
}

async function collect(it: AsyncIterable<Uint8Array>): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for await (const p of it) out.push(Buffer.from(p));
  return out;
}

async function strings(it: AsyncIterable<Uint8Array>): Promise<string[]> {
  return (await collect(it)).map((b) => b.toString());
}

async function failure(p: Promise<unknown>): Promise<QuarryError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e, 'expected a failure').to.be.instanceOf(QuarryError);
  return e as QuarryError;
}

function sha(b: Uint8Array): string {
  return createHash('sha256').update(b).digest('hex');
}
