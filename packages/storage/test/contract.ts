import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { QuarryError } from '@quarry/common';
import type { ObjectStorage } from '../src/index.js';
import type { StorageBackend } from './support.js';

/**
 * The storage contract, run on every backend (`local-storage.test.ts`, `s3-storage.test.ts`):
 * what the exchange and the lake rely on, checked on the storage itself.
 */
export function storageContract(setup: () => Promise<StorageBackend>): void {
  let backend: StorageBackend;
  let storage: ObjectStorage;
  let dir: string;

  before(async () => {
    backend = await setup();
    storage = backend.storage;
  });
  beforeEach(() => (dir = backend.freshDir()));
  after(async () => backend?.close());

  const put = async (uri: string, bytes: Uint8Array | string): Promise<void> => {
    const w = storage.createFile(uri);
    await w.write(Buffer.from(bytes));
    await w.finish();
  };

  it('streams a file back as it was written, in bounded chunks, visible only once finished', async () => {
    const uri = `${dir}/a/b/big.bin`;
    const parts = [randomBytes(3 << 20), randomBytes(1000), randomBytes(2 << 20)];
    const w = storage.createFile(uri);
    for (const p of parts) await w.write(p);
    expect((await failure(readAll(storage, uri))).code).to.equal('EXCHANGE_IO_ERROR');
    await w.finish();
    const chunks: Uint8Array[] = [];
    for await (const c of storage.read(uri)) chunks.push(c);
    expect(Buffer.concat(chunks).equals(Buffer.concat(parts))).to.equal(true);
    expect(Math.max(...chunks.map((c) => c.length))).to.be.at.most(4 << 20);
    const empty = storage.createFile(`${dir}/empty.bin`);
    await empty.finish();
    expect((await readAll(storage, `${dir}/empty.bin`)).length).to.equal(0);
  });

  it('abort leaves nothing behind', async () => {
    const w = storage.createFile(`${dir}/gone.bin`);
    await w.write(randomBytes(1000));
    await w.abort();
    expect(await files(storage, dir)).to.deep.equal([]);
  });

  it('reads byte ranges: inside the file, running past its end, and empty', async () => {
    await put(`${dir}/r.bin`, '0123456789');
    const range = async (offset: number, length: number) =>
      Buffer.from(await storage.readRange(`${dir}/r.bin`, offset, length)).toString();
    expect(await range(3, 4)).to.equal('3456');
    expect(await range(8, 10)).to.equal('89');
    expect(await range(0, 0)).to.equal('');
  });

  it('creates exclusively: true for the creator; where honoured, false and unchanged for the next', async () => {
    const uri = `${dir}/v1.metadata.json`;
    expect(await storage.createExclusive(uri, Buffer.from('first'))).to.equal(true);
    expect((await readAll(storage, uri)).toString()).to.equal('first');
    if (!backend.honoursExclusiveCreate) return; // s3rver ignores If-None-Match (AWS S3 honours it)
    const racers = await Promise.all(
      Array.from({ length: 8 }, (_, i) => storage.createExclusive(`${dir}/race.json`, Buffer.from(`w${i}`))),
    );
    expect(racers.filter(Boolean)).to.have.length(1);
    expect((await readAll(storage, `${dir}/race.json`)).toString()).to.equal(`w${racers.indexOf(true)}`);
    expect(await storage.createExclusive(uri, Buffer.from('second'))).to.equal(false);
    expect((await readAll(storage, uri)).toString()).to.equal('first');
    expect((await storage.listDirectory(dir)).files.map((f) => f.uri).sort()).to.deep.equal(
      [`${dir}/race.json`, uri].sort(),
    ); // no leftovers of the written-aside copies
  });

  it('lists one level (directories by name, files with sizes) and recursively; a missing directory is empty', async () => {
    await put(`${dir}/top.json`, '{}');
    await put(`${dir}/b/x.bin`, 'xx');
    await put(`${dir}/a/y.bin`, 'yyy');
    await put(`${dir}/a/deeper/z.bin`, 'zzzz');
    const level = await storage.listDirectory(dir);
    expect(level.directories).to.deep.equal(['a', 'b']);
    expect(level.files.map((f) => [f.uri, f.bytes])).to.deep.equal([[`${dir}/top.json`, 2]]);
    expect(level.files[0]!.modified.getTime()).to.be.closeTo(Date.now(), 60_000);
    const all = [];
    for await (const f of storage.list(dir)) all.push([f.uri, f.bytes]);
    expect(all.sort()).to.deep.equal(
      [
        [`${dir}/a/deeper/z.bin`, 4],
        [`${dir}/a/y.bin`, 3],
        [`${dir}/b/x.bin`, 2],
        [`${dir}/top.json`, 2],
      ].sort(),
    );
    expect(await storage.listDirectory(`${dir}/nothing`)).to.deep.equal({ directories: [], files: [] });
    expect(await files(storage, `${dir}/nothing`)).to.deep.equal([]);
  });

  it('deletes files and whole directories; missing ones are no error; a sibling sharing a name prefix stays', async () => {
    await put(`${dir}/q1/s1/a.bin`, 'a');
    await put(`${dir}/q1/s2/b.bin`, 'b');
    await put(`${dir}/q10/s1/c.bin`, 'c');
    await put(`${dir}/keep.json`, 'k');
    await put(`${dir}/drop.json`, 'd');
    await storage.deleteFiles([`${dir}/drop.json`, `${dir}/never.json`]);
    await storage.deleteRecursively([`${dir}/q1`, `${dir}/missing`]);
    expect(await files(storage, dir)).to.deep.equal([`${dir}/keep.json`, `${dir}/q10/s1/c.bin`]);
  });

  it('names the file when reading one that does not exist', async () => {
    const e = await failure(readAll(storage, `${dir}/absent.bin`));
    expect([e.code, e.type]).to.deep.equal(['EXCHANGE_IO_ERROR', 'EXTERNAL']);
    expect(e.message).to.include('absent.bin');
  });

  it('checks a usable directory at start-up without leaving anything in it', async () => {
    await storage.checkDirectory(dir);
    expect(await files(storage, dir)).to.deep.equal([]);
  });
}

export async function readAll(storage: ObjectStorage, uri: string): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const c of storage.read(uri)) chunks.push(c);
  return Buffer.concat(chunks);
}

async function files(storage: ObjectStorage, dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const f of storage.list(dir)) out.push(f.uri);
  return out.sort();
}

export async function failure(p: Promise<unknown>): Promise<QuarryError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e, 'expected a failure').to.be.instanceOf(QuarryError);
  return e as QuarryError;
}
