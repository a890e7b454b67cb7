import { expect } from 'chai';
import { crc32 } from 'node:zlib';
import { QuarryError } from '@quarry/common';
import { ByteQueue } from '../src/byte-queue.js';
import {
  FILE_FORMAT_VERSION,
  FRAME_HEADER_BYTES,
  HEADER_BYTES,
  encodeFrame,
  fileHeader,
  generateExchangeKey,
  readFrames,
  type FileEncoding,
} from '../src/index.js';

const URI = 'file:///tmp/q/s1/0.0/0.0.qx';

async function fileOf(pages: string[], encoding: FileEncoding): Promise<Buffer> {
  const parts = [fileHeader(encoding)];
  for (const [i, p] of pages.entries()) parts.push(...encodeFrame(Buffer.from(p), i, encoding));
  return Buffer.concat(parts);
}

async function* chunked(bytes: Buffer, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function readAll(bytes: Buffer, key?: Uint8Array, chunk = 1 << 20): Promise<string[]> {
  const out: string[] = [];
  for await (const p of readFrames(URI, chunked(bytes, chunk), { key })) out.push(Buffer.from(p).toString());
  return out;
}

async function failure(p: Promise<unknown>): Promise<QuarryError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).to.be.instanceOf(QuarryError);
  return e as QuarryError;
}

/** Frame i's offset in a file of frames. */
function frameAt(file: Buffer, i: number): { start: number; end: number } {
  let pos = HEADER_BYTES;
  for (let k = 0; ; k++) {
    const end = pos + FRAME_HEADER_BYTES + file.readUInt32LE(pos);
    if (k === i) return { start: pos, end };
    pos = end;
  }
}

describe('exchange file format', () => {
  it('writes a version 2 header: magic, version, codec, flags, key check', () => {
    const plain = fileHeader({ codec: 'ZSTD' });
    expect(plain.length).to.equal(HEADER_BYTES);
    expect([plain.subarray(0, 3).toString(), plain[3], plain[4], plain[5]]).to.deep.equal([
      'QXF',
      FILE_FORMAT_VERSION,
      2,
      0,
    ]);
    expect(plain.subarray(8).equals(Buffer.alloc(8))).to.equal(true);
    const key = generateExchangeKey();
    const encrypted = fileHeader({ codec: 'LZ4', key });
    expect([encrypted[4], encrypted[5]]).to.deep.equal([1, 1]);
    expect(encrypted.subarray(8).equals(Buffer.alloc(8))).to.equal(false);
    expect(encrypted.subarray(8).equals(fileHeader({ codec: 'NONE', key }).subarray(8))).to.equal(true);
  });

  it('reads frames whatever the chunking of the stream', async () => {
    const pages = ['a', 'bb', '', 'dddd'.repeat(1000)];
    for (const encoding of [
      { codec: 'NONE' },
      { codec: 'LZ4', key: generateExchangeKey() },
    ] as FileEncoding[]) {
      const file = await fileOf(pages, encoding);
      for (const size of [1, 7, 4096]) expect(await readAll(file, encoding.key, size)).to.deep.equal(pages);
    }
  });

  it('still reads version 1 files', async () => {
    const page = Buffer.from('written by version 1');
    const head = Buffer.alloc(12);
    head.writeUInt32LE(page.length, 0);
    head.writeUInt32LE(crc32(page), 4);
    head.writeUInt32LE(page.length, 8);
    const v1 = Buffer.concat([Buffer.from('QXF'), Buffer.from([1, 0, 0, 0, 0]), head, page]);
    expect(await readAll(v1)).to.deep.equal(['written by version 1']);
  });

  it('ties each encrypted frame to its position: reordered frames do not authenticate', async () => {
    const key = generateExchangeKey();
    const file = await fileOf(['page A', 'page B'], { codec: 'NONE', key });
    const [a, b] = [frameAt(file, 0), frameAt(file, 1)];
    const swapped = Buffer.concat([
      file.subarray(0, HEADER_BYTES),
      file.subarray(b.start, b.end),
      file.subarray(a.start, a.end),
    ]);
    const e = await failure(readAll(swapped, key));
    expect(e.message).to.include(URI).and.include('frame 0 does not authenticate');
  });

  it('authenticates the codec: a header altered to another codec is refused', async () => {
    const key = generateExchangeKey();
    const file = await fileOf(['some page'], { codec: 'NONE', key });
    file[4] = 2;
    const e = await failure(readAll(file, key));
    expect(e.code).to.equal('EXCHANGE_CORRUPTED');
    expect(e.message).to.include('does not authenticate');
  });

  it('refuses altered bytes whose checksum was fixed up, when encrypted', async () => {
    const key = generateExchangeKey();
    const file = await fileOf(['the real page'], { codec: 'NONE', key });
    const { start, end } = frameAt(file, 0);
    file[end - 20] = file[end - 20]! ^ 1;
    file.writeUInt32LE(crc32(file.subarray(start + FRAME_HEADER_BYTES, end)), start + 4);
    expect((await failure(readAll(file, key))).message).to.include('frame 0 does not authenticate');
  });

  it('refuses an LZ4 block that does not match the frame', async () => {
    const file = await fileOf(['x'.repeat(1000)], { codec: 'LZ4' });
    const { start, end } = frameAt(file, 0);
    file.fill(0xff, start + FRAME_HEADER_BYTES, start + FRAME_HEADER_BYTES + 8); // a literal run past the block
    file.writeUInt32LE(crc32(file.subarray(start + FRAME_HEADER_BYTES, end)), start + 4);
    const e = await failure(readAll(file));
    expect(e.message).to.include('frame 0 does not decompress as LZ4');
  });

  it('refuses other files and unknown versions, naming the file', async () => {
    expect((await failure(readAll(Buffer.from('PK\x03\x04 not ours')))).message).to.equal(
      `Corrupt exchange file ${URI}: not an exchange file`,
    );
    const v9 = fileHeader();
    v9[3] = 9;
    expect((await failure(readAll(v9))).message).to.include('unsupported exchange file version 9');
    expect((await failure(readAll(Buffer.from('QXF')))).message).to.include('shorter than its header');
  });

  it('takes only 32-byte keys', () => {
    expect(() => fileHeader({ codec: 'NONE', key: new Uint8Array(16) }))
      .to.throw('an exchange key has 32 bytes, not 16')
      .with.property('code', 'GENERIC_INTERNAL_ERROR');
  });
});

describe('byte queue', () => {
  it('takes and peeks pieces across chunks, copying only when a piece spans chunks', () => {
    const q = new ByteQueue();
    const first = Buffer.from('hello ');
    q.push(first);
    q.push(Buffer.from('wor'));
    q.push(new Uint8Array(0));
    q.push(Buffer.from('ld!'));
    expect(q.length).to.equal(12);
    expect(q.peek(8).toString()).to.equal('hello wo');
    const hello = q.take(5);
    expect(hello.buffer).to.equal(first.buffer); // no copy
    expect(q.take(5).toString()).to.equal(' worl');
    expect([q.length, q.take(2).toString(), q.length]).to.deep.equal([2, 'd!', 0]);
  });
});
