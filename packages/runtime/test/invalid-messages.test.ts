import { expect } from 'chai';
import { Registry } from 'prom-client';
import { QuarryError, type Logger } from '@quarry/common';
import { startNats, uniquePrefix } from '@quarry/testkit';
import { ActorSystem } from '../src/actors.js';
import { InvalidMessages, type Decoder } from '../src/invalid-messages.js';

/** A decoder for `{ n: integer }`, as the protocol packages make them. */
const decodeN: Decoder<{ n: number }> = (v) => {
  const n = (v as { n?: unknown } | null)?.n;
  if (typeof v !== 'object' || v === null || !Number.isInteger(n))
    throw new QuarryError('INVALID_MESSAGE', 'Invalid test message at /n: Expected integer');
  return v as { n: number };
};

/** Polls until `condition` holds, failing after 5 s. */
async function until(condition: () => Promise<boolean>): Promise<void> {
  for (const deadline = Date.now() + 5000; !(await condition());) {
    if (Date.now() > deadline) throw new Error('condition not met within 5 s');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A logger that keeps its warnings. */
function recordingLogger(lines: unknown[]): Logger {
  const logger = {
    warn: (o: unknown) => void lines.push(o),
    info: () => {},
    debug: () => {},
    error: () => {},
    child: () => logger,
  };
  return logger as unknown as Logger;
}

describe('invalid messages over a real nats-server', function () {
  this.timeout(20_000);
  let nats: Awaited<ReturnType<typeof startNats>>;
  let a: ActorSystem;
  let b: ActorSystem;
  const warnings: unknown[] = [];

  before(async () => {
    nats = await startNats();
    const prefix = uniquePrefix();
    a = await ActorSystem.connect({ servers: nats.url, prefix, logger: recordingLogger(warnings) });
    b = await ActorSystem.connect({ servers: nats.url, prefix });
  });

  after(async () => {
    await a?.close();
    await b?.close();
    await nats?.stop();
  });

  it('answers an invalid ask with INVALID_MESSAGE naming the field; the handler never sees it', async () => {
    const seen: unknown[] = [];
    a.spawn('double', decodeN, (m) => (seen.push(m), m.n * 2));
    await a.nc.flush();
    const err = (await b.ask('double', { n: 'two' }).catch((e: unknown) => e)) as QuarryError;
    expect(err).to.be.instanceOf(QuarryError);
    expect(err.code).to.equal('INVALID_MESSAGE');
    expect(err.message).to.equal('Invalid test message at /n: Expected integer');
    const garbage = await b.nc.request(a.subject('double'), Uint8Array.of(0xc1), { timeout: 2000 });
    expect(garbage.data.length).to.be.greaterThan(0);
    expect(await b.ask('double', { n: 21 })).to.equal(42);
    expect(seen).to.deep.equal([{ n: 21 }]);
    expect(await a.invalid.count(a.subject('double'))).to.equal(2);
  });

  it('drops invalid tells, counts them on the subscribed subject, and logs once per sender and minute', async () => {
    const got: number[] = [];
    a.spawn('sum', decodeN, (m) => void got.push(m.n));
    await a.nc.flush();
    const before = warnings.length;
    for (const m of [{ n: 1 }, {}, 42, null, { n: 1.5 }, { n: 2 }]) b.tell('sum', m);
    b.nc.publish(a.subject('sum'), Uint8Array.of(0xc1, 0xff));
    await b.nc.flush();
    await until(async () => (await a.invalid.count(a.subject('sum'))) === 5 && got.length === 2);
    expect(got).to.deep.equal([1, 2]);
    expect(await a.invalid.count(a.subject('sum'))).to.equal(5);
    // a plain publish names no sender: the subject stands in, so one line for the five
    expect(warnings.length - before).to.equal(1);
  });

  it('a handler that throws fails that one message, never the actor or the process', async () => {
    a.spawn('fragile', decodeN, (m) => {
      if (m.n === 0) throw new TypeError("Cannot read properties of undefined (reading 'localeCompare')");
      return m.n;
    });
    a.listen(a.subject('fragile-events'), decodeN, (m) => {
      if (m.n === 0) throw new Error('listener bug');
    });
    await a.nc.flush();
    const err = (await b.ask('fragile', { n: 0 }).catch((e: unknown) => e)) as QuarryError;
    expect(err.code).to.equal('GENERIC_INTERNAL_ERROR');
    b.publish(a.subject('fragile-events'), { n: 0 });
    b.publish(a.subject('fragile-events'), { x: 1 });
    expect(await b.ask('fragile', { n: 5 })).to.equal(5);
    await b.nc.flush();
    await until(async () => (await a.invalid.count(a.subject('fragile-events'))) === 1);
  });

  it('checks replies with a decoder, counting and refusing one that fails', async () => {
    a.spawn(
      'liar',
      (v) => v,
      () => ({ n: 'not a number' }),
    );
    await a.nc.flush();
    const err = (await b.ask('liar', {}, 2000, decodeN).catch((e: unknown) => e)) as QuarryError;
    expect(err.code).to.equal('INVALID_MESSAGE');
    expect(await b.invalid.count(b.subject('liar'))).to.equal(1);
  });
});

describe('InvalidMessages', () => {
  it('logs a sender again only after a minute, keeps counting meanwhile, and shows on a registry', async () => {
    let now = 0;
    const lines: unknown[] = [];
    const invalid = new InvalidMessages(recordingLogger(lines), () => now);
    const registry = new Registry();
    invalid.register(registry);
    invalid.register(registry);
    for (let i = 0; i < 10; i++) invalid.refused('p.worker.heartbeat', '_INBOX.abc', new Error('bad'));
    invalid.refused('p.worker.heartbeat', '_INBOX.other', new Error('bad'));
    expect(lines.length).to.equal(2);
    now += 59_999;
    invalid.refused('p.worker.heartbeat', '_INBOX.abc', new Error('bad'));
    expect(lines.length).to.equal(2);
    now += 1;
    invalid.refused('p.worker.heartbeat', '_INBOX.abc', new Error('bad'));
    expect(lines.length).to.equal(3);
    expect(await invalid.count('p.worker.heartbeat')).to.equal(13);
    expect(await registry.metrics()).to.match(
      /quarry_invalid_messages_total\{subject="p.worker.heartbeat"\} 13/,
    );
  });
});
