import { expect } from 'chai';
import type { QueryState } from '@quarry/protocol';
import { admissible, type Admittable } from '../src/admission.js';

interface Q extends Admittable {
  readonly id: string;
}

/** A query; a QUEUED one is recorded and waiting for admission. */
function q(id: string, user: string, state: QueryState, created: number): Q {
  return { id, user, state, created, awaitingAdmission: state === 'QUEUED' };
}

const ids = (qs: Q[]) => qs.map((x) => x.id);

describe('admission (query.max-concurrent-queries-per-user)', () => {
  it('starts waiting queries oldest first while their user is under the cap', () => {
    const queries = [
      q('a1', 'alice', 'RUNNING', 1),
      q('a2', 'alice', 'QUEUED', 3),
      q('a3', 'alice', 'QUEUED', 2),
      q('b1', 'bob', 'QUEUED', 4),
      q('b2', 'bob', 'QUEUED', 5),
    ];
    expect(ids(admissible(queries, 1))).to.deep.equal(['b1']);
    expect(ids(admissible(queries, 2))).to.deep.equal(['a3', 'b1', 'b2']);
    expect(ids(admissible(queries, 0)), 'no cap').to.deep.equal(['a3', 'a2', 'b1', 'b2']);
  });

  it('counts planning and running queries, not ended ones, nor queries not yet recorded', () => {
    const queries = [
      q('p', 'alice', 'PLANNING', 1),
      q('f', 'alice', 'FINISHED', 0),
      q('x', 'alice', 'FAILED', 0),
      { ...q('new', 'alice', 'QUEUED', 0), awaitingAdmission: false },
      q('w', 'alice', 'QUEUED', 2),
    ];
    expect(ids(admissible(queries, 1))).to.deep.equal([]);
    expect(ids(admissible(queries.slice(1), 1))).to.deep.equal(['w']);
  });

  it('decides the same from the queries a new leader rebuilt, whatever order they come back in', () => {
    const left = [
      q('a2', 'alice', 'QUEUED', 2),
      q('b1', 'bob', 'QUEUED', 3),
      q('a1', 'alice', 'RUNNING', 1),
      q('a0', 'alice', 'QUEUED', 1),
    ];
    expect(ids(admissible(left, 1))).to.deep.equal(['b1']);
    expect(ids(admissible([...left].reverse(), 1))).to.deep.equal(['b1']);
    const afterA1 = left.map((x) => (x.id === 'a1' ? { ...x, state: 'FINISHED' as const } : x));
    expect(ids(admissible(afterA1, 1)), 'the oldest waiting query of alice').to.deep.equal(['a0', 'b1']);
  });
});
