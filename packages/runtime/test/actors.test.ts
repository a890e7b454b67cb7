import { expect } from 'chai';
import { QuarryError } from '@quarry/common';
import { startNats, uniquePrefix } from '@quarry/testkit';
import { ActorSystem } from '../src/actors.js';
import { decodeLenient, encode } from '../src/codec.js';

/** Takes any value as it is: for tests of the plumbing, not of validation. */
const asIs = <M>(v: unknown) => v as M;

describe('actors over a real nats-server', function () {
  this.timeout(20_000);
  let nats: Awaited<ReturnType<typeof startNats>>;
  let a: ActorSystem;
  let b: ActorSystem;

  before(async () => {
    nats = await startNats();
    const prefix = uniquePrefix();
    a = await ActorSystem.connect({ servers: nats.url, prefix });
    b = await ActorSystem.connect({ servers: nats.url, prefix });
  });

  after(async () => {
    await a?.close();
    await b?.close();
    await nats?.stop();
  });

  it('asks across connections, msgpack both ways, and gets errors back as the same class', async () => {
    a.spawn('calc', asIs<{ x: number; y: number }>, (m) => {
      if (m.y === 0) throw new QuarryError('DIVISION_BY_ZERO', 'Division by zero');
      return { q: m.x / m.y, big: 2n ** 70n };
    });
    await a.nc.flush();
    expect(await b.ask<{ q: number; big: string }>('calc', { x: 6, y: 3 })).to.deep.equal({
      q: 2,
      big: String(2n ** 70n),
    });
    const err = await b.ask('calc', { x: 1, y: 0 }).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(QuarryError);
    expect((err as QuarryError).code).to.equal('DIVISION_BY_ZERO');
    expect((err as QuarryError).type).to.equal('USER_ERROR');
  });

  it('handles one message at a time per actor', async () => {
    let inside = 0;
    let max = 0;
    a.spawn('slow', asIs, async () => {
      inside++;
      max = Math.max(max, inside);
      await new Promise((r) => setTimeout(r, 20));
      inside--;
      return 'ok';
    });
    await a.nc.flush();
    await Promise.all(Array.from({ length: 5 }, () => b.ask('slow', {})));
    expect(max).to.equal(1);
  });

  it('delivers tells in order, and times out asks nobody answers', async () => {
    const got: number[] = [];
    a.spawn('sink', asIs<number>, (n) => void got.push(n));
    await a.nc.flush();
    for (let i = 0; i < 50; i++) b.tell('sink', i);
    await b.nc.flush();
    await new Promise((r) => setTimeout(r, 100));
    expect(got).to.deep.equal(Array.from({ length: 50 }, (_, i) => i));
    const e = (await b.ask('nobody.home', {}, 300).catch((x: unknown) => x)) as QuarryError;
    expect(e.code).to.equal('MESSAGING_ERROR');
    expect(e.message).to.match(/no actor is listening|no reply within/);
  });

  it('answers JSON requests in JSON and refuses oversized messages unread', async () => {
    a.spawn('echo', asIs, (m) => m, { acceptJson: true, maxMessageBytes: 1000 });
    await a.nc.flush();
    const r = await b.nc.request(a.subject('echo'), '{"hello": [1, 2]}', { timeout: 2000 });
    expect(JSON.parse(Buffer.from(r.data).toString())).to.deep.equal({ ok: true, value: { hello: [1, 2] } });
    const big = await b.nc.request(a.subject('echo'), JSON.stringify({ s: 'x'.repeat(2000) }), {
      timeout: 2000,
    });
    const reply = JSON.parse(Buffer.from(big.data).toString());
    expect(reply.ok).to.equal(false);
    expect(reply.error.message).to.match(/exceeds the limit of 1000 bytes/);
  });

  it('tells JSON from msgpack', () => {
    expect(decodeLenient(Buffer.from(' {"a":1}')).format).to.equal('json');
    expect(decodeLenient(encode({ a: 1 }))).to.deep.equal({ value: { a: 1 }, format: 'msgpack' });
    expect(() => decodeLenient(new Uint8Array(0))).to.throw(/Empty message/);
  });
});
