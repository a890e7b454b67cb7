import { expect } from 'chai';
import { QuarryError } from '@quarry/common';
import { startNats, uniquePrefix } from '@quarry/testkit';
import { ActorSystem } from '../src/actors.js';
import { encode } from '../src/codec.js';
import { Membership, speaksFor } from '../src/membership.js';

const SECRET = 'membership-test-secret-0123456789';

describe('cluster membership over a real nats-server', function () {
  this.timeout(20_000);
  let nats: Awaited<ReturnType<typeof startNats>>;
  const prefix = uniquePrefix();
  const isInternal = (s: string) => s.startsWith(`${prefix}.internal.`);
  const member = (sender: string, secret = SECRET) => new Membership({ secret, sender, isInternal });
  let receiver: ActorSystem;
  let sender: ActorSystem;
  let outsider: ActorSystem;
  let wrongSecret: ActorSystem;
  const heard: { id: string; sender?: string }[] = [];

  before(async () => {
    nats = await startNats();
    receiver = await ActorSystem.connect({ servers: nats.url, prefix, membership: member('coordinator') });
    sender = await ActorSystem.connect({ servers: nats.url, prefix, membership: member('w1') });
    outsider = await ActorSystem.connect({ servers: nats.url, prefix });
    wrongSecret = await ActorSystem.connect({
      servers: nats.url,
      prefix,
      membership: member('w1', 'not-the-cluster-secret-at-all'),
    });
    const any = <T>(v: unknown): T => v as T;
    receiver.spawn(
      'internal.reports',
      any<{ id: string }>,
      speaksFor(
        (m: { id: string }) => m.id,
        (m: { id: string }, ctx) =>
          void heard.push({ id: m.id, ...(ctx.sender ? { sender: ctx.sender } : {}) }),
      ),
    );
    receiver.spawn('internal.ask', any<{ x: number }>, (m) => m.x * 2);
    receiver.spawn('public.ask', any<{ x: number }>, (m) => m.x + 1);
    await receiver.nc.flush();
  });

  after(async () => {
    for (const s of [receiver, sender, outsider, wrongSecret]) await s?.close();
    await nats?.stop();
  });

  const settle = async () => {
    for (const s of [sender, outsider, wrongSecret]) await s.nc.flush();
    await receiver.nc.flush();
    await new Promise((r) => setTimeout(r, 100));
  };
  const refusals = async () =>
    Object.fromEntries(
      (await receiver.membership!.refusals.get()).values.map((v) => [String(v.labels['reason']), v.value]),
    );

  it('takes signed messages from members and refuses everything else, counting why', async () => {
    sender.tell('internal.reports', { id: 'w1' });
    outsider.tell('internal.reports', { id: 'w1' });
    wrongSecret.tell('internal.reports', { id: 'w1' });
    sender.tell('internal.reports', { id: 'w2' }); // signed by w1, speaks for w2
    await settle();
    expect(heard).to.deep.equal([{ id: 'w1', sender: 'w1' }]);
    expect(await refusals()).to.deep.equal({ unsigned: 1, 'bad-signature': 1, 'wrong-sender': 1 });
  });

  it('refuses an exact replay of a genuine message', async () => {
    heard.length = 0;
    const captured: { data: Uint8Array; headers: unknown }[] = [];
    const sub = outsider.nc.subscribe(`${prefix}.internal.reports`, {
      callback: (_e, m) => void captured.push({ data: m.data, headers: m.headers }),
    });
    await outsider.nc.flush();
    sender.tell('internal.reports', { id: 'w1' });
    await settle();
    expect(captured).to.have.length(1);
    outsider.nc.publish(`${prefix}.internal.reports`, captured[0]!.data, {
      headers: captured[0]!.headers as never,
    });
    await settle();
    sub.unsubscribe();
    expect(heard).to.deep.equal([{ id: 'w1', sender: 'w1' }]);
    expect((await refusals())['replayed']).to.equal(1);
  });

  it('answers an unsigned ask on an internal subject with UNAUTHENTICATED_MESSAGE', async () => {
    expect(await sender.ask<number>('internal.ask', { x: 21 })).to.equal(42);
    const err = (await outsider.ask('internal.ask', { x: 21 }).catch((e: unknown) => e)) as QuarryError;
    expect(err).to.be.instanceOf(QuarryError);
    expect(err.code).to.equal('UNAUTHENTICATED_MESSAGE');
    expect(err.message).to.not.include(SECRET);
  });

  it('refuses a reply to an internal ask that no member signed', async () => {
    // an outsider answers the ask instead of the member
    const fake = outsider.nc.subscribe(`${prefix}.internal.fake`, {
      callback: (_e, m) => void m.respond(encode({ ok: true, value: 'forged' })),
    });
    await outsider.nc.flush();
    const err = (await sender.ask('internal.fake', {}).catch((e: unknown) => e)) as QuarryError;
    fake.unsubscribe();
    expect(err).to.be.instanceOf(QuarryError);
    expect(err.code).to.equal('UNAUTHENTICATED_MESSAGE');
  });

  it('leaves public subjects open to clients without the secret', async () => {
    expect(await outsider.ask<number>('public.ask', { x: 1 })).to.equal(2);
  });
});
