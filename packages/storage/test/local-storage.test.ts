import { expect } from 'chai';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LocalStorage } from '../src/index.js';
import { failure, storageContract } from './contract.js';
import { localStorageBackend } from './support.js';

describe('storage contract: local directories', () => storageContract(async () => localStorageBackend()));

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
});
