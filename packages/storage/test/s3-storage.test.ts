import { expect } from 'chai';
import { createServer } from 'node:net';
import type { TestS3 } from '@quarry/testkit';
import { createS3Client, S3Storage, type S3Settings } from '../src/index.js';
import { failure, storageContract } from './contract.js';
import { s3Settings, s3StorageBackend } from './support.js';

describe('storage on S3 (s3rver)', function () {
  this.timeout(30_000);
  let backend: Awaited<ReturnType<typeof s3StorageBackend>>;
  before(async () => {
    backend = await s3StorageBackend();
  });
  after(async () => backend?.close());

  describe('contract', () => storageContract(async () => ({ ...backend, close: async () => {} })));

  describe('errors that cannot heal: STORAGE_UNAVAILABLE at once, naming bucket and endpoint', () => {
    let s3: TestS3;
    before(() => (s3 = backend.s3));

    /** Storage with these settings, counting the HTTP requests it sends. */
    const counted = (overrides: Partial<S3Settings>) => {
      const settings = s3Settings(s3, { maxErrorRetries: 10, ...overrides });
      const client = createS3Client(settings);
      const sent = { n: 0 };
      client.middlewareStack.add(
        (next) => async (args) => {
          sent.n++;
          return next(args);
        },
        { step: 'finalizeRequest', name: 'countRequests' },
      );
      return { storage: new S3Storage(settings, client), sent };
    };

    it('a bucket that does not exist: one request, at start-up and on any write', async () => {
      const { storage, sent } = counted({});
      const e = await failure(storage.checkDirectory('s3://quarry-no-such-bucket/spool'));
      expect([e.code, e.type]).to.deep.equal(['STORAGE_UNAVAILABLE', 'EXTERNAL']);
      expect(e.message).to.include('s3://quarry-no-such-bucket').and.include('NoSuchBucket');
      expect(e.message).to.include(s3.endpoint);
      expect(sent.n).to.equal(1);
      const w = storage.createFile('s3://quarry-no-such-bucket/spool/x.bin');
      await w.write(Buffer.from('x'));
      expect((await failure(w.finish())).code).to.equal('STORAGE_UNAVAILABLE');
      expect(sent.n).to.equal(2);
      await storage.close();
    });

    it('credentials the server does not know: one request, and the secret never shows', async () => {
      // s3rver checks the access key id, not version 4 signatures: an unknown id stands for bad credentials
      const secret = 'very-secret-key-0123456789';
      const { storage, sent } = counted({ awsAccessKey: 'AKIAUNKNOWN', awsSecretKey: secret });
      const e = await failure(storage.checkDirectory('s3://quarry-storage/spool'));
      expect(e.code).to.equal('STORAGE_UNAVAILABLE');
      expect(e.message).to.include('InvalidAccessKeyId').and.include('quarry-storage');
      expect(e.message).to.not.include(secret);
      expect(JSON.stringify(e.toData())).to.not.include(secret);
      expect(sent.n).to.equal(1);
      await storage.close();
    });

    it('an endpoint host that does not resolve: one request, naming the endpoint', async () => {
      const endpoint = 'http://quarry-no-such-host.invalid:9000';
      const { storage, sent } = counted({ endpoint });
      const started = Date.now();
      const e = await failure(storage.checkDirectory('s3://quarry-storage/spool'));
      expect(e.code).to.equal('STORAGE_UNAVAILABLE');
      expect(e.message)
        .to.include(endpoint)
        .and.match(/ENOTFOUND|EAI_AGAIN/);
      expect(sent.n).to.equal(1);
      expect(Date.now() - started).to.be.below(10_000);
      await storage.close();
    });

    it('while a refused connection, which may heal, is still retried', async () => {
      const port = await closedPort();
      const { storage, sent } = counted({ endpoint: `http://127.0.0.1:${port}`, maxErrorRetries: 2 });
      const e = await failure(storage.checkDirectory('s3://quarry-storage/spool'));
      expect(e.code).to.equal('EXCHANGE_IO_ERROR');
      expect(e.message).to.include('3 attempts');
      expect(sent.n).to.equal(3);
      await storage.close();
    });
  });
});

/** A port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}
