import { expect } from 'chai';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { CLI_MAIN, type LocalCluster } from '@quarry/cli';
import { LakeConnector, lakeConfigFromProperties } from '@quarry/connectors';
import { BIGINT, pageFromRows } from '@quarry/sql';
import { startProcessCluster } from '@quarry/testkit';

/** Runs the `quarry` CLI as a process; resolves with its exit code and output. */
function quarry(
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [CLI_MAIN, ...args], { env });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('the quarry CLI', function () {
  this.timeout(90_000);
  let cluster: LocalCluster;
  let at: string[];

  before(async () => {
    cluster = await startProcessCluster({ workers: 2, slots: 1, prefix: 'clitest' });
    at = ['--server', cluster.natsUrl, '--prefix', 'clitest'];
  });

  after(async () => cluster?.stop());

  const SQL = 'select r_regionkey, r_name from tpch.tiny.region where r_regionkey < 2 order by 1';

  it('prints results as a table, CSV, JSON and NDJSON', async () => {
    const table = await quarry(['query', ...at, SQL]);
    expect(table.code, table.stderr).to.equal(0);
    expect(table.stdout).to.equal(
      ' r_regionkey | r_name \n-------------+---------\n           0 | AFRICA \n           1 | AMERICA\n(2 rows)\n',
    );
    const csv = await quarry(['query', ...at, '--format', 'csv', SQL]);
    expect(csv.stdout).to.equal('r_regionkey,r_name\n0,AFRICA\n1,AMERICA\n');
    const json = await quarry(['query', ...at, '-f', 'json', SQL]);
    expect(JSON.parse(json.stdout)).to.deep.equal([
      { r_regionkey: 0, r_name: 'AFRICA' },
      { r_regionkey: 1, r_name: 'AMERICA' },
    ]);
    const nd = await quarry(['query', ...at, '-f', 'ndjson', SQL]);
    expect(
      nd.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l)),
    ).to.deep.equal([
      { r_regionkey: 0, r_name: 'AFRICA' },
      { r_regionkey: 1, r_name: 'AMERICA' },
    ]);
    expect(table.stderr).to.equal('', 'no progress output when stderr is not a terminal');
  });

  it('reports a failed query on stderr with a non-zero exit', async () => {
    const r = await quarry(['query', ...at, 'select r_nope from tpch.tiny.region']);
    expect(r.code).to.equal(1);
    expect(r.stderr).to.equal("quarry: COLUMN_NOT_FOUND: line 1:8: Column 'r_nope' cannot be resolved\n");
  });

  it('shows status events with --events, and again with `quarry events <id>`', async () => {
    const r = await quarry(['query', ...at, '--events', SQL]);
    const lines = r.stderr.trim().split('\n');
    expect(lines[0]).to.match(/^QUEUED \S+$/);
    expect(lines.at(-1)).to.match(/^FINISHED 2 rows in /);
    const queryId = lines[0]!.split(' ')[1]!;
    const replay = await quarry(['events', ...at, queryId]);
    expect(replay.code).to.equal(0);
    const kinds = replay.stdout
      .trim()
      .split('\n')
      .map((l) => l.split(' ')[2]);
    expect(kinds[0]).to.equal('QUEUED');
    expect(kinds.at(-1)).to.equal('FINISHED');
    const all = await quarry(['events', ...at, '--json']);
    expect(
      all.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).queryId),
    ).to.include(queryId);
  });

  it('lists workers and recent queries, and cancels', async () => {
    const w = await quarry(['workers', ...at]);
    expect(w.code).to.equal(0);
    expect(w.stdout).to.match(/worker-1\s+\|\s+1 \|/);
    expect(w.stdout).to.match(/worker-2/);
    const q = await quarry(['queries', ...at, '--limit', '3']);
    expect(q.stdout).to.match(/FINISHED/);
    expect(q.stdout.trim().split('\n').length).to.equal(2 + 3 + 1, 'header, rule, 3 queries, row count');
    const c = await quarry(['cancel', ...at, 'no_such_query']);
    expect(c.code).to.equal(1);
    expect(c.stderr).to.equal('quarry: QUERY_NOT_FOUND: Query no_such_query not found\n');
  });

  it('says how to install a missing server binary', () => {
    const r = spawnSync(process.execPath, [CLI_MAIN, 'local', '--workers', '1'], {
      env: { ...process.env, PATH: dirname(process.execPath) },
      encoding: 'utf8',
    });
    expect(r.status).to.equal(1);
    expect(r.stderr).to.match(
      /nats-server was not found on PATH: install it with `apt-get install nats-server`/,
    );
  });
});

