import { expect } from 'chai';
import type { TaskUpdate } from '@quarry/cluster-protocol';
import { FinalReports } from '../src/final-reports.js';

const finished = (taskId: string, inlineBytes: number): TaskUpdate => ({
  queryId: 'q1',
  queryAttempt: 0,
  taskId,
  stageId: 1,
  partition: 0,
  attempt: 0,
  workerId: 'w1',
  state: 'FINISHED',
  outputs: [
    {
      uri: 'file:///x/q1/s1/0.0/0.0.qx',
      partition: 0,
      bytes: inlineBytes,
      pages: 1,
      ...(inlineBytes > 0 ? { data: new Uint8Array(inlineBytes) } : {}),
    },
  ],
});

describe('final reports kept for a new leader', () => {
  it('keeps the newest reports within the inline bytes allowed, the oldest out first', () => {
    const reports = new FinalReports({ maxInlineBytes: 250 });
    for (const [id, bytes] of [
      ['a', 100],
      ['b', 0],
      ['c', 100],
      ['d', 100],
    ] as const)
      reports.add(finished(id, bytes));
    expect(reports.recent().map((r) => r.taskId)).to.deep.equal(['b', 'c', 'd']);
    reports.add(finished('e', 0));
    expect(reports.recent().map((r) => r.taskId)).to.deep.equal(['b', 'c', 'd', 'e']);
    reports.add(finished('f', 100));
    expect(reports.recent().map((r) => r.taskId)).to.deep.equal(['d', 'e', 'f']);
  });

  it('still forgets by age and by count', () => {
    let now = 0;
    const reports = new FinalReports({ maxAgeMs: 1000, maxCount: 2, now: () => now });
    reports.add(finished('a', 10));
    reports.add(finished('b', 10));
    reports.add(finished('c', 10));
    expect(reports.recent().map((r) => r.taskId)).to.deep.equal(['b', 'c']);
    now = 5000;
    expect(reports.recent()).to.deep.equal([]);
  });
});
