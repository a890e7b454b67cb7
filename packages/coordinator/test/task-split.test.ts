import { expect } from 'chai';
import { TpchConnector } from '@quarry/connectors';
import { MapCatalogRegistry, type DistributedPlan, type PlanFragment, type Split } from '@quarry/sql';
import { QueryScheduler } from '../src/scheduler.js';
import { divisionOf } from '../src/task-split.js';

const frag = (
  id: number,
  distribution: PlanFragment['distribution'],
  inputs: number[],
  outputPartitioning: PlanFragment['outputPartitioning'] = { kind: 'single' },
): PlanFragment => ({
  id,
  root: { kind: 'Values', rows: [], outputs: [] },
  distribution,
  outputPartitioning,
  outputs: [],
  inputs,
});

const split = (info: unknown): Split => ({ catalog: 'other', info });
const tpch = (start: number, count: number): Split => ({
  catalog: 'tpch',
  info: { table: 'lineitem', scaleFactor: 0.01, start, count },
});

/** root (0, single) ← hash stage (1) ← scan (2, hash-partitioned output) with the given split groups. */
function scheduler(groups: Split[][]): QueryScheduler {
  const plan: DistributedPlan = {
    fragments: [
      frag(0, 'single', [1]),
      frag(1, 'hash', [2]),
      frag(2, 'source', [], { kind: 'hash', channels: [0] }),
    ],
    rootId: 0,
    columns: [],
  };
  return new QueryScheduler(plan, new Map([[2, groups]]), 2);
}

describe('dividing a task that ran out of memory at the ceiling', () => {
  const catalogs = new MapCatalogRegistry([['tpch', new TpchConnector()]]);
  const deps = { catalogs, writes: false };

  it("shares a scan task's splits between two tasks; the new one takes a partition after the stage's last", () => {
    const s = scheduler([[split(1), split(2), split(3)], [split(4)]]);
    const task = s.task(2, 0)!;
    const groups = divisionOf(s, task, deps) as Split[][];
    expect(groups).to.deep.equal([[split(1), split(2)], [split(3)]]);
    const added = s.divide(task, groups, 64);
    expect(added.map((t) => [t.partition, t.splits, t.memoryBytes, t.status])).to.deep.equal([
      [2, [split(3)], 64, 'PENDING'],
    ]);
    expect(s.task(2, 0)!.splits).to.deep.equal([split(1), split(2)]);
    expect(s.stage(2).tasks.map((t) => t.partition)).to.deep.equal([0, 1, 2]);
  });

  it("cuts a task's only split through its connector (tpch: the row range), down to one row", () => {
    const s = scheduler([[tpch(100, 7)], [tpch(0, 1)]]);
    expect(divisionOf(s, s.task(2, 0)!, deps)).to.deep.equal([[tpch(100, 3)], [tpch(103, 4)]]);
    expect(divisionOf(s, s.task(2, 1)!, deps)).to.equal('its only split cannot be divided further');
    const other = scheduler([[split(1)]]);
    expect(divisionOf(other, other.task(2, 0)!, deps), 'no catalog that divides').to.equal(
      'its only split cannot be divided further',
    );
  });

  it('refuses a task of a hash-partitioned stage, of the root stage, and of a write', () => {
    const s = scheduler([[split(1), split(2)]]);
    expect(divisionOf(s, s.task(1, 0)!, deps)).to.match(/^its stage reads a hash partition/);
    expect(divisionOf(s, s.task(0, 0)!, deps)).to.equal('its stage makes the result, in one task');
    expect(divisionOf(s, s.task(2, 0)!, { catalogs, writes: true })).to.match(/writes to a table/);
  });

  it("weighs a scan task by its splits' rows from statistics, and a cut split's parts by their share", async () => {
    const connector = new TpchConnector();
    const ref = { catalog: 'tpch', schema: 'tiny', table: 'lineitem' };
    const splits = await connector.splits(ref, { targetSplits: 2 });
    // estimates: the table's rows shared by driver rows (orders), rounded
    expect(splits.reduce((n, x) => n + x.rows!, 0)).to.be.closeTo(60175, splits.length);
    const s = scheduler([[splits[0]!], [splits[1]!]]);
    expect(s.inputWeight(s.task(2, 0)!)).to.equal(splits[0]!.rows);
    const parts = divisionOf(s, s.task(2, 0)!, deps) as Split[][];
    expect(parts.flat().reduce((n, x) => n + x.rows!, 0)).to.be.closeTo(splits[0]!.rows!, 1);
    s.divide(s.task(2, 0)!, parts, 1);
    expect(s.inputWeight(s.task(2, 2)!)).to.equal(parts[1]![0]!.rows);
    expect(s.inputWeight(scheduler([[split(1), split(2)]]).task(2, 0)!), 'rows unknown: the count').to.equal(
      2,
    );
  });
});
