import { expect } from 'chai';
import { DEFAULT_TIME_LIMITS, exceededTimeLimit, sessionTimeLimits } from '../src/time-limits.js';

const limits = { maxRunMs: 10_000, maxPlanningMs: 2_000, maxExecutionMs: 5_000 };

describe('query time limits', () => {
  it('counts run time from submission, planning time while planning, execution time while running', () => {
    const queued = { state: 'QUEUED' as const, created: 0 };
    expect(exceededTimeLimit(queued, limits, 10_000)).to.equal(undefined);
    expect(exceededTimeLimit(queued, limits, 10_001)?.message).to.equal(
      'Query exceeded the maximum run time limit of 10.00s (query.max-run-time)',
    );
    const planning = { state: 'PLANNING' as const, created: 0, planningStarted: 1_000 };
    expect(exceededTimeLimit(planning, limits, 3_000)).to.equal(undefined);
    expect(exceededTimeLimit(planning, limits, 3_001)?.code).to.equal('EXCEEDED_TIME_LIMIT');
    const running = {
      state: 'RUNNING' as const,
      created: 0,
      planningStarted: 1_000,
      executionStarted: 4_000,
    };
    expect(exceededTimeLimit(running, limits, 9_000)).to.equal(undefined);
    expect(exceededTimeLimit(running, limits, 9_001)?.message).to.include(
      'maximum execution time limit of 5.00s',
    );
    expect(exceededTimeLimit({ ...running, state: 'FINISHED' }, limits, 99_999)).to.equal(undefined);
  });

  it('lets a session lower a limit but never raise it', () => {
    expect(sessionTimeLimits(limits, { query_max_execution_time: '1s' }).maxExecutionMs).to.equal(1_000);
    expect(sessionTimeLimits(limits, { query_max_run_time: '1h' }).maxRunMs).to.equal(10_000);
    expect(sessionTimeLimits(DEFAULT_TIME_LIMITS, {})).to.deep.equal(DEFAULT_TIME_LIMITS);
    expect(() => sessionTimeLimits(limits, { query_max_planning_time: 'soon' })).to.throw(
      /query_max_planning_time/,
    );
  });
});
