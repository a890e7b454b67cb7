import { expect } from 'chai';
import { QuarryError } from '@quarry/common';
import { loadCatalogs } from '@quarry/connectors';
import { parseStatement, planStatement, type PlanFragment } from '@quarry/sql';
import { checkFragment, decodeCommand } from '../src/check-task.js';

/** A real plan fragment, as the coordinator would send it. */
async function plannedFragment(): Promise<PlanFragment> {
  const plan = await planStatement(
    parseStatement('select n_name from tpch.tiny.nation'),
    loadCatalogs(undefined),
    {
      properties: {},
      now: new Date(),
    },
  );
  return JSON.parse(JSON.stringify(plan.fragments.at(-1))) as PlanFragment;
}

const task = {
  queryId: 'q1',
  queryAttempt: 0,
  taskId: '1.0.0',
  stageId: 1,
  partition: 0,
  attempt: 0,
  fragment: { id: 1, root: { kind: 'values' } },
  splits: [{ catalog: 'tpch', info: { table: 'nation', part: 0 } }],
  inputs: [],
  output: { exchangeId: 's1', partitionCount: 1 },
  exchange: { codec: 'NONE' },
  memoryLimitBytes: 1 << 20,
};

function refusal(value: unknown): QuarryError {
  try {
    decodeCommand(value);
  } catch (e) {
    expect(e).to.be.instanceOf(QuarryError);
    return e as QuarryError;
  }
  throw new Error(`accepted ${JSON.stringify(value)}`);
}

describe('worker commands are checked before the worker acts', () => {
  it('passes a well-formed run and cancel through, the fragment checked', async () => {
    const real = { ...task, fragment: await plannedFragment() };
    const run = decodeCommand({ type: 'run', task: real });
    expect(run).to.deep.equal({ type: 'run', task: real });
    // a fragment of the right shape but no real plan node is refused by validatePlanFragment
    expect(refusal({ type: 'run', task }).message).to.match(/not a known plan node/);
    expect(decodeCommand({ type: 'cancel', queryId: 'q1', taskIds: ['1.0.0'] })).to.deep.equal({
      type: 'cancel',
      queryId: 'q1',
      taskIds: ['1.0.0'],
    });
  });

  it('refuses a fragment that is not an object, in the one marked place', () => {
    for (const fragment of [null, 5, 'code()', [1, 2]]) {
      const e = refusal({ type: 'run', task: { ...task, fragment } });
      expect(e.code).to.equal('INVALID_MESSAGE');
      expect(e.message).to.match(/at \/task\/fragment|at \/fragment/);
    }
    expect(() => checkFragment(null)).to.throw(QuarryError, /Invalid task spec at \/fragment/);
  });

  it('refuses what would reach outside the exchange or the subject space', () => {
    const cases: [unknown, RegExp][] = [
      [{ type: 'run', task: { ...task, queryId: '../../etc' } }, /at \/task\/queryId/],
      [
        { type: 'run', task: { ...task, output: { exchangeId: 's1/../x', partitionCount: 1 } } },
        /exchangeId/,
      ],
      [
        {
          type: 'run',
          task: {
            ...task,
            inputs: [
              {
                fragmentId: 2,
                files: [{ uri: 'file:///x/../../etc/passwd', partition: 0, bytes: 1, pages: 1 }],
              },
            ],
          },
        },
        /\/task\/inputs\/0\/files\/0\/uri/,
      ],
      [
        { type: 'run', task: { ...task, exchange: { codec: 'NONE', secretKey: new Uint8Array(3) } } },
        /secretKey/,
      ],
      [{ type: 'run', task: { ...task, splits: 'all' } }, /\/task\/splits: Expected array/],
      [{ type: 'cancel', queryId: 'q1', taskIds: ['>'] }, /\/taskIds\/0/],
      [{ type: 'exec', code: 'process.exit()' }, /at \/type: Expected one of run, cancel/],
    ];
    for (const [value, message] of cases) {
      const e = refusal(value);
      expect(e.code).to.equal('INVALID_MESSAGE');
      expect(e.message).to.match(message);
    }
  });
});
