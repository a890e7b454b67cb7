import { expect } from 'chai';
import { FailureDetector } from '../src/failure-detector.js';
import { Mailbox } from '../src/mailbox.js';

describe('FailureDetector', () => {
  it('declares a member dead once its heartbeats stop for longer than the timeout, exactly once', () => {
    let now = 0;
    const fd = new FailureDetector<string>(1500, () => now);
    expect(fd.heartbeat('a', 'x')).to.equal(true);
    expect(fd.heartbeat('b', 'y')).to.equal(true);
    for (now = 500; now <= 3000; now += 500) {
      fd.heartbeat('b', 'y');
      if (now === 1500) expect(fd.sweep()).to.deep.equal([]);
    }
    now = 3000;
    const dead = fd.sweep();
    expect(dead.map((d) => d.id)).to.deep.equal(['a']);
    expect(dead[0]!.silentForMs).to.equal(3000);
    expect(fd.sweep()).to.deep.equal([]);
    expect(fd.has('a')).to.equal(false);
    expect(fd.has('b')).to.equal(true);
  });

  it('treats a dead member that heartbeats again as joining anew', () => {
    let now = 0;
    const fd = new FailureDetector<number>(100, () => now);
    fd.heartbeat('a', 1);
    expect(fd.heartbeat('a', 2)).to.equal(false);
    now = 500;
    expect(fd.sweep()).to.have.length(1);
    expect(fd.heartbeat('a', 3)).to.equal(true);
    expect(fd.get('a')).to.deep.equal({ info: 3, ageMs: 0 });
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
