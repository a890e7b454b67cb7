import { expect } from 'chai';
import { Worker as Thread } from 'node:worker_threads';
import { QuarryError } from '@quarry/common';
import { SharedSpillLimits, SpillBudget } from '../src/spill-budget.js';

const caps = { perNode: 1000, perQuery: 600 };

function refusal(f: () => void): QuarryError {
  try {
    f();
  } catch (e) {
    return e as QuarryError;
  }
  throw new Error('not refused');
}

describe('spill budget shared by task threads', () => {
  it("counts each query's tasks together and all queries against the node", () => {
    const budget = new SpillBudget(4);
    const a1 = budget.lease('qa');
    const a2 = budget.lease('qa');
    const b = budget.lease('qb');
    expect(a1.query).to.equal(a2.query);
    expect(b.query).to.not.equal(a1.query);
    const la1 = new SharedSpillLimits(budget.buffer, a1, caps);
    const la2 = new SharedSpillLimits(budget.buffer, a2, caps);
    const lb = new SharedSpillLimits(budget.buffer, b, caps);
    la1.reserve(400);
    const perQuery = refusal(() => la2.reserve(201));
    expect(perQuery.code).to.equal('EXCEEDED_SPILL_LIMIT');
    expect(perQuery.message).to.equal(
      'Query exceeded per-query local spill limit of 1kB (query-max-spill-per-node)',
    );
    la2.reserve(200);
    lb.reserve(400);
    const perNode = refusal(() => lb.reserve(1));
    expect(perNode.message).to.equal('Query exceeded local spill limit of 1kB (max-spill-per-node)');
    expect(budget.nodeBytes, 'refusals take nothing').to.equal(1000);
    la1.release(400);
    lb.reserve(1);
    expect(budget.nodeBytes).to.equal(601);
  });

  it('takes back what a task did not give back when it ends, and reuses its slots', () => {
    const budget = new SpillBudget(1);
    const lease = budget.lease('q');
    new SharedSpillLimits(budget.buffer, lease, caps).reserve(500);
    budget.end('q', lease);
    expect(budget.nodeBytes).to.equal(0);
    const again = budget.lease('other');
    expect(again).to.deep.equal(lease);
    // the query's counter is back to zero too: the new query may spill up to its own limit
    new SharedSpillLimits(budget.buffer, again, caps).reserve(600);
    expect(() => budget.lease('third')).to.throw(/more than 1 tasks at once/);
  });

  it('holds across threads: concurrent reservations never pass the node limit', async () => {
    const budget = new SpillBudget(4);
    const leases = ['q1', 'q2', 'q3', 'q4'].map((q) => budget.lease(q));
    // threads load the built package: worker threads do not go through the test's TypeScript loader
    const url = new URL('../dist/spill-budget.js', import.meta.url).href;
    // each takes 1-byte reservations until refused, then says how many it got
    const code = `
      const { workerData, parentPort } = require('node:worker_threads');
      import(workerData.url).then(({ SharedSpillLimits }) => {
        const limits = new SharedSpillLimits(workerData.buffer, workerData.lease, workerData.caps);
        let n = 0;
        for (;;) { try { limits.reserve(1); n++; } catch { break; } }
        parentPort.postMessage(n);
      });`;
    const taken = await Promise.all(
      leases.map(
        (lease) =>
          new Promise<number>((resolve, reject) => {
            const t = new Thread(code, {
              eval: true,
              workerData: {
                url,
                buffer: budget.buffer,
                lease,
                caps: { perNode: 100_000, perQuery: 100_000 },
              },
            });
            t.once('message', (n: number) => resolve(n));
            t.once('error', reject);
          }),
      ),
    );
    expect(taken.reduce((a, b) => a + b, 0)).to.equal(100_000);
    expect(budget.nodeBytes).to.equal(100_000);
  });
});
