import { expect } from 'chai';
import { scanConstraint } from '../src/planner/constraint.js';
import { parseDate } from '../src/types/values.js';
import { plan } from './support/run.js';

/** The pruning constraint a source stage's filter gives its scan (for connectors' min/max skipping). */
async function constraintOf(sql: string) {
  const p = await plan(sql);
  const source = p.fragments.find((f) => f.distribution === 'source')!;
  return scanConstraint(source.root)?.constraint;
}

describe('scan constraints from filters', () => {
  it('turns comparisons with literals into ranges on native values, either side', async () => {
    expect(await constraintOf('select id from orders where qty > 3 and qty <= 10')).to.deep.equal({
      qty: { low: { value: 3, inclusive: false }, high: { value: 10, inclusive: true } },
    });
    expect(await constraintOf('select id from orders where 5 < qty')).to.deep.equal({
      qty: { low: { value: 5, inclusive: false } },
    });
    expect(await constraintOf("select id from orders where placed >= date '2024-02-01'")).to.deep.equal({
      placed: { low: { value: parseDate('2024-02-01'), inclusive: true } },
    });
  });

  it('keeps decimals as unscaled values at the column’s scale, and takes the tighter bound', async () => {
    expect(
      await constraintOf('select id from orders where amount < 20.5 and amount < 30 and amount > 1'),
    ).to.deep.equal({
      amount: { low: { value: 100, inclusive: false }, high: { value: 2050, inclusive: false } },
    });
  });

  it('uses IN lists, equalities and IS NULL, and ignores what it cannot use', async () => {
    expect(
      await constraintOf("select id from orders where customer in ('bob', 'dave') and customer = 'bob'"),
    ).to.deep.equal({
      customer: { values: ['bob'] },
    });
    expect(await constraintOf('select id from orders where shipped is null')).to.deep.equal({
      shipped: { values: [], nullAllowed: true },
    });
    expect(await constraintOf('select id from orders where qty + 1 > 3 or id = 2')).to.equal(undefined);
    expect(await constraintOf('select id from orders')).to.equal(undefined);
  });
});
