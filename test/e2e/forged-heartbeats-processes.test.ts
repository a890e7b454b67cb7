import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { pack } from 'msgpackr';
import type { LocalCluster } from '@quarry/cli';
import { QuarryClient } from '@quarry/client';
import { Membership } from '@quarry/runtime';
import { startProcessCluster } from '@quarry/testkit';

/**
 * The attack of issue 12 as it was found, against `quarry local`'s processes (here by a member, whose
 * messages are signed: anyone else's are refused before they are even decoded): heartbeats published
 * as msgpack `{}`, as a bare number and with a numeric `workerId` killed the coordinator process
 * (TypeError in WorkerRegistry.list, from the cluster-load timer). Now its process lives on, logs
 * the drops once, and answers right.
 */
describe('forged heartbeats against a coordinator process', function () {
  this.timeout(120_000);
  let cluster: LocalCluster;
  let client: QuarryClient;
  let nc: NatsConnection;

  before(async () => {
    cluster = await startProcessCluster({ workers: 2, slots: 2, prefix: 'forged' });
    client = await QuarryClient.connect({ servers: cluster.natsUrl, prefix: 'forged' });
    // a member's NATS user: clients may not publish internal subjects at all
    const member = cluster.natsUsers!.worker;
    nc = await connect({ servers: cluster.natsUrl, user: member.user, pass: member.password });
  });

  after(async () => {
    await nc?.close();
    await client?.close();
    await cluster?.stop();
  });

  it('the coordinator survives, logs the drops once, and a query afterwards is right', async () => {
    const coordinator = cluster.coordinator!;
    // signed with the cluster's secret, as a buggy member would: they pass membership, and meet the schema
    const signer = new Membership({
      secret: cluster.sharedSecret,
      sender: 'worker-1',
      isInternal: () => true,
    });
    for (const m of [{}, 42, { workerId: 7, slots: 1 }]) {
      const bytes = pack(m);
      nc.publish('forged.worker.heartbeat', bytes, {
        headers: signer.sign('forged.worker.heartbeat', bytes),
      });
    }
    await nc.flush();
    // the cluster-load timer runs every second: let it run twice over what was published
    await new Promise((r) => setTimeout(r, 2500));
    expect(coordinator.process.exitCode, 'coordinator exit code').to.equal(null);
    expect(coordinator.process.signalCode, 'coordinator signal').to.equal(null);
    expect((await client.workers()).workers.length).to.equal(2);
    expect((await client.query('select count(*) from tpch.tiny.lineitem')).rows).to.deep.equal([[60175]]);
    const log = readFileSync(coordinator.logFile!, 'utf8');
    expect(log.match(/dropping invalid message/g) ?? []).to.have.length(1);
    expect(log).to.match(/Invalid heartbeat/);
  });
});
