/**
 * Buffering operators account their memory against the task's limit: a hash join's build side,
 * an aggregation's groups, a sort, a window partition, distinct marking. Exceeding the limit is
 * EXCEEDED_LOCAL_MEMORY_LIMIT (INSUFFICIENT_RESOURCES), never a crash; the same query runs within a
 * larger limit.
 */
import { expect } from 'chai';
import { asyncErrorOf } from './support/errors.js';
import { runLocal } from './support/run.js';
import { starConnector } from './support/star.js';

const LIMIT = 16 * 1024;

describe('memory limits of buffering operators', () => {
  const cases: [string, string][] = [
    ['hash join build side', 'SELECT count(*) FROM fact f JOIN fact g ON f.id = g.id'],
    ['semi join build side', 'SELECT count(*) FROM dim_a WHERE a IN (SELECT id FROM fact)'],
    ['aggregation groups', 'SELECT id, count(*) FROM fact GROUP BY id'],
    ['sort', 'SELECT id FROM fact ORDER BY v DESC'],
    ['window partition', 'SELECT id, row_number() OVER (ORDER BY v) FROM fact'],
    ['distinct marking', 'SELECT a, count(DISTINCT id) FROM fact GROUP BY a'],
  ];
  for (const [what, sql] of cases) {
    it(`${what}: EXCEEDED_LOCAL_MEMORY_LIMIT past the limit, rows within a larger one`, async () => {
      const e = await asyncErrorOf(() => runLocal(sql, starConnector(), LIMIT));
      expect(e.code, e.message).to.equal('EXCEEDED_LOCAL_MEMORY_LIMIT');
      expect(e.type).to.equal('INSUFFICIENT_RESOURCES');
      expect(e.message).to.match(/^Query exceeded per-task memory limit of 16kB/);
      expect((await runLocal(sql, starConnector(), 64 << 20)).rows.length).to.be.greaterThan(0);
    });
  }
});
