import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ClusterAddresses,
  decodeHeartbeat,
  decodeTaskUpdate,
  isMemberSubject,
  type CancelTasksReply,
  type Heartbeat,
  type LeaderAnnouncement,
  type RunTaskReply,
  type TaskSpec,
  type TaskUpdate,
  type WorkerCommand,
} from '@quarry/cluster-protocol';
import { silentLogger } from '@quarry/common';
import { loadCatalogs } from '@quarry/connectors';
import { localExchangeConfig } from '@quarry/exchange';
import { ActorSystem, Membership, encode } from '@quarry/runtime';
import { parseStatement, planStatement } from '@quarry/sql';
import { startNats, uniquePrefix } from '@quarry/testkit';
import { Worker, parseFailureInjection } from '@quarry/worker';

/**
 * Issue 13, the worker's side: commands of a deposed coordinator are refused, and a new leader is
 * heard at once. The test speaks as the coordinator over a real nats-server, signing with the
 * cluster's secret; the worker's heartbeat interval is a minute, so any heartbeat seen within the
 * test was sent for a reason.
 */
const SECRET = randomBytes(32).toString('base64url');

interface Heard<T> {
  readonly at: number;
  readonly value: T;
}

describe('a worker fences off deposed coordinators', function () {
  this.timeout(60_000);
  const prefix = uniquePrefix('epoch');
  let nats: Awaited<ReturnType<typeof startNats>>;
  let exchangeDir: string;
  let coordinator: ActorSystem;
  let fragment: object;
  let worker: Worker;
  let workers = 0;
  let heartbeats: Heard<Heartbeat>[] = [];
  let reports: Heard<TaskUpdate>[] = [];

  before(async () => {
    nats = await startNats();
    exchangeDir = mkdtempSync(join(tmpdir(), 'quarry-epoch-'));
    coordinator = await ActorSystem.connect({
      servers: nats.url,
      prefix,
      membership: new Membership({
        secret: SECRET,
        sender: 'coordinator',
        isInternal: (s) => isMemberSubject(prefix, s),
      }),
    });
    // what a coordinator hears, signatures checked (a report sent again must pass them too)
    coordinator.listen(coordinator.subject(ClusterAddresses.heartbeat), decodeHeartbeat, (hb) => {
      if (hb.workerId === worker?.id) heartbeats.push({ at: Date.now(), value: hb });
    });
    coordinator.listen(coordinator.subject(ClusterAddresses.taskStatus), decodeTaskUpdate, (u) => {
      if (u.workerId === worker?.id) reports.push({ at: Date.now(), value: u });
    });
    const plan = await planStatement(parseStatement('select 1'), loadCatalogs(undefined), {
      properties: {},
      now: new Date(),
    });
    fragment = JSON.parse(JSON.stringify(plan.fragments.at(-1))) as object;
  });

  beforeEach(async () => {
    heartbeats = [];
    reports = [];
    worker = await Worker.start(
      {
        servers: nats.url,
        prefix,
        workerId: `w${++workers}`,
        slots: 2,
        heartbeatIntervalMs: 60_000,
        taskMemoryBytes: 64 * 1024 * 1024,
        exchange: localExchangeConfig(exchangeDir),
        failureInjection: parseFailureInjection(
          'query=hang_,when=start,action=HANG;query=fail_,when=start,action=EXTERNAL',
        ),
        internalCommunication: { sharedSecret: SECRET },
      },
      silentLogger(),
    );
    await waitFor(() => heartbeats.length > 0, 'the first heartbeat');
  });

  afterEach(async () => {
    await worker?.stop();
  });

  after(async () => {
    await coordinator?.close();
    await nats?.stop();
    rmSync(exchangeDir, { recursive: true, force: true });
  });

  const task = (queryId: string): TaskSpec => ({
    queryId,
    queryAttempt: 0,
    taskId: '0.0.0',
    stageId: 0,
    partition: 0,
    attempt: 0,
    fragment,
    splits: [],
    inputs: [],
    output: { exchangeId: 's0', partitionCount: 1 },
    exchange: { codec: 'NONE' },
    memoryLimitBytes: 16 * 1024 * 1024,
  });
  const command = <R>(cmd: WorkerCommand): Promise<R> =>
    coordinator.ask<R>(ClusterAddresses.worker(worker.id), cmd);
  const run = (queryId: string, epoch?: number) =>
    command<RunTaskReply>({ type: 'run', task: task(queryId), ...(epoch !== undefined ? { epoch } : {}) });
  const cancel = (queryId: string, epoch?: number) =>
    command<CancelTasksReply>({ type: 'cancel', queryId, ...(epoch !== undefined ? { epoch } : {}) });
  /** A leader announcement, signed as the coordinator signs it; resolves when it is on its way. */
  const announce = async (epoch: number) => {
    const a: LeaderAnnouncement = { coordinatorId: 'coordinator-b', epoch, time: Date.now() };
    coordinator.tell(ClusterAddresses.leader, a);
    await coordinator.nc.flush();
  };
  const reportsOf = (queryId: string, state?: TaskUpdate['state']) =>
    reports.filter((r) => r.value.queryId === queryId && (!state || r.value.state === state));
  /** The heartbeats heard after the first `n`. */
  const heartbeatsSince = (n: number) => heartbeats.slice(n);
  const counted = async (metric: string, labels: Record<string, string>) => {
    const m = await worker.metrics.registry.getSingleMetric(metric)?.get();
    const match = m?.values.find((v) => Object.entries(labels).every(([k, x]) => v.labels[k] === x));
    return match?.value ?? 0;
  };

  it('runs commands without an epoch while it has seen none (a coordinator without a lease)', async () => {
    expect(await run('plain_1')).to.deep.equal({ accepted: true });
    await waitFor(() => reportsOf('plain_1', 'FINISHED').length === 1, 'the task to finish');
  });

  it('refuses a run of an older epoch, or of none, once it has seen a newer one; runs the current one', async () => {
    const seen = heartbeats.length;
    await announce(7);
    await waitFor(() => heartbeatsSince(seen).length > 0, 'the heartbeat for the new leader');
    expect(await run('old_1', 6)).to.deep.equal({ accepted: false, reason: 'stale epoch 6 (newest seen 7)' });
    expect(await run('old_2')).to.deep.equal({ accepted: false, reason: 'stale epoch none (newest seen 7)' });
    expect(await run('new_1', 7)).to.deep.equal({ accepted: true });
    await waitFor(() => reportsOf('new_1', 'FINISHED').length === 1, 'the current epoch task to finish');
    // a command's epoch counts as seen too
    expect(await run('newer_1', 9)).to.deep.equal({ accepted: true });
    expect(await run('old_3', 8)).to.deep.equal({ accepted: false, reason: 'stale epoch 8 (newest seen 9)' });
    await sleep(300);
    for (const q of ['old_1', 'old_2', 'old_3']) expect(reportsOf(q), `${q} never started`).to.deep.equal([]);
    expect(await counted('quarry_worker_stale_commands_total', { command: 'run' })).to.equal(3);
  });

  it('cancels nothing on a cancel of an older epoch', async () => {
    await announce(3);
    expect(await run('hang_1', 3)).to.deep.equal({ accepted: true });
    await waitFor(() => reportsOf('hang_1', 'RUNNING').length > 0, 'the task to start');
    expect(await cancel('hang_1', 2)).to.deep.equal({ cancelled: 0 });
    expect(await cancel('hang_1')).to.deep.equal({ cancelled: 0 });
    await sleep(300);
    expect(reportsOf('hang_1', 'FAILED'), 'the task still runs').to.deep.equal([]);
    expect(await counted('quarry_worker_stale_commands_total', { command: 'cancel' })).to.equal(2);
    expect(await cancel('hang_1', 3)).to.deep.equal({ cancelled: 1 });
    await waitFor(() => reportsOf('hang_1', 'FAILED').length === 1, 'the cancelled task to end');
    const failed = reportsOf('hang_1', 'FAILED')[0]!.value;
    expect(failed.state === 'FAILED' && failed.error.code).to.equal('USER_CANCELED');
  });

  it('heartbeats at once for a newer leader and sends its recent final reports again; running tasks go on', async () => {
    await announce(1);
    expect(await run('done_1', 1)).to.deep.equal({ accepted: true });
    expect(await run('fail_1', 1)).to.deep.equal({ accepted: true });
    await waitFor(
      () => reportsOf('done_1', 'FINISHED').length === 1 && reportsOf('fail_1', 'FAILED').length === 1,
      'both tasks to end',
    );
    expect(await run('hang_2', 1)).to.deep.equal({ accepted: true });
    await waitFor(() => reportsOf('hang_2', 'RUNNING').length > 0, 'the hanging task to start');
    await sleep(200); // the heartbeats sent as tasks ended are in
    const seen = heartbeats.length;
    const t0 = Date.now();
    await announce(2);
    await waitFor(() => heartbeatsSince(seen).length > 0, 'a heartbeat', 2000);
    const hb = heartbeatsSince(seen)[0]!;
    expect(hb.at - t0, 'heartbeat delay (ms)').to.be.below(200);
    expect(hb.value.tasks).to.deep.equal(['hang_2/0.0.0']);
    await waitFor(
      () => reportsOf('done_1', 'FINISHED').length === 2 && reportsOf('fail_1', 'FAILED').length === 2,
      'the final reports sent again',
    );
    for (const q of ['done_1', 'fail_1']) {
      const [first, again] = reportsOf(q).filter((r) => r.value.state !== 'RUNNING');
      expect(again!.value, `${q} sent again as it was`).to.deep.equal(first!.value);
    }
    // the same leader again, or an older one: nothing more
    await announce(2);
    await announce(1);
    await sleep(300);
    expect(reportsOf('done_1', 'FINISHED')).to.have.length(2);
    expect(heartbeatsSince(seen)).to.have.length(1);
    expect(reportsOf('hang_2').map((r) => r.value.state)).to.not.include('FAILED');
    expect(await cancel('hang_2', 2)).to.deep.equal({ cancelled: 1 });
  });

  it('drops unsigned, wrongly signed and malformed announcements: they change nothing', async () => {
    const first = heartbeats.length;
    await announce(1);
    await waitFor(() => heartbeatsSince(first).length > 0, 'the heartbeat for the genuine leader');
    const subject = coordinator.subject(ClusterAddresses.leader);
    const forged = encode({ coordinatorId: 'mallory', epoch: 100, time: Date.now() });
    const wrongSecret = new Membership({
      secret: 'not-the-secret-of-this-cluster',
      sender: 'coordinator',
      isInternal: () => true,
    });
    const seen = heartbeats.length;
    coordinator.nc.publish(subject, forged);
    coordinator.nc.publish(subject, forged, { headers: wrongSecret.sign(subject, forged) });
    // signed, but not an announcement
    coordinator.tell(ClusterAddresses.leader, { coordinatorId: 'coordinator-b', epoch: -5, time: 0 });
    await coordinator.nc.flush();
    await sleep(300);
    expect(heartbeatsSince(seen), 'no new leader was heard').to.deep.equal([]);
    expect(await run('after_forgery', 1)).to.deep.equal({ accepted: true });
    // each was heard, and refused: a fresh worker's counters start at zero
    const refused = (reason: string) => counted('quarry_unauthenticated_messages_total', { reason });
    expect(await refused('unsigned')).to.equal(1);
    expect(await refused('bad-signature')).to.equal(1);
    expect(await counted('quarry_invalid_messages_total', { subject })).to.equal(1);
  });
});

async function waitFor(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
