import { expect } from 'chai';
import { QuarryError, type Logger } from '@quarry/common';
import { internalCommunicationFromProperties, Membership, membershipFor } from '../src/membership.js';
import {
  deriveKeys,
  openSecret,
  sealSecret,
  sign,
  Verifier,
  type ReceivedSignature,
  type Signed,
} from '../src/signing.js';

const SECRET = 'a-shared-secret-of-the-cluster';
const keys = deriveKeys(SECRET);
const body = new TextEncoder().encode('{"workerId":"w1","state":"FINISHED"}');
const SUBJECT = 'quarry.coordinator.task-status';
const NOW = 1_800_000_000_000;

const received = (s: Signed): ReceivedSignature => ({
  sender: s.sender,
  time: String(s.time),
  nonce: s.nonce,
  signature: s.signature,
});

describe('message signatures', () => {
  it('accepts a genuine message once and names its sender', () => {
    const v = new Verifier(keys.signing);
    const s = sign(keys.signing, { subject: SUBJECT, body, sender: 'w1', now: NOW });
    expect(v.verify(SUBJECT, body, received(s), NOW + 5)).to.deep.equal({ sender: 'w1' });
    expect(v.verify(SUBJECT, body, received(s), NOW + 6)).to.deep.equal({ refused: 'replayed' });
  });

  it('refuses a message when any signed field is changed', () => {
    const s = sign(keys.signing, { subject: SUBJECT, body, sender: 'w1', now: NOW });
    const tampered: [string, string, Uint8Array, ReceivedSignature][] = [
      ['subject', 'quarry.worker.heartbeat', body, received(s)],
      ['body', SUBJECT, new TextEncoder().encode('{"workerId":"w1","state":"FAILED"}'), received(s)],
      ['sender', SUBJECT, body, { ...received(s), sender: 'w2' }],
      ['time', SUBJECT, body, { ...received(s), time: String(s.time + 1) }],
      ['nonce', SUBJECT, body, { ...received(s), nonce: `${s.nonce.slice(0, -1)}x` }],
      [
        'signature',
        SUBJECT,
        body,
        { ...received(s), signature: `${s.signature[0] === 'A' ? 'B' : 'A'}${s.signature.slice(1)}` },
      ],
    ];
    for (const [field, subject, b, got] of tampered) {
      // a fresh verifier each time: the refusal is the signature's, not the replay cache's
      expect(new Verifier(keys.signing).verify(subject, b, got, NOW), field).to.deep.equal({
        refused: 'bad-signature',
      });
    }
  });

  it('refuses unsigned, malformed, and wrong-secret messages', () => {
    const v = new Verifier(keys.signing);
    expect(v.verify(SUBJECT, body, {}, NOW)).to.deep.equal({ refused: 'unsigned' });
    const s = sign(keys.signing, { subject: SUBJECT, body, sender: 'w1', now: NOW });
    expect(v.verify(SUBJECT, body, { ...received(s), sender: 'w1\nx' }, NOW)).to.deep.equal({
      refused: 'malformed',
    });
    expect(v.verify(SUBJECT, body, { ...received(s), time: 'soon' }, NOW)).to.deep.equal({
      refused: 'malformed',
    });
    expect(v.verify(SUBJECT, body, { sender: 'w1' }, NOW)).to.deep.equal({ refused: 'malformed' });
    const other = deriveKeys('another-secret-entirely-here');
    const forged = sign(other.signing, { subject: SUBJECT, body, sender: 'w1', now: NOW });
    expect(v.verify(SUBJECT, body, received(forged), NOW)).to.deep.equal({ refused: 'bad-signature' });
  });

  it('refuses messages signed outside the window, either way', () => {
    const v = new Verifier(keys.signing, { windowMs: 30_000 });
    const old = sign(keys.signing, { subject: SUBJECT, body, sender: 'w1', now: NOW - 30_001 });
    const future = sign(keys.signing, { subject: SUBJECT, body, sender: 'w1', now: NOW + 30_001 });
    const edge = sign(keys.signing, { subject: SUBJECT, body, sender: 'w1', now: NOW - 30_000 });
    expect(v.verify(SUBJECT, body, received(old), NOW)).to.deep.equal({ refused: 'stale' });
    expect(v.verify(SUBJECT, body, received(future), NOW)).to.deep.equal({ refused: 'stale' });
    expect(v.verify(SUBJECT, body, received(edge), NOW)).to.deep.equal({ sender: 'w1' });
  });

  it('keeps a bounded nonce cache, refusing what it can no longer tell from a replay', () => {
    const v = new Verifier(keys.signing, { nonceCapacity: 3 });
    const msgs = [0, 1, 2, 3].map((i) =>
      sign(keys.signing, { subject: SUBJECT, body, sender: 'w1', now: NOW + i }),
    );
    for (const [i, m] of msgs.entries())
      expect(v.verify(SUBJECT, body, received(m), NOW + 10), `message ${i}`).to.deep.equal({ sender: 'w1' });
    // the first nonce was forgotten to make room: a replay of it is refused by time instead
    expect(v.verify(SUBJECT, body, received(msgs[0]!), NOW + 11)).to.deep.equal({ refused: 'stale' });
    expect(v.verify(SUBJECT, body, received(msgs[3]!), NOW + 11)).to.deep.equal({ refused: 'replayed' });
  });

  it('refuses secrets shorter than 16 characters', () => {
    expect(() => deriveKeys('short')).to.throw(QuarryError, /at least 16 characters/);
  });
});

