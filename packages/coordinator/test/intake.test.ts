import { expect } from 'chai';
import type { SubmitReply } from '@quarry/protocol';
import { ActorSystem, decode, encode, ensureStream, storedOnce, streamName } from '@quarry/runtime';
import { silentLogger } from '@quarry/common';
import { startNats, uniquePrefix } from '@quarry/testkit';
import { Intake } from '../src/intake.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The intake on a real nats-server with JetStream: submissions are stored by the stream and run from
 * it, and each try of a client is answered by pairing its reply subject with the stored copy's outcome.
 */
describe('Intake: submissions stored by JetStream, answered to the tries that ask', function () {
  this.timeout(30_000);
  let nats: Awaited<ReturnType<typeof startNats>>;
  before(async () => (nats = await startNats()));
  after(async () => nats?.stop());

  /** An intake whose `submit` takes `planningMs` (as planning does) and counts its runs. */
  async function intakeOn(prefix: string, planningMs: number) {
    const system = await ActorSystem.connect({ servers: nats.url, prefix });
    const stream = streamName(prefix, 'SUBMISSIONS');
    await ensureStream(system.nc, {
      name: stream,
      subjects: [`${prefix}.query.submit`],
      retention: 'workqueue',
      maxAgeMs: 60_000,
      duplicateWindowMs: 60_000,
    });
    // as the coordinator does: a query id runs once; a later submission of it is answered at once
    const planned: string[] = [];
    const claimed = new Set<string>();
    let next = 0;
    const intake = new Intake({
      system,
      logger: silentLogger(),
      maxBytes: 1 << 20,
      stream,
      refused: async () => {},
      submit: async (raw, _size, recorded): Promise<SubmitReply> => {
        const queryId = (raw as { queryId?: string }).queryId ?? `generated_${next++}`;
        const capability = 'c'.repeat(32);
        if (claimed.has(queryId)) return { queryId, capability, alreadySubmitted: true };
        claimed.add(queryId);
        planned.push((raw as { queryId?: string }).queryId ?? '(none)');
        recorded();
        await sleep(planningMs);
        return { queryId, capability };
      },
    });
    return {
      system,
      planned,
      start: () => intake.start(),
      stop: async () => {
        await intake.stop();
        await system.nc.close();
      },
    };
  }

  /** A client's tries: the same bytes and `Nats-Msg-Id`, each waiting `tryMs`, `gapMs` apart. */
  async function tryUntilAnswered(
    system: ActorSystem,
    message: object,
    o: { tryMs: number; gapMs: number; forMs: number },
  ) {
    const id = (message as { queryId?: string }).queryId;
    const bytes = encode(message);
    const deadline = Date.now() + o.forMs;
    let tries = 0;
    while (Date.now() < deadline) {
      tries++;
      try {
        const msg = await system.nc.request(system.subject('query.submit'), bytes, {
          timeout: o.tryMs,
          ...(id ? { headers: storedOnce(id) } : {}),
        });
        return { tries, reply: decode(msg.data) as { ok: boolean; value?: SubmitReply } };
      } catch (e) {
        if (!/timeout|no responders/i.test(`${(e as Error).name} ${(e as Error).message}`)) throw e;
        await sleep(o.gapMs);
      }
    }
    throw new Error(`no answer in ${o.forMs} ms (${tries} tries)`);
  }

  it('answers a client whose every try times out before planning ends, and runs its query once', async () => {
    const prefix = uniquePrefix('intake');
    const node = await intakeOn(prefix, 1500);
    const client = await ActorSystem.connect({ servers: nats.url, prefix });
    try {
      // the first tries are stored while no coordinator listens; the coordinator starts a moment later
      const asking = tryUntilAnswered(
        client,
        { sql: 'select 1', queryId: 'q_late_1' },
        { tryMs: 300, gapMs: 400, forMs: 12_000 },
      );
      await sleep(800);
      await node.start();
      const { tries, reply } = await asking;
      expect(reply.ok).to.equal(true);
      expect(reply.value?.queryId).to.equal('q_late_1');
      expect(tries).to.be.greaterThan(3);
      expect(node.planned).to.deep.equal(['q_late_1']);
    } finally {
      await client.nc.close();
      await node.stop();
    }
  });

  it('answers a later submission of an id whose outcome was delivered as already submitted, at once', async () => {
    const prefix = uniquePrefix('intake');
    const node = await intakeOn(prefix, 300);
    await node.start();
    const client = await ActorSystem.connect({ servers: nats.url, prefix });
    try {
      const submit = () =>
        tryUntilAnswered(
          client,
          { sql: 'select 1', queryId: 'q_twice' },
          { tryMs: 5000, gapMs: 100, forMs: 10_000 },
        );
      const first = await submit();
      expect(first.reply.value).to.deep.include({ queryId: 'q_twice' });
      expect(first.reply.value?.alreadySubmitted).to.equal(undefined);
      const started = Date.now();
      const second = await submit();
      expect(second.reply.value?.alreadySubmitted).to.equal(true);
      expect(Date.now() - started).to.be.below(1500);
      expect(node.planned).to.deep.equal(['q_twice']);
    } finally {
      await client.nc.close();
      await node.stop();
    }
  });

  it('runs identical submissions without a query id as separate queries, one answer each', async () => {
    const prefix = uniquePrefix('intake');
    const node = await intakeOn(prefix, 50);
    await node.start();
    const client = await ActorSystem.connect({ servers: nats.url, prefix });
    try {
      const once = () =>
        tryUntilAnswered(client, { sql: 'select 1' }, { tryMs: 5000, gapMs: 100, forMs: 10_000 });
      const [a, b] = await Promise.all([once(), once()]);
      expect(a.tries).to.equal(1);
      expect(b.tries).to.equal(1);
      expect(new Set([a.reply.value?.queryId, b.reply.value?.queryId]).size).to.equal(2);
      expect(node.planned).to.deep.equal(['(none)', '(none)']);
    } finally {
      await client.nc.close();
      await node.stop();
    }
  });
});
