import { expect } from 'chai';
import type { TaskSpec } from '@quarry/cluster-protocol';
import { heldPerRow, matchingRules, parseFailureInjection } from '../src/failure-injection.js';

const task = (over: Partial<TaskSpec> = {}) =>
  ({ queryId: 'chaos_1', queryAttempt: 0, stageId: 1, partition: 2, attempt: 0, ...over }) as TaskSpec;

describe('failure injection rules', () => {
  it('is off when not configured', () => {
    expect(parseFailureInjection(undefined)).to.deep.equal({ tasks: [], worker: [] });
    expect(parseFailureInjection('  ')).to.deep.equal({ tasks: [], worker: [] });
  });

  it('parses task and worker rules', () => {
    const inj = parseFailureInjection(
      'query=chaos_,stage=1,attempt=0,when=midway,action=EXTERNAL; stage=*,when=commit,action=delay,ms=250 ;worker=crash,after=3s;worker=stop-heartbeats,after=500ms',
    );
    expect(inj.tasks).to.deep.equal([
      { when: 'midway', action: 'EXTERNAL', query: 'chaos_', stage: 1, attempt: 0 },
      { when: 'commit', action: 'DELAY', ms: 250 },
    ]);
    expect(inj.worker).to.deep.equal([
      { action: 'CRASH', afterMs: 3000 },
      { action: 'STOP_HEARTBEATS', afterMs: 500 },
    ]);
  });

  it('matches tasks by query prefix, query attempt, stage, partition, attempt and point', () => {
    const inj = parseFailureInjection(
      'query=chaos_,stage=1,partition=2,attempt=0,query-attempt=0,when=start,action=HANG',
    );
    expect(matchingRules(inj, task(), 'start')).to.have.length(1);
    expect(matchingRules(inj, task(), 'midway')).to.have.length(0);
    expect(matchingRules(inj, task({ queryId: 'other' }), 'start')).to.have.length(0);
    expect(matchingRules(inj, task({ attempt: 1 }), 'start')).to.have.length(0);
    expect(matchingRules(inj, task({ queryAttempt: 1 }), 'start')).to.have.length(0);
    expect(matchingRules(inj, task({ partition: 0 }), 'start')).to.have.length(0);
  });

  it('charges memory per input row for HOLD_MEMORY rules of the task, at start only', () => {
    const inj = parseFailureInjection('query=chaos_,stage=1,action=HOLD_MEMORY,bytes-per-row=1000');
    expect(inj.tasks).to.deep.equal([
      { when: 'start', action: 'HOLD_MEMORY', query: 'chaos_', stage: 1, bytesPerRow: 1000 },
    ]);
    expect(heldPerRow(inj, task())).to.equal(1000);
    expect(heldPerRow(inj, task({ stageId: 2 }))).to.equal(0);
    for (const bad of [
      'action=HOLD_MEMORY',
      'action=HOLD_MEMORY,bytes-per-row=0',
      'action=HOLD_MEMORY,bytes-per-row=5,when=midway',
    ])
      expect(() => parseFailureInjection(bad), bad).to.throw(
        'HOLD_MEMORY needs when=start and bytes-per-row',
      );
    expect(() => parseFailureInjection('action=HOLD_MEMORY,bytes-per-row=-1')).to.throw(
      'bytes-per-row must be a non-negative integer',
    );
  });

  it('rejects malformed rules with a message naming the rule', () => {
    expect(() => parseFailureInjection('stage=1,when=start')).to.throw(
      "failure-injection: 'stage=1,when=start': action must be one of",
    );
    expect(() => parseFailureInjection('stage=one,action=HANG')).to.throw(
      'stage must be a non-negative integer or *',
    );
    expect(() => parseFailureInjection('action=HANG,when=later')).to.throw(
      'when must be one of start, midway, commit',
    );
    expect(() => parseFailureInjection('worker=explode')).to.throw(
      "worker= must be 'crash' or 'stop-heartbeats'",
    );
    expect(() => parseFailureInjection('action')).to.throw("expected key=value, got 'action'");
  });
});
