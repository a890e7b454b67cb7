import { expect } from 'chai';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { LocalCluster } from '@quarry/cli';
import type { QueryEvent } from '@quarry/protocol';
import { EventCollector, startProcessCluster } from '@quarry/testkit';
import { referenceRows } from '../support/reference.js';

/**
 * The walking skeleton end to end, through real processes: raw JSON published on the submit subject
 * (as any NATS client would), status events in order, tasks on both workers, result rows read in
 * pages over NATS, checked against rows computed from the reference TPC-H data.
 */
describe('end to end: a query submitted as raw JSON on NATS', function () {
  this.timeout(120_000);
  let cluster: LocalCluster;
  let nc: NatsConnection;
  let events: EventCollector;

  before(async () => {
    cluster = await startProcessCluster({ workers: 2, slots: 2, prefix: 'e2e' });
    nc = await connect({ servers: cluster.natsUrl });
    events = await EventCollector.start(cluster.natsUrl, 'e2e');
  });

  after(async () => {
    await events?.close();
    await nc?.close();
    await cluster?.stop();
  });

  const json = (data: Uint8Array) => JSON.parse(Buffer.from(data).toString('utf8'));

  it('runs a grouped aggregation on both workers and returns the rows', async () => {
    const sql =
      'select l_returnflag, l_linestatus, count(*), sum(l_quantity) from tpch.tiny.lineitem group by 1, 2 order by 1, 2';
    const reply = json(
      (await nc.request('e2e.query.submit', JSON.stringify({ sql }), { timeout: 10_000 })).data,
    );
    expect(reply.ok, JSON.stringify(reply)).to.equal(true);
    const queryId: string = reply.value.queryId;
    const capability: string = reply.value.capability;
    expect(queryId).to.match(/^\d{8}_\d{6}_\d{5}_[a-z0-9]{5}$/);

    const end = await events.waitFor(
      (e) => e.queryId === queryId && (e.type === 'FINISHED' || e.type === 'FAILED'),
      60_000,
    );
    expect(end.type, JSON.stringify(end)).to.equal('FINISHED');
    const mine = events.of(queryId);
    expect(mine.map((e) => e.seq)).to.deep.equal(
      mine.map((_, i) => i + 1),
      'events numbered 1, 2, 3, … in order',
    );
    expect(mine[0]!.type).to.equal('QUEUED');
    expect(mine[1]!.type).to.equal('PLANNING');
    expect(mine.slice(2, -1).every((e) => e.type === 'RUNNING')).to.equal(true);
    const running = mine.filter((e): e is Extract<QueryEvent, { type: 'RUNNING' }> => e.type === 'RUNNING');
    const workers = new Set(running.flatMap((e) => (e.task ? [e.task.workerId] : [])));
    expect([...workers].sort()).to.deep.equal(['worker-1', 'worker-2'], 'tasks ran on both workers');
    const last = running.at(-1)!.progress;
    expect(last.stages.length).to.equal(3, 'scan+partial aggregation, final aggregation, sort');
    expect(last.tasksDone).to.equal(last.tasksTotal);

    // results in pages, asked for with raw JSON too
    const rows: unknown[][] = [];
    let token: number | null = 0;
    let columns: { name: string; type: string }[] = [];
    while (token !== null) {
      const page = json(
        (
          await nc.request(`e2e.query.${queryId}.results`, JSON.stringify({ token, capability }), {
            timeout: 10_000,
          })
        ).data,
      );
      expect(page.ok, JSON.stringify(page)).to.equal(true);
      rows.push(...page.value.rows);
      columns = page.value.columns;
      token = page.value.nextToken;
    }
    expect(columns.map((c) => c.type)).to.deep.equal(['char(1)', 'char(1)', 'bigint', 'decimal(38,2)']);

    const expected = new Map<string, { count: number; qty: bigint }>();
    for (const r of referenceRows('lineitem')) {
      const key = `${r[8]}|${r[9]}`;
      const g = expected.get(key) ?? { count: 0, qty: 0n };
      g.count++;
      g.qty += BigInt(Math.round(Number(r[4]) * 100));
      expected.set(key, g);
    }
    const want = [...expected.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([k, g]) => [
        ...k.split('|'),
        g.count,
        `${g.qty / 100n}.${String(g.qty % 100n).padStart(2, '0')}`,
      ]);
    expect(rows).to.deep.equal(want);
  });

  it('runs a query published without a reply subject, seen through its events', async () => {
    const queryId = 'e2e_publish_only';
    // no reply, so no capability yet: the same submission asked again later (same id and secret) gives it
    const submission = JSON.stringify({
      sql: 'select count(*) as n from tpch.tiny.nation',
      queryId,
      clientSecret: 'a-secret-of-this-submission',
    });
    nc.publish('e2e.query.submit', submission);
    const end = await events.waitFor(
      (e) => e.queryId === queryId && (e.type === 'FINISHED' || e.type === 'FAILED'),
    );
    expect(end.type).to.equal('FINISHED');
    const again = json((await nc.request('e2e.query.submit', submission, { timeout: 10_000 })).data);
    expect(again.value.queryId).to.equal(queryId);
    const capability: string = again.value.capability;
    const page = json(
      (
        await nc.request(`e2e.query.${queryId}.results`, JSON.stringify({ token: 0, capability }), {
          timeout: 10_000,
        })
      ).data,
    );
    expect(page.value.rows).to.deep.equal([[25]]);
  });
});
