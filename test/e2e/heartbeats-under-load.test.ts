import { expect } from 'chai';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { LocalCluster } from '@quarry/cli';
import type { Heartbeat } from '@quarry/cluster-protocol';
import type { QueryEvent } from '@quarry/protocol';
import { decode } from '@quarry/runtime';
import { EventCollector, startProcessCluster } from '@quarry/testkit';

/**
 * CPU-heavy tasks never starve heartbeats: with every task slot of both workers busy generating and
 * filtering SF 1 lineitem (several seconds of full load on both cores), heartbeats keep their pace,
 * the failure detector (timeout 1 s, 4 heartbeat intervals) declares no one dead, and the query —
 * under retry policy NONE, where a lost worker would fail it — finishes.
 */
describe('heartbeats under full CPU load', function () {
  this.timeout(180_000);
  let cluster: LocalCluster;
  let nc: NatsConnection;
  let events: EventCollector;
  const gaps = new Map<string, number>();
  const last = new Map<string, number>();

  before(async () => {
    cluster = await startProcessCluster({
      workers: 2,
      slots: 2,
      prefix: 'load',
      env: { QUARRY_WORKER_HEARTBEAT_INTERVAL: '250ms', QUARRY_FAILURE_DETECTOR_HEARTBEAT_TIMEOUT: '1s' },
    });
    // heartbeats are an internal subject: only members may listen (the coordinator's NATS user)
    const member = cluster.natsUsers!.coordinator;
    nc = await connect({ servers: cluster.natsUrl, user: member.user, pass: member.password });
    nc.subscribe('load.worker.heartbeat', {
      callback: (_e, msg) => {
        const hb = decode(msg.data) as Heartbeat;
        const now = Date.now();
        const prev = last.get(hb.workerId);
        if (prev !== undefined && hb.runningTasks > 0)
          gaps.set(hb.workerId, Math.max(gaps.get(hb.workerId) ?? 0, now - prev));
        last.set(hb.workerId, now);
      },
    });
    events = await EventCollector.start(cluster.natsUrl, 'load');
  });

  after(async () => {
    await events?.close();
    await nc?.close();
    await cluster?.stop();
  });

  it('keeps every worker alive while all slots compute', async () => {
    const client = await import('@quarry/client').then((m) =>
      m.QuarryClient.connect({ servers: cluster.natsUrl, prefix: 'load' }),
    );
    // how late this process's own timers run meanwhile: what the machine's load alone costs anyone
    let ownLag = 0;
    let tickAt = Date.now();
    const lagTimer = setInterval(() => {
      const now = Date.now();
      ownLag = Math.max(ownLag, now - tickAt - 50);
      tickAt = now;
    }, 50);
    const started = Date.now();
    const result = await client.query(
      "select count(*), sum(l_extendedprice) from tpch.sf1.lineitem where l_comment like '%furiously%' or l_shipinstruct = 'NONE'",
    );
    const elapsed = Date.now() - started;
    clearInterval(lagTimer);
    await client.close();
    expect(result.rows.length).to.equal(1);
    expect(Number(result.rows[0]![0])).to.be.greaterThan(1_000_000);

    // the load was real: four tasks ran at once, for longer than several failure-detector timeouts
    const running = events
      .of(result.queryId)
      .filter((e): e is Extract<QueryEvent, { type: 'RUNNING' }> => e.type === 'RUNNING');
    expect(Math.max(...running.map((e) => e.progress.tasksRunning))).to.equal(4);
    expect(elapsed).to.be.greaterThan(3000);

    // and heartbeats kept coming: no gap near the 1 s timeout on either worker while tasks ran, beyond
    // what other processes on a busy machine cost every process (this one's own timer lag)
    expect([...gaps.keys()].sort()).to.deep.equal(['worker-1', 'worker-2']);
    for (const [worker, gap] of gaps)
      expect(gap, `largest heartbeat gap of ${worker} (own timer lag ${ownLag} ms)`).to.be.lessThan(
        750 + ownLag,
      );
    const info = await cluster.info();
    expect(info?.workers.map((w) => w.workerId).sort()).to.deep.equal(['worker-1', 'worker-2']);
  });
});
