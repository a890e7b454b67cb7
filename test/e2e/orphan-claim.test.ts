import { createHash, createHmac, hkdfSync } from 'node:crypto';
import { expect } from 'chai';
import { QuarryError, randomSuffix } from '@quarry/common';
import { AttemptStore } from '@quarry/coordinator';
import {
  startInProcessCluster,
  startServers,
  type InProcessCluster,
  type TestServers,
} from '@quarry/testkit';

/**
 * The hash a coordinator stores for a query's capability, as docs/SECURITY.md describes it:
 * HMAC-SHA256 over `queryId ‖ 0 ‖ clientSecret` under a key derived from the shared secret.
 */
function capabilityHash(sharedSecret: string, queryId: string, clientSecret: string): string {
  const key = Buffer.from(hkdfSync('sha256', Buffer.from(sharedSecret), 'quarry', 'query capability', 32));
  const capability = createHmac('sha256', key).update(`${queryId}\0${clientSecret}`).digest('base64url');
  return createHash('sha256').update(capability).digest('hex');
}

function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([
    p,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms),
    ),
  ]);
}

/**
 * A leader that claimed a query id and then stood down before its record could be written (the
 * write was refused: a newer leader had taken over) leaves a claim with no query behind it. The
 * submitter's retry must run the query — not be told "already submitted" about a query that no
 * coordinator runs, and then wait for its events for ever. Anyone else's submission under that id
 * is still refused.
 */
describe('a query id claimed by a leader that stood down before recording it', function () {
  this.timeout(120_000);
  let servers: TestServers;
  let cluster: InProcessCluster;
  let store: AttemptStore;

  before(async () => {
    servers = await startServers();
    cluster = await startInProcessCluster({ servers, workers: 1 });
    store = AttemptStore.connect(servers.redis.url, cluster.prefix, 60);
  });

  after(async () => {
    await store?.close();
    await cluster?.stop();
    await servers?.stop();
  });

  it('runs on the submitter’s retry; another submitter is refused', async () => {
    const queryId = `orphan_${randomSuffix(8)}`;
    const clientSecret = `secret_${randomSuffix(12)}`;
    const claim = await store.claimQuery(
      queryId,
      capabilityHash(cluster.sharedSecret, queryId, clientSecret),
    );
    expect(claim.claimed, 'the deposed leader’s claim').to.equal(true);

    const result = await within(
      cluster.client.query('select count(*) from tpch.tiny.nation', { queryId, clientSecret }),
      60_000,
      'the retried submission',
    );
    expect(result.rows).to.deep.equal([[25]]);

    const other = `orphan_${randomSuffix(8)}`;
    await store.claimQuery(other, capabilityHash(cluster.sharedSecret, other, clientSecret));
    const refused = await cluster.client
      .query('select 1', { queryId: other, clientSecret: `secret_${randomSuffix(12)}` })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(refused).to.be.instanceOf(QuarryError);
    expect((refused as QuarryError).code).to.equal('ACCESS_DENIED');
  });
});
