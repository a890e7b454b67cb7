import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import type { LocalCluster, ProcessHandle } from '@quarry/cli';
import { QuarryClient } from '@quarry/client';
import { EventCollector, startProcessCluster } from '@quarry/testkit';

/**
 * The failure detector tells a dead worker from a slow one, and from its own pauses, with real
 * processes frozen by SIGSTOP: a silent worker is suspected and probed, and declared dead only when
 * nobody listens on its subject (a killed process) or the probe goes unanswered (a process frozen
 * for good); a coordinator that was itself frozen declares no one dead for the heartbeats it could not
 * read. Under retry policy NONE any wrong verdict would fail the running query.
 */
describe('failure detector: suspicion, probes and own pauses', function () {
  this.timeout(180_000);
  let cluster: LocalCluster;
  let client: QuarryClient;
  let events: EventCollector;

  before(async () => {
    cluster = await startProcessCluster({
      workers: 3,
      slots: 1,
      prefix: 'fd',
      env: {
        QUARRY_WORKER_HEARTBEAT_INTERVAL: '250ms',
        QUARRY_FAILURE_DETECTOR_HEARTBEAT_TIMEOUT: '1s',
        QUARRY_FAILURE_DETECTOR_PROBE_TIMEOUT: '2s',
      },
    });
    client = await QuarryClient.connect({ servers: cluster.natsUrl, prefix: 'fd' });
    events = await EventCollector.start(cluster.natsUrl, 'fd');
  });

  after(async () => {
    await events?.close();
    await client?.close();
    await cluster?.stop();
  });

  const coordinatorLog = (): string => readFileSync(cluster.coordinator!.logFile!, 'utf8');
  const lostInLog = (): string[] =>
    coordinatorLog()
      .split('\n')
      .filter((l) => l.includes('worker lost'))
      .map((l) => (JSON.parse(l) as { workerId: string }).workerId);
  const freeze = async (p: ProcessHandle, ms: number): Promise<void> => {
    p.process.kill('SIGSTOP');
    await new Promise((r) => setTimeout(r, ms));
    p.process.kill('SIGCONT');
  };
  const workerIds = async (): Promise<string[]> =>
    ((await cluster.info())?.workers ?? []).map((w) => w.workerId).sort();

  it('declares no one dead while a worker and then the coordinator itself are frozen longer than the heartbeat timeout', async () => {
    const sql =
      "select count(*), sum(l_extendedprice) from tpch.sf1.lineitem where l_comment like '%furiously%' or l_shipinstruct = 'NONE'";
    const running = client.query(sql, { session: { retry_policy: 'NONE' } });
    await new Promise((r) => setTimeout(r, 1000));
    await freeze(cluster.workers[0]!, 1800); // late heartbeats, but it answers its probe when thawed
    await freeze(cluster.coordinator!, 3000); // every heartbeat of those 3 s waits unread
    const result = await running;
    expect(Number(result.rows[0]![0])).to.be.greaterThan(1_000_000);
    expect(lostInLog(), 'workers declared dead').to.deep.equal([]);
    expect(await workerIds()).to.deep.equal(['worker-1', 'worker-2', 'worker-3']);
    expect(coordinatorLog(), 'the frozen worker was suspected and probed').to.include('probing it');
  });

  it('declares a killed worker dead at once when its probe finds nobody listening', async () => {
    const victim = cluster.workers[2]!;
    const killedAt = Date.now();
    victim.process.kill('SIGKILL');
    const deadline = killedAt + 15_000;
    while ((await workerIds()).includes('worker-3')) {
      expect(Date.now(), 'worker-3 still listed 15 s after kill -9').to.be.lessThan(deadline);
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(lostInLog()).to.deep.equal(['worker-3']);
    const line = coordinatorLog()
      .split('\n')
      .find((l) => l.includes('worker lost'))!;
    // the silence it was declared dead after: the suspicion threshold and a sweep, not a probe timeout
    expect((JSON.parse(line) as { silentForMs: number }).silentForMs).to.be.lessThan(2000);
  });

  it('declares a worker frozen for good dead once its probe goes unanswered', async () => {
    const victim = cluster.workers[1]!;
    victim.process.kill('SIGSTOP');
    try {
      const deadline = Date.now() + 20_000;
      while ((await workerIds()).includes('worker-2')) {
        expect(Date.now(), 'worker-2 still listed 20 s after it froze').to.be.lessThan(deadline);
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(lostInLog()).to.deep.equal(['worker-3', 'worker-2']);
    } finally {
      victim.process.kill('SIGKILL');
    }
  });
});
