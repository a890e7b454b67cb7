import { expect } from 'chai';
import { connect, type Msg, type MsgHdrs, type NatsConnection } from '@nats-io/transport-node';
import { freePort, type LocalCluster } from '@quarry/cli';
import { QuarryClient } from '@quarry/client';
import { QuarryError } from '@quarry/common';
import type { Heartbeat, TaskUpdate, WorkerCommand } from '@quarry/cluster-protocol';
import type { QueryEvent } from '@quarry/protocol';
import { decode, decodeLenient, encode, Membership } from '@quarry/runtime';
import { EventCollector, startProcessCluster } from '@quarry/testkit';

/**
 * Issue 12's membership attacks, replayed against a cluster of real processes. The attacker holds
 * NATS credentials that may publish internal subjects (as on a NATS server without permissions, or
 * with a member's NATS password stolen) but not the cluster's shared secret: only the signatures
 * stand between it and the cluster.
 */
const PREFIX = 'forge';
const LINEITEM_SF1 = 6_001_215;

describe('forged messages on internal subjects', function () {
  this.timeout(240_000);
  let cluster: LocalCluster;
  let nc: NatsConnection;
  let client: QuarryClient;
  let events: EventCollector;
  let metricsPort: number;
  const wrongSecret = new Membership({
    secret: 'not-the-secret-of-this-cluster',
    sender: 'worker-1',
    isInternal: () => true,
  });

  before(async () => {
    metricsPort = await freePort();
    cluster = await startProcessCluster({
      workers: 2,
      slots: 2,
      prefix: PREFIX,
      coordinatorEnv: { QUARRY_METRICS_PORT: String(metricsPort) },
    });
    const member = cluster.natsUsers!.coordinator;
    nc = await connect({ servers: cluster.natsUrl, user: member.user, pass: member.password });
    client = await QuarryClient.connect({ servers: cluster.natsUrl, prefix: PREFIX, timeoutMs: 120_000 });
    events = await EventCollector.start(cluster.natsUrl, PREFIX);
  });

  after(async () => {
    await events?.close();
    await client?.close();
    await nc?.close();
    await cluster?.stop();
  });

  const subject = (address: string) => `${PREFIX}.${address}`;
  /** Publishes `message` on `address` unsigned, and again signed with a wrong secret. */
  const forge = (address: string, message: unknown): void => {
    const bytes = encode(message);
    nc.publish(subject(address), bytes);
    nc.publish(subject(address), bytes, { headers: wrongSecret.sign(subject(address), bytes) });
  };
  const refusals = async (): Promise<Record<string, number>> => {
    const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    const out: Record<string, number> = {};
    for (const m of text.matchAll(/^quarry_unauthenticated_messages_total\{reason="([^"]+)"[^}]*\} (\d+)$/gm))
      out[m[1]!] = Number(m[2]);
    return out;
  };
  const grew = (before: Record<string, number>, after: Record<string, number>, reason: string) =>
    (after[reason] ?? 0) - (before[reason] ?? 0);

  it('keeps count(*) over lineitem exact under forged FINISHED reports with no outputs, and refuses replays', async () => {
    const before = await refusals();
    let forged = 0;
    let replayed = 0;
    const seen = new Set<string>();
    const sub = nc.subscribe(subject('coordinator.task-status'), {
      callback: (_e, msg: Msg) => {
        const u = decode(msg.data) as TaskUpdate;
        // each task's first report, once: our forgeries and replays come back here too
        if (u.state !== 'RUNNING' || u.stats || seen.has(u.taskId)) return;
        seen.add(u.taskId);
        forge('coordinator.task-status', { ...u, state: 'FINISHED', outputs: [] } satisfies TaskUpdate);
        forged++;
        // the genuine message again, byte for byte with its signature
        nc.publish(msg.subject, msg.data, { headers: msg.headers as MsgHdrs });
        replayed++;
      },
    });
    try {
      const result = await client.query('select count(*) from tpch.sf1.lineitem');
      expect(result.rows).to.deep.equal([[LINEITEM_SF1]]);
    } finally {
      sub.unsubscribe();
    }
    expect(forged).to.be.greaterThan(1, 'the query ran several tasks, each forged');
    const after = await refusals();
    expect(grew(before, after, 'unsigned')).to.be.at.least(forged);
    expect(grew(before, after, 'bad-signature')).to.be.at.least(forged);
    expect(grew(before, after, 'replayed')).to.be.at.least(replayed);
  });

  it('never hands a task to a fake worker announced by unsigned or wrongly signed heartbeats', async () => {
    const handed: string[] = [];
    const subs = ['fake-1', 'fake-2'].map((id) =>
      nc.subscribe(subject(`worker.${id}.tasks`), { callback: () => void handed.push(id) }),
    );
    const heartbeat = (workerId: string, seq: number): Heartbeat => ({
      workerId,
      incarnation: `${workerId}-incarnation`,
      seq,
      slots: 64,
      runningTasks: 0,
      draining: false,
      host: 'attacker',
      pid: 1,
      rssBytes: 0,
      load: 0,
      tasks: [],
    });
    let seq = 0;
    const timer = setInterval(() => {
      seq++;
      nc.publish(subject('worker.heartbeat'), encode(heartbeat('fake-1', seq)));
      const bytes = encode(heartbeat('fake-2', seq));
      nc.publish(subject('worker.heartbeat'), bytes, {
        headers: wrongSecret.sign(subject('worker.heartbeat'), bytes),
      });
    }, 100);
    try {
      await new Promise((r) => setTimeout(r, 500));
      for (let i = 0; i < 3; i++) {
        const result = await client.query('select count(*) from tpch.tiny.lineitem');
        expect(result.rows).to.deep.equal([[60_175]]);
      }
      const info = await client.workers();
      expect(info.workers.map((w) => w.workerId).sort()).to.deep.equal(['worker-1', 'worker-2']);
    } finally {
      clearInterval(timer);
      for (const s of subs) s.unsubscribe();
    }
    expect(handed).to.deep.equal([]);
  });

  it('fails no task on a forged leaving heartbeat for a real worker', async () => {
    const before = await refusals();
    // count(l_comment) generates every comment: long enough to be running when the forgeries land
    const handle = await client.submit('select count(l_comment) from tpch.sf1.lineitem');
    await events.waitFor((e) => e.queryId === handle.queryId && e.type === 'RUNNING' && !!e.task, 60_000);
    const forgedAt = Date.now();
    const leaving = (workerId: string): Heartbeat => ({
      workerId,
      incarnation: 'forged',
      seq: 1_000_000,
      slots: 2,
      runningTasks: 0,
      draining: true,
      host: 'attacker',
      pid: 1,
      rssBytes: 0,
      load: 0,
      tasks: [],
      leaving: true,
    });
    forge('worker.heartbeat', leaving('worker-1'));
    forge('worker.heartbeat', leaving('worker-2'));
    // signed with the cluster's secret by worker-2, speaking for worker-1: refused too
    const impostor = new Membership({
      secret: cluster.sharedSecret,
      sender: 'worker-2',
      isInternal: () => true,
    });
    const bytes = encode(leaving('worker-1'));
    nc.publish(subject('worker.heartbeat'), bytes, {
      headers: impostor.sign(subject('worker.heartbeat'), bytes),
    });
    const result = await handle.result();
    handle.close();
    expect(result.rows).to.deep.equal([[LINEITEM_SF1]]);
    const finished = events.of(handle.queryId).find((e) => e.type === 'FINISHED')!;
    expect(finished.time, 'the forgeries landed while the query ran').to.be.greaterThan(forgedAt + 50);
    const mine = events.of(handle.queryId).map((e: QueryEvent) => e.type);
    expect(mine).to.not.include('TASK_FAILED');
    expect(mine).to.not.include('WORKER_LOST');
    expect((await client.workers()).workers.map((w) => w.workerId).sort()).to.deep.equal([
      'worker-1',
      'worker-2',
    ]);
    const after = await refusals();
    expect(grew(before, after, 'wrong-sender')).to.equal(1);
  });

  it('runs nothing on a forged run command, answering UNAUTHENTICATED_MESSAGE', async () => {
    // a genuine command, captured on its way to a worker, is the template of the forgeries
    const captured: Msg[] = [];
    const sub = nc.subscribe(subject('worker.*.tasks'), { callback: (_e, m) => void captured.push(m) });
    await client.query('select count(*) from tpch.tiny.nation');
    sub.unsubscribe();
    const genuine = captured.find((m) => (decode(m.data) as WorkerCommand).type === 'run')!;
    expect(genuine, 'a run command was seen').to.not.equal(undefined);
    const cmd = decode(genuine.data) as Extract<WorkerCommand, { type: 'run' }>;
    const task = { ...cmd.task, queryId: 'forged_query', taskId: 'forged_task' };
    const started: string[] = [];
    const reports = nc.subscribe(subject('coordinator.task-status'), {
      callback: (_e, m) => {
        const u = decode(m.data) as TaskUpdate;
        if (u.queryId === 'forged_query' || u.queryId === cmd.task.queryId) started.push(u.taskId);
      },
    });
    await nc.flush();
    const target = genuine.subject;
    const ask = async (bytes: Uint8Array, headers?: MsgHdrs) => {
      const reply = await nc.request(target, bytes, { timeout: 5000, ...(headers ? { headers } : {}) });
      return decodeLenient(reply.data).value as { ok: boolean; error?: { code: string } };
    };
    const bytes = encode({ type: 'run', task } satisfies WorkerCommand);
    const answers = [
      await ask(bytes),
      await ask(bytes, wrongSecret.sign(target, bytes)),
      // the genuine command again, signature and all
      await ask(genuine.data, genuine.headers as MsgHdrs),
    ];
    await new Promise((r) => setTimeout(r, 1000));
    reports.unsubscribe();
    for (const a of answers)
      expect(a).to.deep.include({ ok: false }).and.nested.include({
        'error.code': 'UNAUTHENTICATED_MESSAGE',
      });
    expect(started).to.deep.equal([]);
  });

  it('keeps the exchange key out of task specs: it travels sealed', async () => {
    const captured: Msg[] = [];
    const sub = nc.subscribe(subject('worker.*.tasks'), { callback: (_e, m) => void captured.push(m) });
    const result = await client.query('select count(*) from tpch.tiny.nation', {
      session: { retry_policy: 'TASK' },
    });
    sub.unsubscribe();
    expect(result.rows).to.deep.equal([[25]]);
    const runs = captured
      .map((m) => decode(m.data) as WorkerCommand)
      .filter((c): c is Extract<WorkerCommand, { type: 'run' }> => c.type === 'run');
    expect(runs.length).to.be.greaterThan(0);
    // what crossed NATS opens only with the cluster's secret, and is not the key itself
    const member = new Membership({ secret: cluster.sharedSecret, sender: 'x', isInternal: () => true });
    for (const r of runs) {
      const key = r.task.exchange.secretKey!;
      expect(key, 'an encrypted exchange has a key').to.be.instanceOf(Uint8Array);
      const plain = member.open(key, r.task.queryId);
      expect(plain.length).to.equal(32);
      expect(Buffer.from(key).includes(Buffer.from(plain))).to.equal(false);
      expect(() => wrongSecret.open(key, r.task.queryId)).to.throw(QuarryError);
    }
  });
});