describe('quarry lake gc', function () {
  this.timeout(30_000);
  let dir: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'quarry-lake-gc-'));
    mkdirSync(join(dir, 'etc', 'catalog'), { recursive: true });
    const root = join(dir, 'warehouse');
    writeFileSync(join(dir, 'etc', 'catalog', 'wh.properties'), `connector.name=lake\nlake.root=${root}\n`);
    writeFileSync(join(dir, 'etc', 'catalog', 'scratch.properties'), 'connector.name=memory\n');
    // a write that staged its files and died: begun, one task's file written, never committed
    const lake = new LakeConnector('wh', lakeConfigFromProperties({ 'lake.root': root }, 'wh.properties'));
    await lake.createSchema('s', { ifNotExists: false, properties: {} });
    const ref = { catalog: 'wh', schema: 's', table: 't' };
    const columns = [{ name: 'k', type: BIGINT }];
    const handle = await lake.beginWrite(ref, { kind: 'create', columns, queryId: 'died' });
    const sink = lake.writeSink(handle, { queryAttempt: 0, taskPartition: 0, attempt: 0 });
    await sink.appendPage(pageFromRows([BIGINT], [[1], [2]]));
    await sink.finish();
    await lake.close();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const staged = () => readdirSync(join(dir, 'warehouse', 's'), { recursive: true }).map(String);

  it('keeps recent leftovers, removes old ones, and names a catalog that is not a lake', async () => {
    const config = ['--config-dir', join(dir, 'etc')];
    const recent = await quarry(['lake', 'gc', '--older-than', '1h', ...config]);
    expect(recent.code, recent.stderr).to.equal(0);
    expect(recent.stdout).to.equal('wh: 0 staging directories removed, 1 kept (newer than 1h)\n');
    expect(staged().some((f) => f.endsWith('.parquet'))).to.equal(true);

    await new Promise((r) => setTimeout(r, 20));
    const old = await quarry(['lake', 'gc', '--older-than', '10ms', '--catalog', 'wh', ...config]);
    expect(old.code, old.stderr).to.equal(0);
    expect(old.stdout).to.match(
      /^wh: removed \S+\/s\/t\/data\/died\/0\.0\.0 \(s\.t\): 1 files, \d+ bytes, newest \S+\n/,
    );
    expect(old.stdout).to.match(/\nwh: 1 staging directory removed, 0 kept \(newer than 10ms\)\n$/);
    expect(staged().filter((f) => f.endsWith('.parquet'))).to.deep.equal([]);

    const wrong = await quarry(['lake', 'gc', '--older-than', '1h', '--catalog', 'scratch', ...config]);
    expect(wrong.code).to.equal(1);
    expect(wrong.stderr).to.equal(
      `quarry: INVALID_ARGUMENTS: 'scratch' is not a lake catalog in ${join(dir, 'etc', 'catalog')}\n`,
    );
  });
});

describe('quarry local', function () {
  this.timeout(90_000);

  it('adds and removes workers while running, from commands on stdin', async () => {
    const p = spawn(process.execPath, [CLI_MAIN, 'local', '--workers', '1', '--slots', '1'], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stderr = '';
    const waitFor = (re: RegExp) =>
      new Promise<void>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`timed out waiting for ${re}; got:\n${stderr}`)), 30_000);
        const check = () => re.test(stderr) && (clearTimeout(t), p.stderr.off('data', check), resolve());
        p.stderr.on('data', check);
        check();
      });
    p.stderr.on('data', (d) => (stderr += d));
    let stdout = '';
    p.stdout.on('data', (d) => (stdout += d));
    try {
      await waitFor(/cluster ready/);
      p.stdin.write('add 2\n');
      await waitFor(/started worker-2, worker-3/);
      expect(stdout).to.match(/^nats:\/\/127\.0\.0\.1:\d+\n$/, 'the NATS URL on stdout');
      p.stdin.write('workers\n');
      await waitFor(/worker-1 \(.*\), worker-2 .*, worker-3/);
      p.stdin.write('remove 1\n');
      await waitFor(/drained and stopped worker-3/);
      p.stdin.write('frobnicate\n');
      await waitFor(/unknown command 'frobnicate'/);
      const exited = new Promise<number | null>((resolve) => p.once('exit', resolve));
      p.stdin.write('stop\n');
      expect(await exited).to.equal(0);
    } finally {
      p.kill('SIGKILL');
    }
  });

  it('gives its processes the catalogs of --config-dir', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'quarry-local-config-'));
    try {
      mkdirSync(join(dir, 'catalog'));
      writeFileSync(
        join(dir, 'catalog', 'simple.properties'),
        'connector.name=tpch\ntpch.column-naming=SIMPLIFIED\n',
      );
      const r = await quarry([
        'local',
        '--workers',
        '1',
        '--config-dir',
        dir,
        '-q',
        'select name from simple.tiny.region where regionkey = 2',
        '--format',
        'csv',
      ]);
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stdout.split('\n').slice(1).join('\n')).to.equal('name\nASIA\n');
      const missing = await quarry(['local', '--config-dir', join(dir, 'nope')]);
      expect(missing.code).to.equal(1);
      expect(missing.stderr).to.match(/--config-dir \S+nope does not exist/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
