import { expect } from 'chai';
import { QuarryError } from '@quarry/common';
import {
  MapCatalogRegistry,
  executeDdl,
  parseStatement,
  planStatement,
  type CatalogRegistry,
  type Connector,
  type DistributedPlan,
  type Session,
  type ViewConnector,
  type ViewDefinition,
  type WritableConnector,
} from '@quarry/sql';
import { LakeConnector, lakeConfigFromProperties, MemoryConnector, TpchConnector } from '../src/index.js';
import { localLakeBackend, s3LakeBackend, type LakeBackend } from './lake/support.js';

/**
 * Views in the lake (durable: versions in the storage, read by a new connector over the same root
 * as a restarted coordinator would) and in memory: CREATE, OR REPLACE, DROP, a repeat by the same
 * query (planned again after a failover) taking effect once, and the namespace shared with tables.
 */
type ViewCatalog = Connector & WritableConnector & ViewConnector;

const session = (queryId: string, extra: Partial<Session> = {}): Session => ({
  catalog: 'tpch',
  schema: 'tiny',
  properties: {},
  now: new Date(),
  queryId,
  ...extra,
});

async function failure(p: Promise<unknown>): Promise<QuarryError | undefined> {
  try {
    await p;
    return undefined;
  } catch (e) {
    expect(e).to.be.instanceOf(QuarryError);
    return e as QuarryError;
  }
}

/** The tables a plan scans, as `catalog.schema.table`. */
function scans(plan: DistributedPlan): string[] {
  const out: string[] = [];
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(visit);
    if (typeof v !== 'object' || v === null) return;
    const node = v as { kind?: string; table?: { catalog: string; schema: string; table: string } };
    if (node.kind === 'TableScan' && node.table)
      out.push(`${node.table.catalog}.${node.table.schema}.${node.table.table}`);
    Object.values(v).forEach(visit);
  };
  visit(plan.fragments);
  return out.sort();
}

const ORDERS_VIEW: ViewDefinition = {
  sql: 'SELECT o_orderkey FROM orders',
  catalog: 'tpch',
  schema: 'tiny',
  columns: [{ name: 'o_orderkey', type: { kind: 'bigint' } }],
};

