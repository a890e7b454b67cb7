import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QuarryError, randomSuffix } from '@quarry/common';
import { startInProcessCluster, type InProcessCluster } from '@quarry/testkit';
import { parseFailureInjection } from '@quarry/worker';

/**
 * EXPLAIN ANALYZE runs the query and answers with its distributed plan, each stage headed by what
 * its tasks did (rows, bytes spooled, wall time, memory, failed attempts); VERBOSE adds each task.
 */
const SQL =
  'select l_returnflag, l_linestatus, count(*) c, sum(l_quantity) q from tpch.tiny.lineitem group by 1, 2 order by 1, 2';
const LINEITEM_TINY = 60_175;

describe('EXPLAIN ANALYZE', function () {
  this.timeout(60_000);
  let cluster: InProcessCluster;
  let dir: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'quarry-explain-'));
    writeFileSync(join(dir, 'mem.properties'), 'connector.name=memory\n');
    cluster = await startInProcessCluster({
      workers: 2,
      slots: 2,
      coordinator: { catalogDir: dir },
      worker: {
        catalogDir: dir,
        failureInjection: parseFailureInjection(
          'query=ea_retry_,stage=2,partition=0,attempt=0,when=midway,action=EXTERNAL',
        ),
      },
    });
  });
  after(async () => {
    await cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The plan text's lines under each `Stage N` header, by stage id. */
  function stages(text: string): Map<number, string[]> {
    const out = new Map<number, string[]>();
    let current: string[] | undefined;
    for (const line of text.split('\n')) {
      const m = /^Stage (\d+) /.exec(line);
      if (m) out.set(Number(m[1]), (current = []));
      else current?.push(line);
    }
    return out;
  }

  it('runs the query and shows per stage the tasks, rows, spooled bytes, wall time and memory', async () => {
    const result = await cluster.client.query(`EXPLAIN ANALYZE ${SQL}`);
    expect(result.columns).to.deep.equal([{ name: 'Query Plan', type: 'varchar' }]);
    expect(result.rows).to.have.length(1);
    const text = String(result.rows[0]![0]);
    expect(text).to.match(/^Query ran in \d+(\.\d+)? m?s under retry policy NONE\n/);
    const byStage = stages(text);
    expect([...byStage.keys()].sort()).to.deep.equal([0, 1, 2]);
    for (const [id, lines] of byStage) {
      expect(lines[0], `stage ${id}`).to.match(
        /^ {4}tasks: \d+ · rows in [\d,]+, out [\d,]+ · spooled [\d.]+ (B|KB|MB) · wall [\d.]+ m?s \(slowest task [\d.]+ m?s\) · peak task memory [\d.]+ (B|KB|MB)$/,
      );
      expect(lines[1], `stage ${id}: then the plan`).to.match(/^ {2}- /);
    }
    // the leaf scans every lineitem row; the root returns the 4 groups
    expect(byStage.get(2)![0]).to.include(`rows in ${LINEITEM_TINY.toLocaleString('en-US')},`);
    expect(byStage.get(0)![0]).to.include(', out 4 ·');
    expect(byStage.get(0)![0]).to.match(/^ {4}tasks: 1 · /);
  });

  it('shows failed attempts under TASK, and each task with VERBOSE', async () => {
    const queryId = `ea_retry_${randomSuffix(6)}`;
    const result = await cluster.client.query(`EXPLAIN ANALYZE VERBOSE ${SQL}`, {
      queryId,
      session: { retry_policy: 'TASK', retry_initial_delay: '10ms' },
    });
    const text = String(result.rows[0]![0]);
    expect(text).to.match(/under retry policy TASK\n/);
    const byStage = stages(text);
    expect(byStage.get(2)![0]).to.match(/^ {4}tasks: \d+ \(1 retried, 1 failed attempt\) · /);
    expect(byStage.get(1)![0]).to.not.include('retried');
    const tasks = byStage.get(2)!.filter((l) => l.startsWith('      task '));
    expect(tasks.length).to.be.greaterThan(0);
    expect(tasks.find((l) => l.startsWith('      task 2.0 '))).to.match(
      /^ {6}task 2\.0 attempt 1 on w\d after 1 failed: rows in [\d,]+, out [\d,]+, spooled /,
    );
  });

  it('runs and commits a write, then shows its plan with the rows written', async () => {
    await cluster.client.query('CREATE SCHEMA mem.s');
    const ctas = await cluster.client.query(
      'EXPLAIN ANALYZE CREATE TABLE mem.s.t AS SELECT n_nationkey k, n_name n FROM tpch.tiny.nation',
    );
    expect(String(ctas.rows[0]![0])).to.match(/^Query ran in .* under retry policy NONE; 25 rows written\n/);
    const insert = await cluster.client.query(
      'EXPLAIN ANALYZE INSERT INTO mem.s.t SELECT r_regionkey, r_name FROM tpch.tiny.region',
    );
    expect(String(insert.rows[0]![0])).to.match(/; 5 rows written\n/);
    expect(String(insert.rows[0]![0])).to.match(/TableWriter/);
    expect((await cluster.client.query('SELECT count(*) FROM mem.s.t')).rows).to.deep.equal([[30]]);
  });

  it('refuses other statements, naming them', async () => {
    const err = (await cluster.client
      .query('EXPLAIN ANALYZE DROP TABLE mem.s.t')
      .catch((e: unknown) => e)) as QuarryError;
    expect(err).to.be.instanceOf(QuarryError);
    expect(err.code).to.equal('NOT_SUPPORTED');
    expect(err.message).to.equal('line 1:17: EXPLAIN ANALYZE of DROP TABLE is not supported');
  });
});
