import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { QuarryError } from '@quarry/common';
import { startS3, type TestS3 } from '@quarry/testkit';
import {
  checkExchange,
  createExchangeManager,
  exchangeConfigFromProperties,
  type ExchangeFile,
  type ExchangeManager,
  type SinkId,
} from '../src/index.js';
import { exchangeContract } from './contract.js';
import { s3Backend, type Backend } from './support/backends.js';
import { S3Proxy } from './support/s3-proxy.js';

describe('exchange on S3 (s3rver, two buckets)', function () {
  this.timeout(30_000);
  let s3: TestS3;
  before(async () => {
    s3 = await startS3({ buckets: ['quarry-spool-1', 'quarry-spool-2', 'quarry-other'] });
  });
  after(async () => s3?.stop());

  describe('contract', () => exchangeContract(async () => s3Backend(s3)));

  describe('S3 specifics', () => {
    let proxy: S3Proxy & { endpoint: string };
    let backend: Backend;
    const managers: ExchangeManager[] = [];
    const manager = (overrides: Record<string, string> = {}) => {
      const m = createExchangeManager(exchangeConfigFromProperties(backend.properties(overrides)));
      managers.push(m);
      return m;
    };
    const id = (over: Partial<SinkId> = {}): SinkId => ({
      queryId: 'q1',
      exchangeId: 's1',
      exchangeOrdinal: 0,
      taskPartition: 0,
      attempt: 0,
      partitionCount: 1,
      ...over,
    });
    const readAll = async (ex: ExchangeManager, files: readonly ExchangeFile[]) => {
      const out: Buffer[] = [];
      for await (const p of ex.read(files, { queryId: 'q1' })) out.push(Buffer.from(p));
      return out;
    };

    beforeEach(async () => {
      proxy = await S3Proxy.start(s3.endpoint);
      backend = s3Backend(s3, proxy.endpoint);
    });
    afterEach(async () => {
      await Promise.all(managers.splice(0).map((m) => m.close()));
      await backend.clear();
      await backend.close();
      await proxy.stop();
    });

    it('sends a small file as one PutObject and a large one as a multipart upload of part-size parts', async () => {
      const ex = manager();
      const sink = ex.createSink(id({ partitionCount: 2 }));
      await sink.add(0, Buffer.from('small'));
      for (let i = 0; i < 12; i++) await sink.add(1, randomBytes(1 << 20));
      const files = await sink.finish();
      expect(proxy.count('POST', /\?uploads/)).to.equal(1);
      expect(proxy.count('PUT', /partNumber=/)).to.equal(3); // 12 MB in 5 MB parts
      expect(proxy.count('POST', /uploadId=/)).to.equal(1);
      expect(
        proxy.requests.filter((r) => r.method === 'PUT' && !r.url.includes('partNumber')),
      ).to.have.length(1);
      const pages = await readAll(
        ex,
        files.filter((f) => f.partition === 1),
      );
      expect(pages.map((p) => p.length)).to.deep.equal(Array(12).fill(1 << 20));
    });

    it('aborts the multipart upload of a file in progress when the sink is aborted', async () => {
      const sink = manager().createSink(id());
      await sink.add(0, randomBytes(6 << 20)); // past one part: the upload has begun
      await sink.add(0, randomBytes(1 << 20));
      await sink.abort();
      expect(proxy.count('POST', /\?uploads/)).to.equal(1);
      expect(proxy.count('DELETE', /uploadId=/)).to.equal(1);
      expect(await backend.listAll()).to.deep.equal([]);
    });

    it('spreads the keys of one query over shard prefixes, so no single prefix is hot', async () => {
      const ex = manager();
      for (let t = 0; t < 32; t++) {
        const sink = ex.createSink(id({ taskPartition: t }));
        await sink.add(0, Buffer.from('x'));
        await sink.finish();
      }
      const keys = await backend.listAll();
      const shards = new Set(
        keys.map((u) => /^s3:\/\/[^/]+\/(?:spool\/)?([0-9a-f])\/q1\/s1\/\d+\.0\/0\.0\.qx$/.exec(u)?.[1]),
      );
      expect(shards.has(undefined)).to.equal(false);
      expect(shards.size).to.be.at.least(8);
      await ex.deleteQuery('q1');
      expect(await backend.listAll()).to.deep.equal([]);
    });

    it('retries 503 SlowDown, connection resets and a reset mid-body, resuming the read where it broke', async () => {
      const ex = manager({ 'exchange.s3.max-error-retries': '4' });
      let gets = 0;
      proxy.fault = (req, n) => {
        if (req.method === 'GET' && !req.url.includes('list-type'))
          return gets++ === 0 ? 'reset-mid-body' : 'pass';
        return n % 3 === 1 ? 'slowdown' : n % 3 === 2 ? 'reset' : 'pass';
      };
      const sink = ex.createSink(id({ partitionCount: 2 }));
      const pages = Array.from({ length: 8 }, () => randomBytes(1 << 20));
      for (const [i, p] of pages.entries()) await sink.add(i % 2, p);
      const files = await sink.finish();
      expect(await readAll(ex, files)).to.deep.equal([
        ...pages.filter((_, i) => i % 2 === 0),
        ...pages.filter((_, i) => i % 2 === 1),
      ]);
      expect(proxy.requests.some((r) => r.method === 'GET')).to.equal(true);
      expect(gets).to.be.greaterThan(files.length); // one read was resumed with a ranged GET
      proxy.fault = () => 'pass';
      await ex.deleteQuery('q1');
      expect(await backend.listAll()).to.deep.equal([]);
    });

    it('gives up after max-error-retries with an EXTERNAL error naming the bucket and key', async () => {
      const ex = manager({ 'exchange.s3.max-error-retries': '2' });
      proxy.fault = () => 'slowdown';
      const sink = ex.createSink(id());
      await sink.add(0, Buffer.from('x'));
      const e = (await sink.finish().catch((x: unknown) => x)) as QuarryError;
      expect(e).to.be.instanceOf(QuarryError);
      expect([e.code, e.type]).to.deep.equal(['EXCHANGE_IO_ERROR', 'EXTERNAL']);
      expect(e.message).to.match(
        /S3 PutObject s3:\/\/quarry-spool-\d\/.*q1\/s1\/0\.0\/0\.0\.qx failed: SlowDown/,
      );
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
      const keys = Array.from({ length: 1100 }, (_, i) => `spool/3/q7/s1/${i}.0/0.0.qx`);
      for (let i = 0; i < keys.length; i += 50) {
        await Promise.all(
          keys
            .slice(i, i + 50)
            .map((Key) => client.send(new PutObjectCommand({ Bucket: 'quarry-spool-1', Key, Body: 'x' }))),
        );
      }
      client.destroy();
      const ex = manager();
      const report = await ex.gc(0, { now: Date.now() + 60_000 });
      expect(report.removed.map((r) => [r.queryId, r.files])).to.deep.equal([['q7', 1100]]);
      expect(proxy.count('GET', /list-type=2/)).to.be.at.least(2 + 1); // the bucket prefix paged, then the removal's listing
      // s3rver sometimes answers a DeleteObjects with a 500 (a race in its own files): retried
      const deletes = proxy.requests.filter((r) => r.method === 'POST' && r.url.includes('?delete'));
      const keysIn = (body = '') => body.split('<Key>').length - 1;
      expect(deletes.every((r) => keysIn(r.body) <= 1000)).to.equal(true);
      const done = deletes.filter((r) => r.status === 200);
      expect(done.map((r) => keysIn(r.body)).sort((a, b) => a - b)).to.deep.equal([100, 1000]);
      expect(await backend.listAll()).to.deep.equal([]);
    });

    it('reads no file of another bucket, another prefix or another query, even a well-formed one', async () => {
      const ex = manager();
      const sink = ex.createSink(id());
      await sink.add(0, Buffer.from('the real page'));
      const [good] = (await sink.finish()) as [ExchangeFile];
      const key = good.uri.replace(/^s3:\/\/[^/]+\/(spool\/)?/, '');
      const copies = [
        `s3://quarry-other/${key}`,
        `s3://quarry-spool-1/elsewhere/${key}`,
        `s3://quarry-spool-1/spool/${key.replace('/q1/', '/q2/')}`,
        `s3://quarry-spool-1/spool/x/../${key}`,
        `s3://quarry-spool-1/spool%2F${key}`,
      ];
      const bytes = await backend.readRaw(good.uri);
      const raw = new S3Client({
        endpoint: s3.endpoint,
        region: s3.region,
        forcePathStyle: true,
        credentials: { accessKeyId: s3.accessKey, secretAccessKey: s3.secretKey },
      });
      for (const uri of copies.slice(0, 3)) {
        const [, bucket, objectKey] = /^s3:\/\/([^/]+)\/(.*)$/.exec(uri)!;
        await raw.send(new PutObjectCommand({ Bucket: bucket, Key: objectKey, Body: bytes }));
      }
      raw.destroy();
      for (const uri of copies) {
        const e = (await readAll(ex, [{ ...good, uri }]).catch((x: unknown) => x)) as QuarryError;
        expect(e, uri).to.be.instanceOf(QuarryError);
        expect([e.code, uri]).to.deep.equal(['ACCESS_DENIED', uri]);
      }
      expect((await readAll(ex, [good])).map(String)).to.deep.equal(['the real page']);
    });

    it('a bucket that does not exist stops the start at once, naming it', async () => {
      const config = exchangeConfigFromProperties(
        s3.exchangeProperties({
          'exchange.base-directories': 's3://quarry-spool-1, s3://quarry-missing-bucket/spool',
          'exchange.s3.endpoint': proxy.endpoint,
          'exchange.s3.max-error-retries': '10',
        }),
      );
      const e = (await checkExchange(config).catch((x: unknown) => x)) as QuarryError;
      expect([e.code, e.type]).to.deep.equal(['STORAGE_UNAVAILABLE', 'EXTERNAL']);
      expect(e.message).to.include("bucket 'quarry-missing-bucket'").and.include('NoSuchBucket');
      const checks = proxy.requests.filter((r) => r.url.includes('quarry-missing-bucket'));
      expect(checks).to.have.length(1); // not retried
      await checkExchange(exchangeConfigFromProperties(backend.properties())); // the real buckets pass
    });

    it('never shows the credentials: wrong ones fail with an error that names the bucket, not the secret', async () => {
      // s3rver checks the access key id, not version 4 signatures: an unknown id stands for bad credentials
      const secret = 'very-secret-key-0123456789';
      const ex = manager({
        'exchange.s3.aws-access-key': 'AKIAUNKNOWN',
        'exchange.s3.aws-secret-key': secret,
      });
      const sink = ex.createSink(id());
      await sink.add(0, Buffer.from('x'));
      const e = (await sink.finish().catch((x: unknown) => x)) as QuarryError;
      expect(e.code).to.equal('STORAGE_UNAVAILABLE'); // not retried: credentials do not heal
      expect(e.message).to.match(/s3:\/\/quarry-spool-\d/);
      expect(e.message).to.include('InvalidAccessKeyId').and.not.include(secret);
      expect(JSON.stringify(e.toData())).to.not.include(secret);
    });
  });
});
