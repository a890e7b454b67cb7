import { expect } from 'chai';
import { QuarryError } from '@quarry/common';
import { Coordinator, coordinatorConfigFromProperties } from '@quarry/coordinator';
import { exchangeConfigFromProperties } from '@quarry/exchange';
import { startS3, type TestS3 } from '@quarry/testkit';
import { Worker, workerConfigFromProperties } from '@quarry/worker';

/**
 * A bucket that does not exist is found at start-up: coordinator and worker stop at once with
 * STORAGE_UNAVAILABLE naming it — before they connect to anything (the NATS and Redis addresses
 * here lead nowhere: were the check missing, they would fail on those instead).
 */
describe('start-up with an exchange bucket that does not exist', function () {
  this.timeout(30_000);
  let s3: TestS3;
  before(async () => {
    s3 = await startS3({ buckets: ['quarry-spool-1'] });
  });
  after(async () => s3?.stop());

  const base = () => ({
    servers: 'nats://127.0.0.1:1',
    prefix: 'quarry',
    exchange: exchangeConfigFromProperties(
      s3.exchangeProperties({
        'exchange.base-directories': 's3://quarry-spool-1, s3://quarry-no-such-bucket',
      }),
    ),
  });

  const failure = async (p: Promise<unknown>): Promise<QuarryError> => {
    const e = await p.then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(e, 'expected the start to fail').to.be.instanceOf(QuarryError);
    return e as QuarryError;
  };

  it('the coordinator refuses to start, naming the bucket', async () => {
    const config = coordinatorConfigFromProperties(
      { 'redis.url': 'redis://127.0.0.1:1' },
      { ...base(), exchangeConfigured: true },
    );
    const e = await failure(Coordinator.start(config));
    expect(e.code).to.equal('STORAGE_UNAVAILABLE');
    expect(e.message).to.include("bucket 'quarry-no-such-bucket'");
  });

  it('a worker refuses to start, naming the bucket', async () => {
    const e = await failure(Worker.start(workerConfigFromProperties({}, base())));
    expect(e.code).to.equal('STORAGE_UNAVAILABLE');
    expect(e.message).to.include("bucket 'quarry-no-such-bucket'");
  });
});