describe('sealed secrets', () => {
  const key = new Uint8Array(32).map((_, i) => i);

  it('open with the same shared secret and context only', () => {
    const sealed = sealSecret(keys.sealing, key, 'query_1');
    expect(Buffer.from(sealed).includes(Buffer.from(key))).to.equal(false);
    expect([...openSecret(keys.sealing, sealed, 'query_1')]).to.deep.equal([...key]);
    const other = deriveKeys('another-secret-entirely-here');
    expect(() => openSecret(other.sealing, sealed, 'query_1')).to.throw(QuarryError, /does not open/);
    expect(() => openSecret(keys.sealing, sealed, 'query_2')).to.throw(QuarryError, /does not open/);
    const flipped = new Uint8Array(sealed);
    flipped[20]! ^= 1;
    expect(() => openSecret(keys.sealing, flipped, 'query_1')).to.throw(QuarryError, /does not open/);
    expect(() => openSecret(keys.sealing, key, 'query_1')).to.throw(QuarryError);
  });

  it('signing and sealing keys differ', () => {
    expect(keys.signing.equals(keys.sealing)).to.equal(false);
  });
});

describe('refusals', () => {
  it('are counted every time and logged at most once per claimed sender and minute', async () => {
    const logged: unknown[] = [];
    const logger = { warn: (o: unknown) => void logged.push(o) } as unknown as Logger;
    let now = NOW;
    const m = new Membership({
      secret: SECRET,
      sender: 'coordinator',
      isInternal: () => true,
      logger,
      now: () => now,
    });
    const forged = new Membership({
      secret: 'some-other-secret-entirely',
      sender: 'w9',
      isInternal: () => true,
    });
    const send = () => m.verify(SUBJECT, body, forged.sign(SUBJECT, body));
    for (let i = 0; i < 3; i++) expect(send()).to.be.instanceOf(QuarryError);
    expect(m.verify(SUBJECT, body, undefined)).to.be.instanceOf(QuarryError);
    expect(logged).to.have.length(2, 'one line for w9, one for unsigned messages');
    now += 61_000;
    expect(send()).to.be.instanceOf(QuarryError);
    expect(logged).to.have.length(3);
    expect(logged[2]).to.deep.include({ sender: 'w9', reason: 'bad-signature', suppressedBefore: 2 });
    const counts = (await m.refusals.get()).values.map((v) => [v.labels['reason'], v.value]);
    expect(counts).to.deep.equal([
      ['bad-signature', 4],
      ['unsigned', 1],
    ]);
    expect(JSON.stringify(logged)).to.not.include(SECRET);
  });
});

describe('internal-communication properties', () => {
  const role = { role: 'worker', sender: 'w1', isInternal: () => true };

  it('default to nothing, which starts no member', () => {
    expect(internalCommunicationFromProperties({})).to.deep.equal({});
    expect(() => membershipFor({}, role)).to.throw(
      QuarryError,
      /The worker needs the cluster's shared secret: set internal-communication.shared-secret/,
    );
  });

  it('read the secret (trimmed) and the insecure opt-out, and reject a bad boolean', () => {
    const c = internalCommunicationFromProperties({ 'internal-communication.shared-secret': ` ${SECRET} ` });
    expect(c).to.deep.equal({ sharedSecret: SECRET });
    expect(membershipFor(c, role)).to.be.instanceOf(Membership);
    const insecure = internalCommunicationFromProperties({ 'internal-communication.insecure': 'true' });
    expect(membershipFor(insecure, role)).to.equal(undefined);
    expect(() =>
      internalCommunicationFromProperties({ 'internal-communication.insecure': 'maybe' }),
    ).to.throw(QuarryError, /internal-communication.insecure='maybe' is invalid: expected true or false/);
  });
});
