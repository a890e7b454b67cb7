import { expect } from 'chai';
import type { Page } from '@quarry/sql';
import { TpchConnector, scaleFactorOf, type TpchSplitInfo } from '../../src/tpch/connector.js';

async function pages(it: AsyncIterable<Page>): Promise<Page[]> {
  const out: Page[] = [];
  for await (const p of it) out.push(p);
  return out;
}

describe('tpch connector', () => {
  const tpch = new TpchConnector();

  it('knows its schemas: tiny, sfN (any positive N), nothing else', async () => {
    expect(scaleFactorOf('tiny')).to.equal(0.01);
    expect(scaleFactorOf('sf1')).to.equal(1);
    expect(scaleFactorOf('sf0.5')).to.equal(0.5);
    expect(scaleFactorOf('sf0')).to.equal(undefined);
    expect(scaleFactorOf('huge')).to.equal(undefined);
    expect(await tpch.schemaExists('sf42')).to.equal(true);
    expect(await tpch.listTables('tiny')).to.deep.equal([
      'customer',
      'lineitem',
      'nation',
      'orders',
      'part',
      'partsupp',
      'region',
      'supplier',
    ]);
    const li = await tpch.getTable('tiny', 'lineitem');
    expect(li?.columns.find((c) => c.name === 'l_quantity')?.type).to.deep.equal({
      kind: 'decimal',
      precision: 15,
      scale: 2,
    });
    expect(li?.columns.find((c) => c.name === 'l_shipdate')?.type).to.deep.equal({ kind: 'date' });
    expect(await tpch.getTable('tiny', 'nope')).to.equal(undefined);
  });

  it('splits a table into ranges that cover every driver row exactly once', async () => {
    const splits = await tpch.splits(
      { catalog: 'tpch', schema: 'tiny', table: 'orders' },
      { targetSplits: 7 },
    );
    expect(splits.length).to.equal(7);
    const infos = splits.map((s) => s.info as TpchSplitInfo);
    expect(infos[0]!.start).to.equal(0);
    for (let i = 1; i < infos.length; i++)
      expect(infos[i]!.start).to.equal(infos[i - 1]!.start + infos[i - 1]!.count);
    expect(infos.reduce((n, s) => n + s.count, 0)).to.equal(15000);
  });

  it('generates only the asked columns, and counts rows when none is asked (count(*))', async () => {
    const ref = { catalog: 'tpch', schema: 'tiny', table: 'lineitem' };
    const splits = await tpch.splits(ref, { targetSplits: 3 });
    let rows = 0;
    for (const s of splits)
      for (const p of await pages(tpch.pageSource(ref, s, []))) {
        expect(p.blocks).to.have.length(0);
        rows += p.rowCount;
      }
    expect(rows).to.equal(60175);
    const [first] = await pages(tpch.pageSource(ref, splits[0]!, ['l_returnflag', 'l_orderkey']));
    expect(first!.blocks.map((b) => b.type.kind)).to.deep.equal(['char', 'bigint']);
    expect(first!.blocks[1]!.values[0]).to.equal(1);
    const err = await pages(tpch.pageSource(ref, splits[0]!, ['l_nope'])).catch((e: unknown) => e);
    expect((err as Error).message).to.match(/Column 'l_nope' not found/);
  });
});
