import { expect } from 'chai';
import { connect, type Msg, type NatsConnection } from '@nats-io/transport-node';
import { QuarryError, randomSuffix } from '@quarry/common';
import { decode, encode } from '@quarry/runtime';
import { startNats } from '@quarry/testkit';
import { QuarryClient } from '../src/index.js';

type Nats = Awaited<ReturnType<typeof startNats>>;

/** What a request ends with, and after how long. */
async function outcome(work: Promise<unknown>): Promise<{ error: QuarryError | undefined; ms: number }> {
  const started = Date.now();
  try {
    await work;
    return { error: undefined, ms: Date.now() - started };
  } catch (e) {
    return { error: e as QuarryError, ms: Date.now() - started };
  }
}

/**
 * The client's side of a coordinator failover, against a real nats-server and no coordinator (or a
 * stand-in answering on the coordinator's subjects): unanswered requests are sent again until
 * `clientTimeoutMs`, then fail with COORDINATOR_UNAVAILABLE; a submission's tries are the same
 * message; an answer — an error reply too — is never asked again.
 */
describe('client requests while no coordinator answers', function () {
  this.timeout(20_000);
  let nats: Nats;
  let nc: NatsConnection;

  before(async () => {
    nats = await startNats();
    nc = await connect({ servers: nats.url });
  });

  after(async () => {
    await nc?.close();
    await nats?.stop();
  });

  const client = (prefix: string, o: { timeoutMs?: number; clientTimeoutMs?: number } = {}) =>
    QuarryClient.connect({ servers: nats.url, prefix, clientTimeoutMs: 1500, ...o });

  it('fails a submission with COORDINATOR_UNAVAILABLE once no coordinator answered for clientTimeoutMs', async () => {
    const c = await client(`none${randomSuffix(4)}`);
    try {
      const { error, ms } = await outcome(c.submit('select 1', { queryId: 'q_unanswered' }));
      expect(error?.code, String(error)).to.equal('COORDINATOR_UNAVAILABLE');
      expect(error!.message).to.match(/^No coordinator answered for 1\.\d\ds: submitting query q_unanswered/);
      expect(error!.message).to.include('no coordinator is listening');
      expect(ms).to.be.at.least(1500).and.below(2500);
    } finally {
      await c.close();
    }
  });

  it('gives up on every other request the same way, saying what was asked', async () => {
    const c = await client(`none${randomSuffix(4)}`, { clientTimeoutMs: 800 });
    try {
      const asks: [string, () => Promise<unknown>][] = [
        ['asking for the cluster info', () => c.workers()],
        ['listing queries', () => c.queries()],
        ['canceling query q1', () => c.cancel('q1')],
      ];
      for (const [what, ask] of asks) {
        const { error, ms } = await outcome(ask());
        expect(error?.code, what).to.equal('COORDINATOR_UNAVAILABLE');
        expect(error!.message).to.include(what);
        expect(ms, what).to.be.at.least(800).and.below(1800);
      }
    } finally {
      await c.close();
    }
  });

  it('sends every try of a submission as the same message, with the query id as Nats-Msg-Id', async () => {
    const prefix = `same${randomSuffix(4)}`;
    const tries: Msg[] = [];
    let unanswered = 2;
    let alreadySubmitted = true;
    // a coordinator that lets the first tries go unanswered (timeouts), then answers
    const sub = nc.subscribe(`${prefix}.query.submit`, {
      callback: (_e, msg) => {
        tries.push(msg);
        if (unanswered-- > 0) return;
        const { queryId } = decode(msg.data) as { queryId: string };
        const value = {
          queryId,
          capability: 'c'.repeat(43),
          ...(alreadySubmitted ? { alreadySubmitted } : {}),
        };
        msg.respond(encode({ ok: true, value }));
      },
    });
    await nc.flush();
    const c = await client(prefix, { timeoutMs: 200, clientTimeoutMs: 5000 });
    try {
      const handle = await c.submit('select 1');
      expect(tries).to.have.length(3);
      const first = decode(tries[0]!.data) as { queryId: string; clientSecret: string };
      expect(first.queryId).to.equal(handle.queryId);
      expect(first.clientSecret).to.have.length.above(16);
      for (const t of tries) {
        expect(Buffer.from(t.data).equals(Buffer.from(tries[0]!.data))).to.equal(true);
        expect(t.headers?.get('Nats-Msg-Id')).to.equal(handle.queryId);
      }
      expect(handle.alreadySubmitted).to.equal(true);
      expect(c.capabilityOf(handle.queryId)).to.equal('c'.repeat(43));
      handle.close();
      // answered at once, without the flag: a first submission, under a new id and secret
      alreadySubmitted = false;
      const fresh = await c.submit('select 1');
      expect(fresh.alreadySubmitted).to.equal(false);
      expect(tries).to.have.length(4);
      const second = decode(tries[3]!.data) as { queryId: string; clientSecret: string };
      expect(second.queryId).to.not.equal(first.queryId);
      expect(second.clientSecret).to.not.equal(first.clientSecret);
      fresh.close();
    } finally {
      sub.unsubscribe();
      await c.close();
    }
  });

  it('never asks again once a coordinator answered, even with an error', async () => {
    const prefix = `err${randomSuffix(4)}`;
    const asked: string[] = [];
    const answer = (error: { code: string; type: string; message: string }) => (_e: unknown, msg: Msg) => {
      asked.push(msg.subject);
      msg.respond(encode({ ok: false, error }));
    };
    const subs = [
      nc.subscribe(`${prefix}.query.*.cancel`, {
        callback: answer({ code: 'QUERY_NOT_FOUND', type: 'USER_ERROR', message: 'Query q1 not found' }),
      }),
      nc.subscribe(`${prefix}.coordinator.info`, {
        callback: answer({ code: 'MESSAGING_ERROR', type: 'EXTERNAL', message: 'the coordinator failed' }),
      }),
    ];
    await nc.flush();
    const c = await client(prefix, { clientTimeoutMs: 5000 });
    try {
      const cancel = await outcome(c.cancel('q1'));
      expect(cancel.error?.code).to.equal('QUERY_NOT_FOUND');
      const workers = await outcome(c.workers());
      expect(workers.error?.code).to.equal('MESSAGING_ERROR');
      expect(workers.error?.message).to.equal('the coordinator failed');
      expect(workers.ms).to.be.below(500);
      await new Promise((r) => setTimeout(r, 300));
      expect(asked).to.deep.equal([`${prefix}.query.q1.cancel`, `${prefix}.coordinator.info`]);
    } finally {
      for (const s of subs) s.unsubscribe();
      await c.close();
    }
  });
});