function viewContract(
  name: string,
  setup: () => Promise<{ make: () => ViewCatalog; close: () => Promise<void> }>,
) {
  describe(`views: ${name}`, function () {
    this.timeout(30_000);
    let make: () => ViewCatalog;
    let close: () => Promise<void>;
    let catalog: ViewCatalog;
    let catalogs: CatalogRegistry;
    const ref = (table: string) => ({ catalog: 'views', schema: 's', table });
    // planned, then its DDL run, as the coordinator's query actor does
    const run = async (sql: string, queryId = `q${Math.random()}`, extra: Partial<Session> = {}) => {
      const plan = await planStatement(parseStatement(sql), catalogs, session(queryId, extra));
      if (plan.ddl) await executeDdl(plan.ddl, catalogs, session(queryId, extra));
      return plan;
    };

    before(async () => ({ make, close } = await setup()));
    after(() => close());
    beforeEach(async () => {
      catalog = make();
      catalogs = new MapCatalogRegistry([
        ['tpch', new TpchConnector()],
        ['views', catalog],
      ]);
      await catalog.createSchema('s', { ifNotExists: true, properties: {} });
    });

    it('stores a view the planner expands, with its columns and creation session', async () => {
      await run('create view views.s.v (k) as select o_orderkey from orders where o_orderkey < 100');
      const view = await catalog.getView('s', 'v');
      expect(view).to.deep.include({
        catalog: 'tpch',
        schema: 'tiny',
        columns: [{ name: 'k', type: { kind: 'bigint' } }],
      });
      expect(await catalog.listViews('s')).to.deep.equal(['v']);
      expect(await catalog.listTables('s')).to.include('v');
      expect(await catalog.getTable('s', 'v')).to.equal(undefined);
      // read through another instance, as a restarted coordinator would (memory: the same one)
      catalogs = new MapCatalogRegistry([
        ['tpch', new TpchConnector()],
        ['views', make()],
      ]);
      const plan = await run('select k from views.s.v', 'q-read', { catalog: 'views', schema: 's' });
      expect(scans(plan)).to.deep.equal(['tpch.tiny.orders']);
      expect(plan.columns.map((c) => c.name)).to.deep.equal(['k']);
      await run('drop view views.s.v');
      expect(await catalog.getView('s', 'v')).to.equal(undefined);
      expect(await catalog.listTables('s')).to.not.include('v');
    });

    it('a repeat by the same query changes nothing; another query finds it exists; OR REPLACE replaces', async () => {
      await catalog.createView(ref('v'), ORDERS_VIEW, { replace: false, queryId: 'q1' });
      await catalog.createView(
        ref('v'),
        { ...ORDERS_VIEW, sql: 'SELECT 1' },
        { replace: false, queryId: 'q1' },
      );
      expect((await catalog.getView('s', 'v'))!.sql).to.equal(ORDERS_VIEW.sql);
      const again = await failure(
        catalog.createView(ref('v'), ORDERS_VIEW, { replace: false, queryId: 'q2' }),
      );
      expect([again?.code, again?.message]).to.deep.equal([
        'ALREADY_EXISTS',
        "Table 'views.s.v' already exists",
      ]);
      await catalog.createView(
        ref('v'),
        { ...ORDERS_VIEW, comment: 'new' },
        { replace: true, queryId: 'q3' },
      );
      expect((await catalog.getView('s', 'v'))!.comment).to.equal('new');
      // a resumed DROP VIEW runs as IF EXISTS would
      await run('drop view views.s.v', 'q4');
      expect(await failure(run('drop view views.s.v', 'q4', { resumed: true }))).to.equal(undefined);
      expect((await failure(run('drop view views.s.v', 'q5')))?.code).to.equal('TABLE_NOT_FOUND');
    });

    it('shares one namespace with tables, and never drops one for the other', async () => {
      await catalog.createTable(ref('t'), [{ name: 'x', type: { kind: 'bigint' } }], {
        ifNotExists: false,
        properties: {},
      });
      await catalog.createView(ref('v'), ORDERS_VIEW, { replace: false });
      for (const create of [
        catalog.createView(ref('t'), ORDERS_VIEW, { replace: true }),
        catalog.createTable(ref('v'), [{ name: 'x', type: { kind: 'bigint' } }], {
          ifNotExists: false,
          properties: {},
        }),
      ])
        expect((await failure(create))?.code).to.equal('ALREADY_EXISTS');
      await catalog.dropTable(ref('v'), { ifExists: true });
      await catalog.dropView(ref('t'), { ifExists: true });
      expect(await catalog.getView('s', 'v')).to.not.equal(undefined);
      expect(await catalog.getTable('s', 't')).to.not.equal(undefined);
      expect((await failure(catalog.dropView(ref('t'), { ifExists: false })))?.code).to.equal(
        'TABLE_NOT_FOUND',
      );
      const insert = await failure(
        catalog.beginWrite(ref('v'), { kind: 'insert', columns: ORDERS_VIEW.columns, queryId: 'w' }),
      );
      expect(insert?.code).to.equal('TABLE_NOT_FOUND');
      expect((await failure(catalog.dropSchema('s', { ifExists: false, cascade: false })))?.code).to.equal(
        'SCHEMA_NOT_EMPTY',
      );
      await catalog.dropTable(ref('t'), { ifExists: false });
      expect((await failure(catalog.dropSchema('s', { ifExists: false, cascade: false })))?.code).to.equal(
        'SCHEMA_NOT_EMPTY',
      );
      await catalog.dropSchema('s', { ifExists: false, cascade: true });
      expect(await catalog.schemaExists('s')).to.equal(false);
      await catalog.createSchema('s', { ifNotExists: false, properties: {} });
      expect(await catalog.listTables('s')).to.deep.equal([]);
    });

    it('refuses a view in a schema that does not exist', async () => {
      const e = await failure(
        catalog.createView({ ...ref('v'), schema: 'nope' }, ORDERS_VIEW, { replace: false }),
      );
      expect(e?.code).to.equal('SCHEMA_NOT_FOUND');
    });
  });
}

for (const [name, backend] of [
  ['lake on a local directory', async () => localLakeBackend()],
  ['lake on S3', s3LakeBackend],
] as const) {
  viewContract(name, async () => {
    const b: LakeBackend = await backend();
    const props = b.properties();
    const made: LakeConnector[] = [];
    return {
      make: () => {
        const lake = new LakeConnector('views', lakeConfigFromProperties(props, 'views.properties'));
        made.push(lake);
        return lake;
      },
      close: async () => {
        await Promise.all(made.map((l) => l.close()));
        await b.close();
      },
    };
  });
}

viewContract('memory', async () => {
  const memory = new MemoryConnector('views', { maxDataPerNode: 1 << 20 });
  return { make: () => memory, close: async () => {} };
});
