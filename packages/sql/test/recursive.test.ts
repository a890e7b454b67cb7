/**
 * WITH RECURSIVE unrolled as Trino does (`planner/recursive.ts`): results over a table run as one
 * operator tree and as distributed stages; the unrolled plan has the anchor, max_recursion_depth
 * levels and the checking level; session max_recursion_depth is checked; an unrolled plan past the
 * operator limit is refused before it is built in full.
 */
import { expect } from 'chai';
import { QuarryError } from '@quarry/common';
import { runCases } from './support/cases.js';
import { logical } from './support/run.js';
import { shopConnector } from './support/data.js';
import type { PlanNode } from '../src/plan/nodes.js';

runCases([
  {
    sql: 'WITH RECURSIVE r(id, hops) AS (SELECT min(id), 0 FROM orders UNION ALL SELECT o.id, r.hops + 1 FROM orders o JOIN r ON o.id = r.id + 2 WHERE r.hops < 3) SELECT * FROM r ORDER BY 1',
    rows: [
      [1, 0],
      [3, 1],
      [5, 2],
      [7, 3],
    ],
  },
  {
    sql: 'WITH RECURSIVE t(name, n) AS (SELECT name, 1 FROM customers WHERE tier = 1 UNION SELECT name, n + 1 FROM t WHERE n < 3) SELECT count(*), count(DISTINCT name), max(n) FROM t',
    rows: [[6, 2, 3]],
  },
]);

async function refusal(sql: string, properties: Record<string, string> = {}): Promise<QuarryError> {
  try {
    await logical(sql, shopConnector(), properties);
  } catch (e) {
    if (e instanceof QuarryError) return e;
    throw e;
  }
  throw new Error(`planned: ${sql}`);
}

/** The inputs of the outermost Union under `node`. */
function unionInputs(node: PlanNode): number {
  if (node.kind === 'Union') return node.inputs.length;
  if (!('input' in node)) throw new Error(`no union under ${node.kind}`);
  return unionInputs(node.input);
}

const SEQUENCE =
  'WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t WHERE n < 3) SELECT n FROM t';

describe('WITH RECURSIVE planning', () => {
  it('unrolls to the anchor, max_recursion_depth levels and one checking level', async () => {
    expect(unionInputs(await logical(SEQUENCE))).to.equal(12);
    expect(unionInputs(await logical(SEQUENCE, shopConnector(), { max_recursion_depth: '3' }))).to.equal(5);
  });

  it('checks session max_recursion_depth', async () => {
    for (const value of ['0', '-1', '1.5', 'ten', '', '1001']) {
      const e = await refusal(SEQUENCE, { max_recursion_depth: value });
      expect(e.code, value).to.equal('INVALID_SESSION_PROPERTY');
      expect(e.message).to.include(`max_recursion_depth='${value}' is invalid`);
    }
  });

  it('refuses an unrolled plan past the operator limit', async () => {
    const e = await refusal(SEQUENCE, { max_recursion_depth: '1000' });
    expect(e.code).to.equal('QUERY_TOO_COMPLEX');
    expect(e.message).to.equal(
      "line 1:16: Recursive WITH query 't' unrolls to more than 2000 operators at max_recursion_depth 1000: lower max_recursion_depth or simplify the query",
    );
  });
});
