import { expect } from 'chai';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QuarryError } from '@quarry/common';
import { HEADER_BYTES, LocalSpillSpace, type SpillLimits } from '../src/index.js';

/** A limit on bytes held, as the worker's shared counters keep it. */
class Limit implements SpillLimits {
  held = 0;
  constructor(private readonly max: number) {}
  reserve(bytes: number): void {
    if (this.held + bytes > this.max) throw new QuarryError('EXCEEDED_SPILL_LIMIT', 'over');
    this.held += bytes;
  }
  release(bytes: number): void {
    this.held -= bytes;
  }
}

async function readAll(pages: AsyncIterable<Uint8Array>): Promise<string[]> {
  const out: string[] = [];
  for await (const p of pages) out.push(Buffer.from(p).toString());
  return out;
}

const text = (i: number) => `page ${i} `.repeat(200);

describe('local spill files', () => {
  let root: string;
  beforeEach(() => (root = mkdtempSync(join(tmpdir(), 'quarry-spill-test-'))));
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  for (const encrypted of [false, true]) {
    it(`round-trips pages LZ4-compressed${encrypted ? ' and encrypted' : ''}, counted against the limits`, async () => {
      const limits = new Limit(1 << 20);
      const space = new LocalSpillSpace({ directory: join(root, 'task'), codec: 'LZ4', encrypted, limits });
      const writer = space.create();
      for (let i = 0; i < 5; i++) await writer.write(Buffer.from(text(i)));
      const file = await writer.finish();
      expect(file.pages).to.equal(5);
      const raw = readFileSync(join(root, 'task', '1.qsp'));
      expect(raw.length).to.equal(file.bytes);
      // compressed: far fewer bytes than the 5 × 1.8 kB of repetitive text
      expect(file.bytes).to.be.lessThan(2000);
      expect(raw.includes(Buffer.from('page 3 page 3'))).to.equal(false);
      if (encrypted) expect(raw.includes(Buffer.from('page 3'))).to.equal(false);
      expect(limits.held).to.equal(file.bytes);
      expect(space.bytesWritten).to.equal(file.bytes);
      // read any number of times
      for (let r = 0; r < 2; r++) expect(await readAll(file.read())).to.deep.equal([0, 1, 2, 3, 4].map(text));
      await file.delete();
      await file.delete();
      expect(limits.held).to.equal(0);
      expect(readdirSync(join(root, 'task'))).to.deep.equal([]);
      await space.close();
      expect(existsSync(join(root, 'task'))).to.equal(false);
    });
  }

  it('a file without pages reads as none', async () => {
    const space = new LocalSpillSpace({ directory: join(root, 't'), codec: 'LZ4', encrypted: true });
    const file = await space.create().finish();
    expect(file.bytes).to.equal(HEADER_BYTES);
    expect(await readAll(file.read())).to.deep.equal([]);
    await space.close();
  });

  it('refuses a page past the limit without writing it, and gives everything back on close', async () => {
    const limits = new Limit(3000);
    const space = new LocalSpillSpace({
      directory: join(root, 't'),
      codec: 'NONE',
      encrypted: false,
      limits,
    });
    const writer = space.create();
    await writer.write(Buffer.alloc(1000, 1));
    const before = readFileSync(join(root, 't', '1.qsp')).length;
    const e = await writer.write(Buffer.alloc(5000, 2)).catch((x: unknown) => x);
    expect((e as QuarryError).code).to.equal('EXCEEDED_SPILL_LIMIT');
    expect(readFileSync(join(root, 't', '1.qsp')).length).to.equal(before);
    expect(limits.held).to.equal(before);
    // a second, unfinished file: close removes both and gives all bytes back
    await space.create().write(Buffer.alloc(100, 3));
    await space.close();
    expect(limits.held).to.equal(0);
    expect(existsSync(join(root, 't'))).to.equal(false);
    expect(() => space.create()).to.throw(/after close/);
  });

  it('a damaged file is EXCHANGE_CORRUPTED naming it', async () => {
    const space = new LocalSpillSpace({ directory: join(root, 't'), codec: 'LZ4', encrypted: true });
    const writer = space.create();
    await writer.write(Buffer.from(text(1)));
    const file = await writer.finish();
    const path = join(root, 't', '1.qsp');
    const bytes = readFileSync(path);
    bytes[bytes.length - 3] = bytes[bytes.length - 3]! ^ 0xff;
    writeFileSync(path, bytes);
    const e = (await readAll(file.read()).catch((x: unknown) => x)) as QuarryError;
    expect(e.code).to.equal('EXCHANGE_CORRUPTED');
    expect(e.message).to.contain(path);
    await space.close();
  });
});
