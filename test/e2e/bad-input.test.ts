import { expect } from 'chai';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { pack } from 'msgpackr';
import { decodeLenient } from '@quarry/runtime';
import { EventCollector, startInProcessCluster, type InProcessCluster } from '@quarry/testkit';

/**
 * Bad input never takes anything down: each gets an error reply naming the problem and a FAILED
 * event, and the cluster serves the next query.
 */
describe('bad input on the submit subject', function () {
  this.timeout(60_000);
  let cluster: InProcessCluster;
  let nc: NatsConnection;
  let events: EventCollector;
  let subject: string;

  before(async () => {
    cluster = await startInProcessCluster({ workers: 2, coordinator: { queryMaxLength: 5000 } });
    nc = await connect({ servers: cluster.servers.nats.url });
    events = await EventCollector.start(cluster.servers.nats.url, cluster.prefix);
    subject = `${cluster.prefix}.query.submit`;
  });

  after(async () => {
    await events?.close();
    await nc?.close();
    await cluster?.stop();
  });

  /** Sends raw bytes; returns the error of the reply, and the FAILED event of that submission. */
  async function rejected(
    payload: Uint8Array | string,
  ): Promise<{ code: string; message: string; event: Record<string, unknown> }> {
    const before = events.events.length;
    const msg = await nc.request(subject, payload, { timeout: 10_000 });
    const reply = decodeLenient(msg.data).value as { ok: boolean; error: { code: string; message: string } };
    expect(reply.ok, `expected an error reply, got ${JSON.stringify(reply)}`).to.equal(false);
    const event = await events.waitFor((e) => e.type === 'FAILED' && events.events.indexOf(e) >= before);
    const err = (event as { error: { code: string; message: string } }).error;
    expect(err.code).to.equal(reply.error.code);
    return {
      code: reply.error.code,
      message: reply.error.message,
      event: event as unknown as Record<string, unknown>,
    };
  }

  it('malformed JSON, answered in JSON', async () => {
    const msg = await nc.request(subject, '{"sql": "select 1"', { timeout: 10_000 });
    const reply = JSON.parse(Buffer.from(msg.data).toString('utf8'));
    expect(reply.ok).to.equal(false);
    expect(reply.error.code).to.equal('INVALID_SUBMISSION');
    expect(reply.error.message).to.match(/^Malformed JSON: /);
    const r = await rejected('select 1');
    expect(r.message).to.match(/neither JSON nor msgpack/);
  });

  it('malformed msgpack', async () => {
    const r = await rejected(Uint8Array.of(0xc1, 0xff, 0x00));
    expect(r.code).to.equal('INVALID_SUBMISSION');
    expect(r.message).to.match(/neither JSON nor msgpack/);
  });

  it('a submission without sql, in JSON and in msgpack', async () => {
    expect((await rejected('{"query": "select 1"}')).message).to.match(
      /Unknown submission field\(s\): query/,
    );
    expect((await rejected('{}')).message).to.equal("Submission has no 'sql' field");
    expect((await rejected(pack({ session: {} }))).message).to.equal("Submission has no 'sql' field");
  });

  it('sql that is not a string, or empty', async () => {
    expect((await rejected('{"sql": 42}')).message).to.equal("Submission field 'sql' must be a string");
    expect((await rejected('{"sql": "   "}')).message).to.equal("Submission field 'sql' is empty");
  });

  it('an oversized query text and an oversized message', async () => {
    const long = `select ${'1 + '.repeat(2000)}1`;
    const r = await rejected(JSON.stringify({ sql: long }));
    expect(r.code).to.equal('QUERY_TEXT_TOO_LARGE');
    expect(r.message).to.match(/Query text length \(\d+\) exceeds the maximum length \(5000\)/);
    const huge = await rejected(JSON.stringify({ sql: 'x'.repeat(200_000) }));
    expect(huge.code).to.equal('QUERY_TEXT_TOO_LARGE');
    expect(huge.message).to.match(/exceeds the limit of \d+ bytes/);
  });

  it('a bad query id', async () => {
    expect((await rejected('{"sql": "select 1", "queryId": "a.b>c"}')).message).to.match(/queryId/);
  });

  it('SQL syntax errors carry line and column', async () => {
    const r = await rejected(
      JSON.stringify({ sql: 'select l_orderkey\nfrom tpch.tiny.lineitem\nwher l_orderkey = 1' }),
    );
    expect(r.code).to.equal('SYNTAX_ERROR');
    expect(r.message).to.match(/^line 3:6: mismatched input 'l_orderkey'/);
  });

  it('unknown catalog, schema, table and column', async () => {
    const cat = await rejected(JSON.stringify({ sql: 'select * from nope.tiny.nation' }));
    expect(cat.code).to.equal('CATALOG_NOT_FOUND');
    expect(cat.message).to.equal("line 1:15: Catalog 'nope' not found");
    const schema = await rejected(JSON.stringify({ sql: 'select * from tpch.huge.nation' }));
    expect(schema.code).to.equal('SCHEMA_NOT_FOUND');
    expect(schema.message).to.equal("line 1:15: Schema 'tpch.huge' does not exist");
    const table = await rejected(JSON.stringify({ sql: 'select * from tpch.tiny.nations' }));
    expect(table.code).to.equal('TABLE_NOT_FOUND');
    expect(table.message).to.equal("line 1:15: Table 'tpch.tiny.nations' does not exist");
    const column = await rejected(
      JSON.stringify({ sql: 'select n_name,\n  n_population\nfrom tpch.tiny.nation' }),
    );
    expect(column.code).to.equal('COLUMN_NOT_FOUND');
    expect(column.message).to.equal("line 2:3: Column 'n_population' cannot be resolved");
  });

  it('type errors and misplaced aggregates name the problem', async () => {
    const t = await rejected(JSON.stringify({ sql: 'select n_name + 1 from tpch.tiny.nation' }));
    expect(t.code).to.equal('TYPE_MISMATCH');
    expect(t.message).to.equal('line 1:8: Cannot apply operator: varchar(25) + integer');
    const g = await rejected(JSON.stringify({ sql: 'select n_name, count(*) from tpch.tiny.nation' }));
    expect(g.code).to.equal('EXPRESSION_NOT_AGGREGATE');
    expect(g.message).to.equal(
      "line 1:8: 'n_name' must be an aggregate expression or appear in GROUP BY clause",
    );
  });

  it('a division by zero at run time fails the query with a user error', async () => {
    const handle = await cluster.client.submit(
      'select n_nationkey / (n_regionkey - n_regionkey) from tpch.tiny.nation',
    );
    try {
      await handle.done();
      expect.fail('the query should have failed');
    } catch (e) {
      expect((e as { code: string }).code).to.equal('DIVISION_BY_ZERO');
    } finally {
      handle.close();
    }
  });

  it('and after all that, the cluster still answers', async () => {
    const r = await cluster.client.query(
      'select n_regionkey, count(*) c from tpch.tiny.nation group by n_regionkey order by 1',
    );
    expect(r.rows).to.deep.equal([
      [0, 5],
      [1, 5],
      [2, 5],
      [3, 5],
      [4, 5],
    ]);
  });
});
