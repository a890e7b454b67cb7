import { expect } from 'chai';
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

describe('exchange on S3 (s3rver, two buckets)', function () {
  this.timeout(30_000);
  let s3: TestS3;
  before(async () => {
    s3 = await startS3({ buckets: ['quarry-spool-1', 'quarry-spool-2', 'quarry-other'] });
  });
  after(async () => s3?.stop());

  describe('contract', () => exchangeContract(async () => s3Backend(s3)));

  describe('S3 specifics', () => {
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

    beforeEach(() => {
      backend = s3Backend(s3);
    });
    afterEach(async () => {
      await Promise.all(managers.splice(0).map((m) => m.close()));
      await backend.clear();
      await backend.close();
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
          'exchange.s3.max-error-retries': '10',
        }),
      );
      const e = (await checkExchange(config).catch((x: unknown) => x)) as QuarryError;
      expect([e.code, e.type]).to.deep.equal(['STORAGE_UNAVAILABLE', 'EXTERNAL']);
      expect(e.message).to.include("bucket 'quarry-missing-bucket'").and.include('NoSuchBucket');
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
