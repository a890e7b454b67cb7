import { expect } from 'chai';
import { QueryLifecycle, TRANSITIONS, type QueryPhase, type RestoredPhase } from '../src/query-lifecycle.js';

const PHASES: readonly QueryPhase[] = ['QUEUED', 'PLANNING', 'RUNNING', 'FINISHING', 'FINISHED', 'FAILED'];

/** The legal path to a phase from QUEUED, through the table. */
const PATH: Readonly<Record<QueryPhase, readonly QueryPhase[]>> = {
  QUEUED: [],
  PLANNING: ['PLANNING'],
  RUNNING: ['PLANNING', 'RUNNING'],
  FINISHING: ['PLANNING', 'RUNNING', 'FINISHING'],
  FINISHED: ['PLANNING', 'RUNNING', 'FINISHING', 'FINISHED'],
  FAILED: ['FAILED'],
};

/** A lifecycle in `phase`, reached by legal moves; refusals are collected in `refusals`. */
function at(phase: QueryPhase): { life: QueryLifecycle; refusals: [QueryPhase, QueryPhase][] } {
  const refusals: [QueryPhase, QueryPhase][] = [];
  const life = new QueryLifecycle((from, to) => refusals.push([from, to]));
  for (const step of PATH[phase]) expect(life.move(step), `${life.phase} → ${step}`).to.equal(true);
  expect(life.phase).to.equal(phase);
  expect(refusals).to.deep.equal([]);
  return { life, refusals };
}

describe('query lifecycle (the query actor’s state machine)', () => {
  it('is queued → planning → running → finishing → finished, and may fail before it ends', () => {
    expect(TRANSITIONS).to.deep.equal({
      QUEUED: ['PLANNING', 'FAILED'],
      PLANNING: ['RUNNING', 'FAILED'],
      RUNNING: ['FINISHING', 'FAILED'],
      FINISHING: ['FINISHED', 'FAILED'],
      FINISHED: [],
      FAILED: [],
    });
  });

  it('applies every legal transition', () => {
    let legal = 0;
    for (const from of PHASES) {
      for (const to of TRANSITIONS[from]) {
        const { life, refusals } = at(from);
        expect(life.can(to), `${from} → ${to}`).to.equal(true);
        expect(life.move(to), `${from} → ${to}`).to.equal(true);
        expect(life.phase).to.equal(to);
        expect(refusals).to.deep.equal([]);
        legal++;
      }
    }
    expect(legal).to.equal(8);
  });

  it('refuses every illegal transition, tells of it, and stays where it was', () => {
    let illegal = 0;
    for (const from of PHASES) {
      for (const to of PHASES) {
        if (TRANSITIONS[from].includes(to)) continue;
        const { life, refusals } = at(from);
        expect(life.can(to), `${from} → ${to}`).to.equal(false);
        expect(life.move(to), `${from} → ${to}`).to.equal(false);
        expect(life.phase, `${from} → ${to}`).to.equal(from);
        expect(refusals).to.deep.equal([[from, to]]);
        illegal++;
      }
    }
    // 36 pairs, 8 of them legal: among the refused, a phase to itself, going back, skipping ahead,
    // and anything out of an end
    expect(illegal).to.equal(28);
  });

  it('ends in FINISHED or FAILED only, and shows FINISHING to clients as RUNNING', () => {
    const ended = PHASES.filter((p) => at(p).life.ended);
    expect(ended).to.deep.equal(['FINISHED', 'FAILED']);
    expect(PHASES.map((p) => at(p).life.state)).to.deep.equal([
      'QUEUED',
      'PLANNING',
      'RUNNING',
      'RUNNING',
      'FINISHED',
      'FAILED',
    ]);
  });

  it('is rebuilt in the phase its records show, and goes on from there', () => {
    const restored: RestoredPhase[] = ['QUEUED', 'RUNNING', 'FINISHED'];
    for (const phase of restored) {
      const refusals: [QueryPhase, QueryPhase][] = [];
      const life = new QueryLifecycle((from, to) => refusals.push([from, to]), phase);
      expect(life.phase).to.equal(phase);
      for (const to of PHASES)
        expect(life.can(to), `${phase} → ${to}`).to.equal(TRANSITIONS[phase].includes(to));
    }
    // a query whose tasks had all finished when its leader died finishes again
    const running = new QueryLifecycle(() => {}, 'RUNNING');
    expect(running.move('FINISHING') && running.move('FINISHED')).to.equal(true);
  });
});
