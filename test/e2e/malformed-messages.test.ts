import { expect } from 'chai';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { pack, unpack } from 'msgpackr';
import { randomSuffix } from '@quarry/common';
import type { QueryEvent } from '@quarry/protocol';
import { Membership } from '@quarry/runtime';
import { EventCollector, startInProcessCluster, type InProcessCluster } from '@quarry/testkit';
import { parseFailureInjection } from '@quarry/worker';

/** One sample of the coordinator's Prometheus text, e.g. `quarry_invalid_messages_total{subject="…"}`. */
function sample(text: string, name: string, subject: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(`subject="${subject}"`));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

/**
 * Malformed messages published by any NATS client, as issue 12 found them: a heartbeat that is `{}`,
 * a bare number, or has a numeric or wildcard `workerId` killed the coordinator (TypeError in
 * WorkerRegistry.list from the cluster-load timer); a task report whose `outputs` is not an array
 * hung the query. Now each is dropped and counted, and the cluster answers right.
 */
describe('forged and malformed messages on internal subjects', function () {
  this.timeout(90_000);
  let cluster: InProcessCluster;
  let nc: NatsConnection;
  let events: EventCollector;

  before(async () => {
    cluster = await startInProcessCluster({
      workers: 2,
      coordinator: { metricsPort: 0 },
      // tasks of the forged_ queries wait a little at start, so that a forged report can overtake them
      worker: { failureInjection: parseFailureInjection('query=forged_,when=start,action=DELAY,ms=1500') },
    });
    nc = await connect({ servers: cluster.servers.nats.url });
    events = await EventCollector.start(cluster.servers.nats.url, cluster.prefix);
  });

  after(async () => {
    await events?.close();
    await nc?.close();
    await cluster?.stop();
  });

  const subject = (address: string) => `${cluster.prefix}.${address}`;
  /**
   * Signed with the cluster's secret, as a buggy member would send them: messages on internal subjects
   * from anyone else are refused before they are decoded (test/e2e/forged-members.test.ts).
   */
  const signed = (subj: string, bytes: Uint8Array) => {
    const signer = new Membership({ secret: cluster.sharedSecret, sender: 'w1', isInternal: () => true });
    return { headers: signer.sign(subj, bytes) };
  };
  const publishSigned = (subj: string, bytes: Uint8Array) => nc.publish(subj, bytes, signed(subj, bytes));
  const scrape = async () =>
    (await fetch(`http://127.0.0.1:${cluster.coordinator.metricsPort}/metrics`)).text();
  const invalidCount = async (address: string) =>
    sample(await scrape(), 'quarry_invalid_messages_total', subject(address));

  it('heartbeats that are {}, a number, or name a numeric or wildcard worker leave the coordinator standing', async () => {
    const valid = {
      workerId: 'w1',
      incarnation: 'forged',
      seq: 1,
      slots: 2,
      runningTasks: 0,
      draining: false,
      host: 'h',
      pid: 1,
      rssBytes: 1,
      load: 0,
      tasks: [],
    };
    const forged = [
      {},
      42,
      { ...valid, workerId: 7 },
      { ...valid, workerId: '>' },
      { ...valid, workerId: 'a.b' },
    ];
    for (const m of forged) publishSigned(subject('worker.heartbeat'), pack(m));
    await nc.flush();
    // the cluster-load timer runs every second: let it run twice over what was published
    await new Promise((r) => setTimeout(r, 2500));
    expect(await invalidCount('worker.heartbeat')).to.equal(forged.length);
    const info = await cluster.client.workers();
    expect(info.workers.map((w) => w.workerId)).to.deep.equal(['w1', 'w2']);
    const load = await cluster.client.load();
    expect(load.workers).to.equal(2);
    expect(load.slots).to.equal(4);
    const r = await cluster.client.query('select count(*) from tpch.tiny.nation');
    expect(r.rows).to.deep.equal([[25]]);
  });

  it('a FINISHED report whose outputs are not an array is dropped; the query finishes right', async () => {
    const queryId = `forged_${randomSuffix(6)}`;
    const handle = await cluster.client.submit('select count(*) from tpch.tiny.lineitem', { queryId });
    try {
      const running = (await events.waitFor(
        (e) => e.queryId === queryId && e.type === 'RUNNING' && e.task?.state === 'RUNNING',
      )) as Extract<QueryEvent, { type: 'RUNNING' }>;
      const task = running.task!;
      const { state: _state, ...ref } = task;
      const before = await invalidCount('coordinator.task-status');
      publishSigned(
        subject('coordinator.task-status'),
        pack({ ...ref, queryId, state: 'FINISHED', outputs: 'not-an-array' }),
      );
      publishSigned(subject('coordinator.task-status'), pack({ ...ref, queryId, state: 'FINISHED' }));
      await nc.flush();
      const result = await handle.result();
      expect(result.rows).to.deep.equal([[60175]]);
      expect(await invalidCount('coordinator.task-status')).to.equal(before + 2);
    } finally {
      handle.close();
    }
  });

  it('asks with a bad body get INVALID_MESSAGE naming the field, and are counted', async () => {
    const reply = await nc.request(subject('coordinator.queries'), JSON.stringify({ limit: 'all' }), {
      timeout: 5000,
    });
    const body = JSON.parse(Buffer.from(reply.data).toString('utf8'));
    expect(body.ok).to.equal(false);
    expect(body.error.code).to.equal('INVALID_MESSAGE');
    expect(body.error.message).to.match(/^Invalid queries request at \/limit: Expected integer/);
    const results = await nc.request(subject('query.nope.results'), JSON.stringify({ token: -1 }), {
      timeout: 5000,
    });
    const page = JSON.parse(Buffer.from(results.data).toString('utf8'));
    expect(page.error.code).to.equal('INVALID_MESSAGE');
    expect(page.error.message).to.match(/at \/token: Expected integer to be greater or equal to 0/);
    expect(await invalidCount('coordinator.queries')).to.equal(1);
    expect(await invalidCount('query.*.results')).to.equal(1);
  });

  it('a run command with a malformed task is refused by the worker and counted; nothing runs', async () => {
    const worker = cluster.workers[0]!;
    const task = {
      queryId: 'forged_run',
      queryAttempt: 0,
      taskId: '1.0.0',
      stageId: 1,
      partition: 0,
      attempt: 0,
      fragment: 'require("fs").writeFileSync("/tmp/pwned", "")',
      splits: [],
      inputs: [],
      output: { exchangeId: 's1', partitionCount: 1 },
      exchange: { codec: 'NONE' },
      memoryLimitBytes: 1 << 20,
    };
    const command = pack({ type: 'run', task });
    const target = subject(`worker.${worker.id}.tasks`);
    const reply = await nc.request(target, command, { timeout: 5000, ...signed(target, command) });
    const body = unpack(reply.data) as { ok: boolean; error: { code: string; message: string } };
    expect(body.ok).to.equal(false);
    expect(body.error.code).to.equal('INVALID_MESSAGE');
    expect(body.error.message).to.equal('Invalid worker command at /task/fragment: Expected object');
    const text = await worker.metrics.registry.metrics();
    expect(sample(text, 'quarry_invalid_messages_total', subject(`worker.${worker.id}.tasks`))).to.equal(1);
  });

  it('a malformed status event is skipped by the client, which reports the query right', async () => {
    const queryId = `forged_${randomSuffix(6)}`;
    const handle = await cluster.client.submit('select count(*) from tpch.tiny.region', { queryId });
    try {
      await events.waitFor((e) => e.queryId === queryId && e.type === 'RUNNING');
      const fake = { queryId, type: 'FAILED', seq: 'last', time: -1, error: { code: 'X' }, elapsedMs: 0 };
      nc.publish(subject(`query.${queryId}.status`), JSON.stringify(fake));
      await nc.flush();
      expect((await handle.result()).rows).to.deep.equal([[5]]);
      expect(await cluster.client.system.invalid.count(subject(`query.${queryId}.status`))).to.be.greaterThan(
        0,
      );
    } finally {
      handle.close();
    }
  });
});
