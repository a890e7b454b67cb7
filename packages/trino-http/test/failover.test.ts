import { expect } from 'chai';
import { QuarryClient } from '@quarry/client';
import { silentLogger } from '@quarry/common';
import { startProcessCluster } from '@quarry/testkit';
import { TrinoHttpServer, trinoHttpConfigFromProperties } from '../src/index.js';
import { call, type ProcessCluster, type TrinoBody } from './ports.js';

describe('Trino client protocol across a coordinator failover', function () {
  this.timeout(240_000);
  let cluster: ProcessCluster;
  let gateway: TrinoHttpServer;

  before(async () => {
    cluster = await startProcessCluster({ workers: 2, slots: 2, coordinators: 2, prefix: 'trinofailover' });
    // the gateway as a standby coordinator process runs it: a NATS client of the cluster, in a
    // process that is not the leader's
    gateway = await TrinoHttpServer.start({
      config: trinoHttpConfigFromProperties({ 'http-server.http.port': '0' }),
      client: await QuarryClient.connect({ servers: cluster.natsUrl, prefix: 'trinofailover' }),
      sharedSecret: cluster.sharedSecret,
      logger: silentLogger(),
    });
  });

  after(async () => {
    await gateway?.stop();
    await cluster?.stop();
  });

  it('keeps an HTTP client polling through the death of the leader, to the exact result', async () => {
    const server = `http://127.0.0.1:${gateway.ports.http}`;
    const submitted = await call(`${server}/v1/statement`, {
      method: 'POST',
      body: 'select count(*), sum(a.l_quantity) from tpch.tiny.lineitem a cross join tpch.tiny.nation b',
      headers: { 'X-Trino-User': 'alice' },
    });
    expect(submitted.status).to.equal(200);
    let body: TrinoBody = submitted.body;
    const deadline = Date.now() + 180_000;
    while (body.nextUri && body.stats.state !== 'RUNNING' && Date.now() < deadline)
      body = (await call(body.nextUri)).body;
    expect(body.stats.state, 'the query runs before the leader dies').to.equal('RUNNING');
    const leader = await cluster.leader();
    expect(leader, 'a leader').to.not.equal(undefined);
    await leader!.kill();
    while (body.nextUri && Date.now() < deadline) body = (await call(body.nextUri)).body;
    expect(body.error).to.equal(undefined);
    expect(body.stats.state).to.equal('FINISHED');
    // 60 175 lineitems × 25 nations; l_quantity sums to 1 536 127 over the reference tiny lineitem
    expect(body.data).to.deep.equal([[60175 * 25, '38403175.00']]);
    const now = await cluster.leader();
    expect(now?.process.pid).to.not.equal(leader!.process.pid);
  });
});
