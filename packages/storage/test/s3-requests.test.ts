import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { startS3, type TestS3 } from '@quarry/testkit';
import { S3Storage, type S3Settings } from '../src/index.js';
import { failure, readAll } from './contract.js';
import { S3Proxy } from './s3-proxy.js';
import { s3Settings } from './support.js';

/** What S3 storage sends, seen through a recording, fault-injecting proxy in front of s3rver. */
describe('S3 storage requests (s3rver behind a proxy)', function () {
  this.timeout(30_000);
  let s3: TestS3;
  let proxy: S3Proxy & { endpoint: string };
  const open: S3Storage[] = [];
  const storage = (overrides: Partial<S3Settings> = {}): S3Storage => {
    const s = S3Storage.fromSettings(s3Settings(s3, { endpoint: proxy.endpoint, ...overrides }));
    open.push(s);
    return s;
  };
  const put = async (st: S3Storage, uri: string, parts: readonly Buffer[]): Promise<void> => {
    const w = st.createFile(uri);
    for (const p of parts) await w.write(p);
    await w.finish();
  };

  before(async () => {
    s3 = await startS3({ buckets: ['quarry-requests'] });
  });
  after(async () => s3?.stop());
  beforeEach(async () => {
    proxy = await S3Proxy.start(s3.endpoint);
  });
  afterEach(async () => {
    proxy.fault = () => 'pass';
    await Promise.all(open.splice(0).map(async (s) => s.close()));
    const cleaner = S3Storage.fromSettings(s3Settings(s3));
    await cleaner.deleteRecursively(['s3://quarry-requests/t']);
    await cleaner.close();
    await proxy.stop();
  });

  it('sends a small file as one PutObject and a large one as a multipart upload of part-size parts', async () => {
    const st = storage();
    await put(st, 's3://quarry-requests/t/small.bin', [Buffer.from('small')]);
    const parts = Array.from({ length: 12 }, () => randomBytes(1 << 20));
    await put(st, 's3://quarry-requests/t/large.bin', parts);
    expect(proxy.count('POST', /\?uploads/)).to.equal(1);
    expect(proxy.count('PUT', /partNumber=/)).to.equal(3); // 12 MB in 5 MB parts
    expect(proxy.count('POST', /uploadId=/)).to.equal(1);
    expect(proxy.requests.filter((r) => r.method === 'PUT' && !r.url.includes('partNumber'))).to.have.length(
      1,
    );
    expect((await readAll(st, 's3://quarry-requests/t/large.bin')).equals(Buffer.concat(parts))).to.equal(
      true,
    );
  });

  it('aborts the multipart upload of a file in progress', async () => {
    const st = storage();
    const w = st.createFile('s3://quarry-requests/t/aborted.bin');
    await w.write(randomBytes(6 << 20)); // past one part: the upload has begun
    await w.write(randomBytes(1 << 20));
    await w.abort();
    expect(proxy.count('POST', /\?uploads/)).to.equal(1);
    expect(proxy.count('DELETE', /uploadId=/)).to.equal(1);
    expect((await st.listDirectory('s3://quarry-requests/t')).files).to.deep.equal([]);
  });

  it('retries 503 SlowDown, connection resets and a reset mid-body, resuming the read where it broke', async () => {
    const st = storage({ maxErrorRetries: 4 });
    let gets = 0;
    proxy.fault = (req, n) => {
      if (req.method === 'GET' && !req.url.includes('list-type'))
        return gets++ === 0 ? 'reset-mid-body' : 'pass';
      return n % 3 === 1 ? 'slowdown' : n % 3 === 2 ? 'reset' : 'pass';
    };
    const files = ['a', 'b'].map((n) => `s3://quarry-requests/t/${n}.bin`);
    const contents = files.map(() => Array.from({ length: 4 }, () => randomBytes(1 << 20)));
    for (const [i, uri] of files.entries()) await put(st, uri, contents[i]!);
    for (const [i, uri] of files.entries())
      expect((await readAll(st, uri)).equals(Buffer.concat(contents[i]!))).to.equal(true);
    expect(gets).to.be.greaterThan(files.length); // one read was resumed with a ranged GET
  });

  it('gives up after max-error-retries with an EXTERNAL error naming the bucket and key', async () => {
    const st = storage({ maxErrorRetries: 2 });
    proxy.fault = () => 'slowdown';
    const e = await failure(put(st, 's3://quarry-requests/t/x.bin', [Buffer.from('x')]));
    expect([e.code, e.type]).to.deep.equal(['EXCHANGE_IO_ERROR', 'EXTERNAL']);
    expect(e.message).to.include('S3 PutObject s3://quarry-requests/t/x.bin failed: SlowDown');
    expect(e.message).to.include('HTTP 503, 3 attempts');
    expect(proxy.requests).to.have.length(3);
  });

  it('deletes in batches of at most 1000 keys and lists past one page of 1000', async () => {
    const client = new S3Client({
      endpoint: s3.endpoint,
      region: s3.region,
      forcePathStyle: true,
      credentials: { accessKeyId: s3.accessKey, secretAccessKey: s3.secretKey },
    });
    const keys = Array.from({ length: 1100 }, (_, i) => `t/many/${i}.bin`);
    for (let i = 0; i < keys.length; i += 50) {
      await Promise.all(
        keys
          .slice(i, i + 50)
          .map((Key) => client.send(new PutObjectCommand({ Bucket: 'quarry-requests', Key, Body: 'x' }))),
      );
    }
    client.destroy();
    const st = storage();
    let listed = 0;
    for await (const _ of st.list('s3://quarry-requests/t/many')) listed++;
    expect(listed).to.equal(1100);
    expect(proxy.count('GET', /list-type=2/)).to.equal(2);
    await st.deleteRecursively(['s3://quarry-requests/t/many']);
    // s3rver sometimes answers a DeleteObjects with a 500 (a race in its own files): retried
    const deletes = proxy.requests.filter((r) => r.method === 'POST' && r.url.includes('?delete'));
    const keysIn = (body = '') => body.split('<Key>').length - 1;
    expect(deletes.every((r) => keysIn(r.body) <= 1000)).to.equal(true);
    const done = deletes.filter((r) => r.status === 200);
    expect(done.map((r) => keysIn(r.body)).sort((a, b) => a - b)).to.deep.equal([100, 1000]);
    expect((await st.listDirectory('s3://quarry-requests/t/many')).files).to.deep.equal([]);
  });
});
