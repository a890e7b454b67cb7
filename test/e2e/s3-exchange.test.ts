import { expect } from 'chai';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { randomSuffix } from '@quarry/common';
import { exchangeConfigFromProperties } from '@quarry/exchange';
import {
  startInProcessCluster,
  startS3,
  startServers,
  type InProcessCluster,
  type TestS3,
  type TestServers,
} from '@quarry/testkit';
import { parseFailureInjection } from '@quarry/worker';

const SQL =
  'select l_returnflag, l_linestatus, count(*) c, sum(l_extendedprice) p, avg(l_discount) d from tpch.tiny.lineitem group by 1, 2 order by 1, 2';

/**
 * A multi-stage query under retry policy TASK, spooling to two S3 buckets (s3rver) with LZ4 and
 * encryption, with a failure injected into a leaf task: the same rows as with the local exchange,
 * data spread over both buckets while it runs, and both buckets empty afterwards.
 */
describe('the exchange on two S3 buckets, end to end', function () {
  this.timeout(120_000);
  let servers: TestServers;
  let s3: TestS3;
  let local: InProcessCluster;
  let remote: InProcessCluster;
  let client: S3Client;

  before(async () => {
    servers = await startServers();
    s3 = await startS3();
    const injection = parseFailureInjection(
      'query=s3q_,stage=2,partition=0,attempt=0,when=midway,action=EXTERNAL;query=s3q_,stage=0,when=start,action=DELAY,ms=8000',
    );
    local = await startInProcessCluster({ workers: 2, servers });
    // every output spooled to the buckets (none kept inline): the files are what this test follows
    const exchange = exchangeConfigFromProperties({
      ...s3.exchangeProperties(),
      'exchange.sink-inline-max-size': '0B',
    });
    remote = await startInProcessCluster({
      workers: 2,
      servers,
      coordinator: {
        exchange,
        retry: {
          policy: 'TASK',
          queryRetryAttempts: 4,
          taskRetryAttemptsPerTask: 4,
          initialDelayMs: 50,
          maxDelayMs: 500,
          scaleFactor: 2,
        },
      },
      worker: { exchange, failureInjection: injection },
    });
    client = new S3Client({
      endpoint: s3.endpoint,
      region: s3.region,
      forcePathStyle: true,
      credentials: { accessKeyId: s3.accessKey, secretAccessKey: s3.secretKey },
    });
  });

  after(async () => {
    client?.destroy();
    await remote?.stop();
    await local?.stop();
    await s3?.stop();
    await servers?.stop();
  });

  const objects = async (bucket: string) =>
    (await client.send(new ListObjectsV2Command({ Bucket: bucket }))).Contents?.map((o) => o.Key!) ?? [];

  it('returns the rows of the local exchange, spreads data over both buckets, and leaves them empty', async () => {
    const expected = (await local.client.query(SQL, { session: { retry_policy: 'TASK' } })).rows;
    const queryId = `s3q_${randomSuffix(6)}`;
    const handle = await remote.client.submit(SQL, { queryId });
    // while the root task waits (injected delay of 8 s), the two lower stages' outputs are spooled:
    // poll until both buckets hold some (a loaded machine takes longer to get there)
    const seen = Date.now() + 8_000;
    let during: string[][];
    do {
      await new Promise((r) => setTimeout(r, 200));
      during = await Promise.all(s3.buckets.map(objects));
    } while (!during.every((keys) => keys.length > 0) && Date.now() < seen);
    expect(
      during.every((keys) => keys.length > 0),
      JSON.stringify(during),
    ).to.equal(true);
    expect(during.flat().every((k) => k.includes(queryId))).to.equal(true);
    const result = await handle.result();
    handle.close();
    expect(result.rows).to.deep.equal(expected);
    // the retried leaf task: one failure, one winner
    const events = [];
    for await (const e of (await remote.client.attach(queryId)).events()) events.push(e.type);
    expect(events.filter((t) => t === 'TASK_RETRYING')).to.have.length(1);
    // everything is deleted once the result was read (after a short grace period)
    const deadline = Date.now() + 20_000;
    let left: string[] = [];
    do {
      await new Promise((r) => setTimeout(r, 500));
      left = (await Promise.all(s3.buckets.map(objects))).flat();
    } while (left.length > 0 && Date.now() < deadline);
    expect(left).to.deep.equal([]);
  });
});
