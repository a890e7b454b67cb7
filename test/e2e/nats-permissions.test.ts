import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { natsAuthorization, NATS_USERS, type NatsRole } from '@quarry/cli';
import { startNats } from '@quarry/testkit';

/**
 * deploy/nats/nats-server.conf on a real nats-server: the first layer of membership. A client's
 * credentials may publish the client subjects only; a member's may publish the internal ones.
 */
const CONFIG = 'deploy/nats/nats-server.conf';
const PASSWORDS: Record<NatsRole, string> = {
  coordinator: 'pCoordinatorPassword1',
  worker: 'pWorkerPassword2',
  client: 'pClientPassword3',
};

describe('NATS permissions (deploy/nats)', function () {
  this.timeout(30_000);
  let nats: Awaited<ReturnType<typeof startNats>>;
  const conns: NatsConnection[] = [];

  before(async () => {
    const env: Record<string, string> = {};
    for (const role of Object.keys(NATS_USERS) as NatsRole[]) env[NATS_USERS[role]] = PASSWORDS[role];
    nats = await startNats({ config: CONFIG, env });
  });

  after(async () => {
    for (const c of conns) await c.close().catch(() => {});
    await nats?.stop();
  });

  const as = async (role: NatsRole): Promise<NatsConnection & { violations: string[] }> => {
    const nc = await connect({ servers: nats.url, user: role, pass: PASSWORDS[role] });
    conns.push(nc);
    const violations: string[] = [];
    void (async () => {
      for await (const s of nc.status()) if (s.type === 'error') violations.push(String(s.error));
    })();
    return Object.assign(nc, { violations });
  };

  /** Whether a message `from` publishes on `subject` reaches a subscriber there. */
  const delivered = async (from: NatsConnection, subject: string): Promise<boolean> => {
    const listener = await as('coordinator');
    let got = false;
    const sub = listener.subscribe(subject, { callback: () => void (got = true) });
    await listener.flush();
    from.publish(subject, 'forged');
    await from.flush();
    await new Promise((r) => setTimeout(r, 200));
    sub.unsubscribe();
    return got;
  };

  it('is the configuration quarry generates for the prefix quarry', () => {
    expect(readFileSync(CONFIG, 'utf8')).to.equal(natsAuthorization({ prefix: 'quarry' }));
  });

  it('refuses connections without credentials or with a wrong password', async () => {
    const anonymous = await connect({ servers: nats.url }).catch((e: unknown) => e);
    expect(anonymous).to.be.instanceOf(Error);
    const wrong = await connect({ servers: nats.url, user: 'client', pass: 'nope' }).catch((e: unknown) => e);
    expect(wrong).to.be.instanceOf(Error);
  });

  it('lets a client publish client subjects, and no internal subject', async () => {
    const client = await as('client');
    expect(await delivered(client, 'quarry.query.submit')).to.equal(true);
    expect(await delivered(client, 'quarry.query.q1.results')).to.equal(true);
    for (const internal of [
      'quarry.coordinator.task-status',
      'quarry.worker.heartbeat',
      'quarry.worker.worker-1.tasks',
      'quarry.query.q1.status',
      'quarry.cluster.load',
    ])
      expect(await delivered(client, internal), internal).to.equal(false);
    expect(client.violations.join('\n')).to.match(
      /Permissions Violation for Publish to "?quarry\.coordinator\.task-status/i,
    );
  });

  it('lets a client follow status events but not listen to internal subjects', async () => {
    const client = await as('client');
    const seen: string[] = [];
    client.subscribe('quarry.query.*.status', { callback: (e, m) => void (e || seen.push(m.subject)) });
    client.subscribe('quarry.coordinator.task-status', {
      callback: (e, m) => void (e || seen.push(m.subject)),
    });
    await client.flush();
    const coordinator = await as('coordinator');
    coordinator.publish('quarry.query.q1.status', '{}');
    coordinator.publish('quarry.coordinator.task-status', '{}');
    await coordinator.flush();
    await new Promise((r) => setTimeout(r, 200));
    expect(seen).to.deep.equal(['quarry.query.q1.status']);
    expect(client.violations.join('\n')).to.match(
      /Permissions Violation for Subscription to "?quarry\.coordinator\.task-status/i,
    );
  });

  it('lets members publish their internal subjects, and a worker only its own', async () => {
    const coordinator = await as('coordinator');
    const worker = await as('worker');
    expect(await delivered(coordinator, 'quarry.worker.worker-1.tasks')).to.equal(true);
    expect(await delivered(coordinator, 'quarry.query.q1.status')).to.equal(true);
    expect(await delivered(worker, 'quarry.coordinator.task-status')).to.equal(true);
    expect(await delivered(worker, 'quarry.worker.heartbeat')).to.equal(true);
    expect(await delivered(worker, 'quarry.worker.worker-2.tasks')).to.equal(false);
    expect(await delivered(worker, 'quarry.query.q1.status')).to.equal(false);
  });
});
