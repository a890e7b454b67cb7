import { expect } from 'chai';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LocalStorage } from '../src/index.js';
import { failure, storageContract } from './contract.js';
import { localStorageBackend } from './support.js';

describe('storage contract: local directories', () => storageContract(async () => localStorageBackend()));
describe('storage contract: local directories, synchronous I/O (task threads)', () =>
  storageContract(async () => localStorageBackend(true)));

describe('local storage specifics', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'quarry-storage-local-'))));
  afterEach(() => {
    chmodSync(dir, 0o700);
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses at start-up a directory that cannot be made or written, naming it', async function () {
    const storage = new LocalStorage();
    const file = join(dir, 'a-file');
    writeFileSync(file, 'not a directory');
    const e = await failure(storage.checkDirectory(pathToFileURL(join(file, 'exchange')).href));
    expect([e.code, e.type]).to.deep.equal(['STORAGE_UNAVAILABLE', 'EXTERNAL']);
    expect(e.message).to.include(join(file, 'exchange'));
    if (process.getuid?.() === 0) return; // root writes whatever the mode says
    chmodSync(dir, 0o500);
    const readOnly = await failure(storage.checkDirectory(pathToFileURL(dir).href));
    expect(readOnly.code).to.equal('STORAGE_UNAVAILABLE');
  });

  it('writes again into a directory deleted after it made it (the made-directory cache heals)', async () => {
    const storage = new LocalStorage(true);
    const base = join(dir, 'q', 's1');
    const write = async (name: string, text: string) => {
      const w = storage.createFile(pathToFileURL(join(base, name)).href);
      await w.write(Buffer.from(text));
      await w.finish();
    };
    await write('a', 'first');
    await storage.deleteRecursively([pathToFileURL(join(dir, 'q')).href]);
    await write('b', 'second');
    expect(
      Buffer.from(await storage.readRange(pathToFileURL(join(base, 'b')).href, 0, 6)).toString(),
    ).to.equal('second');
  });

  for (const syncIo of [false, true])
    it(`reads a small file as one chunk of its own size, a large one in chunks of at most 1 MB, an empty one as none${syncIo ? ' (synchronous I/O)' : ''}`, async () => {
      const storage = new LocalStorage(syncIo);
      const read = async (bytes: number) => {
        const path = join(dir, `f${bytes}-${syncIo}`);
        writeFileSync(path, Buffer.alloc(bytes, 7));
        const chunks: Uint8Array[] = [];
        for await (const c of storage.read(pathToFileURL(path).href)) chunks.push(c);
        return chunks.map((c) => c.length);
      };
      expect(await read(0)).to.deep.equal([]);
      expect(await read(100)).to.deep.equal([100]);
      expect(await read((1 << 20) * 2 + 5)).to.deep.equal([1 << 20, 1 << 20, 5]);
    });
});
