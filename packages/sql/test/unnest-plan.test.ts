/** UNNEST and LATERAL in plans: where the Unnest node goes, what the optimizer does around it. */
import { expect } from 'chai';
import { UnnestOperator } from '../src/operators/unnest.js';
import { pageFromRows, type Page } from '../src/page/block.js';
import { validatePlanFragment } from '../src/index.js';
import { explainLogicalPlan } from '../src/plan/explain.js';
import type { PlanFragment } from '../src/plan/fragment.js';
import { expectError } from './support/errors.js';
import type { PlanNode, UnnestNode } from '../src/plan/nodes.js';
import { arrayType, INTEGER, VARCHAR } from '../src/types/types.js';
import { logical, plan, runDistributed, runLocal } from './support/run.js';

function find(node: PlanNode, kind: PlanNode['kind']): PlanNode | undefined {
  if (node.kind === kind) return node;
  for (const key of ['input', 'build'] as const) {
    const child = (node as unknown as Record<string, PlanNode | undefined>)[key];
    const found = child && find(child, kind);
    if (found) return found;
  }
  return undefined;
}

describe('UNNEST in plans', () => {
  it('pushes a filter on the left side below the Unnest and prunes what nobody reads', async () => {
    const sql = 'select customer, x from orders, unnest(array[qty, id]) u(x) where id < 3 and x > 1';
    const root = await logical(sql);
    const unnest = find(root, 'Unnest') as UnnestNode;
    expect(unnest, 'an Unnest node').to.not.equal(undefined);
    // id < 3 reads only the left side: below; x > 1 reads the element: above
    expect(explainLogicalPlan(unnest.input)).to.match(/Filter lt\b.*#0, 3/);
    expect(explainLogicalPlan(root)).to.match(/Filter gt\b.*\n.*- Unnest/);
    // only customer is replicated: id and qty are read by the array below the Unnest
    expect(unnest.replicate).to.have.length(1);
  });

  it('runs in the source stage, distributed over the splits', async () => {
    const distributed = await plan('select x from orders cross join unnest(array[id, id]) as u(x)');
    const withUnnest = distributed.fragments.filter((f) => find(f.root, 'Unnest'));
    expect(withUnnest).to.have.length(1);
    expect(find(withUnnest[0]!.root, 'TableScan'), 'with the scan').to.not.equal(undefined);
    const sql = 'select id, x, n from orders cross join unnest(array[id, 10 * id]) with ordinality u(x, n)';
    const local = await runLocal(sql);
    const remote = await runDistributed(sql, 3);
    expect(remote.rows.length)
      .to.equal(local.rows.length * 1)
      .and.be.greaterThan(0);
    expect([...remote.rows].sort()).to.deep.equal([...local.rows].sort());
  });

  it('refuses a forged Unnest of a column that is neither an array nor a map', async () => {
    const distributed = await plan('select id, x from orders cross join unnest(array[id]) as u(x)');
    const fragment = distributed.fragments.find((f) => find(f.root, 'Unnest'))!;
    expect(validatePlanFragment(fragment)).to.equal(fragment);
    const forged = JSON.parse(JSON.stringify(fragment)) as PlanFragment;
    const unnest = find(forged.root, 'Unnest') as unknown as { unnest: number[]; replicate: number[] };
    unnest.unnest = [unnest.replicate[0]!];
    expectError(() => validatePlanFragment(forged), 'INVALID_MESSAGE', /unnest\[0\] is not an array or map/);
  });

  it('pads shorter collections with NULL, keeps empty ones under outer, and bounds its pages', async () => {
    const types = [VARCHAR, arrayType(INTEGER), arrayType(VARCHAR)];
    const long = Array.from({ length: 20_000 }, (_, i) => i);
    const input = pageFromRows(types, [
      ['a', [1, 2], ['x']],
      ['b', [], null],
      ['c', long, []],
    ]);
    const source: PlanNode = {
      kind: 'Values',
      rows: [],
      outputs: types.map((type, i) => ({ name: `c${i}`, type })),
    };
    const node: UnnestNode = {
      kind: 'Unnest',
      input: source,
      replicate: [0],
      unnest: [1, 2],
      ordinality: true,
      outer: true,
      outputs: [
        { name: 'k', type: VARCHAR },
        { name: 'i', type: INTEGER },
        { name: 's', type: VARCHAR },
        { name: 'n', type: INTEGER },
      ],
    };
    const op = new UnnestOperator(node, {
      execute: async function* () {
        yield input;
      },
    });
    const pages: Page[] = [];
    for await (const p of op.execute()) pages.push(p);
    expect(pages.every((p) => p.rowCount <= 8192)).to.equal(true);
    const rows = pages.flatMap((p) =>
      Array.from({ length: p.rowCount }, (_, r) => p.blocks.map((b) => (b.nulls?.[r] ? null : b.values[r]))),
    );
    expect(rows.slice(0, 3)).to.deep.equal([
      ['a', 1, 'x', 1],
      ['a', 2, null, 2],
      ['b', null, null, null],
    ]);
    expect(rows).to.have.length(3 + 20_000);
    expect(rows.at(-1)).to.deep.equal(['c', 19_999, null, 20_000]);
  });
});
