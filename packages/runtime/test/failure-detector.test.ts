import { expect } from 'chai';
import { FailureDetector, type FailureDetectorOptions } from '../src/failure-detector.js';
import { Mailbox } from '../src/mailbox.js';

describe('FailureDetector', () => {
  /** A detector swept every 100 ms of a clock the test drives; suspicion after 1 s of silence. */
  function detector(extra: Partial<FailureDetectorOptions> = {}) {
    const clock = { now: 0 };
    const fd = new FailureDetector<string>({
      suspectAfterMs: 1000,
      sweepIntervalMs: 100,
      probeDeadlineMs: 5000,
      now: () => clock.now,
      ...extra,
    });
    /** Advances the clock to `t` in sweep-sized steps, heartbeating `alive` each step; returns every sweep's result. */
    const runTo = (t: number, alive: string[] = []) => {
      const out = { suspects: [] as string[], dead: [] as string[] };
      while (clock.now < t) {
        clock.now += 100;
        for (const id of alive) fd.heartbeat(id, 'x');
        const r = fd.sweep();
        out.suspects.push(...r.suspects.map((s) => s.id));
        out.dead.push(...r.dead.map((d) => d.id));
      }
      return out;
    };
    return { fd, clock, runTo };
  }

  it('suspects a silent member once, and only its failed probe makes it dead', () => {
    const { fd, clock, runTo } = detector();
    fd.heartbeat('a', 'x');
    fd.heartbeat('b', 'x');
    const first = runTo(1500, ['b']);
    expect(first).to.deep.equal({ suspects: ['a'], dead: [] });
    expect(fd.get('a')?.suspected).to.equal(true);
    expect(runTo(2000, ['b']).suspects, 'suspected once').to.deep.equal([]);
    const dead = fd.probeGone('a');
    expect(dead?.id).to.equal('a');
    expect(dead?.silentForMs).to.equal(clock.now);
    expect(fd.has('a')).to.equal(false);
    expect(fd.has('b')).to.equal(true);
    expect(fd.probeGone('a'), 'dead only once').to.equal(undefined);
  });

  it('trusts a suspect that answers its probe, and suspects it again only after another silence', () => {
    const { fd, runTo } = detector();
    fd.heartbeat('a', 'x');
    expect(runTo(1200).suspects).to.deep.equal(['a']);
    fd.probeAnswered('a');
    expect(fd.get('a')?.suspected).to.equal(false);
    expect(runTo(2100)).to.deep.equal({ suspects: [], dead: [] });
    expect(runTo(2400).suspects).to.deep.equal(['a']);
  });

  it('declares dead a suspect whose probe went unanswered while this process ran normally', () => {
    const { fd, clock, runTo } = detector();
    fd.heartbeat('a', 'x');
    runTo(1200);
    const sentAt = clock.now;
    runTo(3200);
    expect(fd.probeUnanswered('a', sentAt)?.id).to.equal('a');
  });

  it('probes again instead of declaring dead when this process stalled while the probe was out', () => {
    const { fd, clock, runTo } = detector();
    fd.heartbeat('a', 'x');
    runTo(1200);
    const sentAt = clock.now;
    clock.now += 2500; // a 2.5 s stall: no sweep ran
    expect(fd.sweep(), 'the stalled sweep judges no one').to.deep.equal({ suspects: [], dead: [] });
    expect(fd.probeUnanswered('a', sentAt)).to.equal(undefined);
    expect(fd.has('a')).to.equal(true);
    expect(runTo(clock.now + 200).suspects, 'probed again').to.deep.equal(['a']);
  });

  it('does not count a stall of its own process as silence of the members', () => {
    const { fd, clock, runTo } = detector();
    fd.heartbeat('a', 'x');
    runTo(600, ['a']);
    clock.now += 3000; // the event loop was blocked: heartbeats wait unread in the socket
    expect(fd.sweep()).to.deep.equal({ suspects: [], dead: [] });
    expect(fd.stalls).to.equal(1);
    fd.heartbeat('a', 'x'); // the queued heartbeats are read now
    expect(runTo(clock.now + 800, ['a'])).to.deep.equal({ suspects: [], dead: [] });
  });

  it('judges no one while paused, and forgives the paused stretch', () => {
    const { fd, clock, runTo } = detector();
    fd.heartbeat('a', 'x');
    runTo(500);
    fd.pause();
    expect(runTo(4000)).to.deep.equal({ suspects: [], dead: [] });
    fd.resume();
    expect(runTo(clock.now + 300)).to.deep.equal({ suspects: [], dead: [] });
    expect(runTo(clock.now + 400).suspects, 'silence after the outage counts again').to.deep.equal(['a']);
  });

  it('declares dead a suspect whose probe never reports back, after the probe deadline', () => {
    const { fd, runTo } = detector({ probeDeadlineMs: 1000 });
    fd.heartbeat('a', 'x');
    expect(runTo(1200).suspects).to.deep.equal(['a']);
    expect(runTo(2100).dead).to.deep.equal([]);
    expect(runTo(2300).dead).to.deep.equal(['a']);
  });

  it('treats a dead member that heartbeats again as joining anew', () => {
    const { fd } = detector();
    expect(fd.heartbeat('a', 'x')).to.equal(true);
    expect(fd.heartbeat('a', 'y')).to.equal(false);
    fd.probeGone('a');
    expect(fd.heartbeat('a', 'z')).to.equal(true);
    expect(fd.get('a')).to.deep.equal({ info: 'z', ageMs: 0, suspected: false });
  });
});

describe('Mailbox', () => {
  it('runs jobs one at a time in arrival order, past failures', async () => {
    const errors: unknown[] = [];
    const box = new Mailbox((e) => errors.push(e));
    const log: string[] = [];
    let inside = 0;
    let maxInside = 0;
    for (const id of ['a', 'b', 'c']) {
      box.post(async () => {
        inside++;
        maxInside = Math.max(maxInside, inside);
        await new Promise((r) => setTimeout(r, 5));
        log.push(id);
        inside--;
        if (id === 'b') throw new Error('b failed');
      });
    }
    expect(await box.run(() => 'last')).to.equal('last');
    expect(log).to.deep.equal(['a', 'b', 'c']);
    expect(maxInside).to.equal(1);
    expect(errors.map((e) => (e as Error).message)).to.deep.equal(['b failed']);
  });
});
