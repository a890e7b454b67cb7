import { expect } from 'chai';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
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
    const json = await quarry(['query', ...at, '--format', 'json', SQL]);
    expect(JSON.parse(json.stdout)).to.deep.equal([
      { r_regionkey: 0, r_name: 'AFRICA' },
      { r_regionkey: 1, r_name: 'AMERICA' },
    ]);
    const nd = await quarry(['query', ...at, '--output-format', 'json', SQL]);
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

  it('reports a failed query on stderr with a caret under the error and a non-zero exit', async () => {
    const r = await quarry(['query', ...at, 'select r_nope from tpch.tiny.region']);
    expect(r.code).to.equal(1);
    expect(r.stderr).to.equal(
      "quarry: COLUMN_NOT_FOUND: line 1:8: Column 'r_nope' cannot be resolved\nselect r_nope from tpch.tiny.region\n       ^\n",
    );
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

/**
 * `quarry local` as a process taking commands on stdin. `waitFor` looks for a pattern in what it
 * printed on stderr since the previous match, and gives the match.
 */
function startLocal(args: string[]) {
  const p = spawn(process.execPath, [CLI_MAIN, 'local', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  let from = 0;
  p.stderr.on('data', (d) => (stderr += d));
  let stdout = '';
  p.stdout.on('data', (d) => (stdout += d));
  const waitFor = (re: RegExp) =>
    new Promise<RegExpExecArray>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`timed out waiting for ${re}; got:\n${stderr}`)), 30_000);
      const check = () => {
        const m = re.exec(stderr.slice(from));
        if (!m) return;
        from += m.index + m[0].length;
        clearTimeout(t);
        p.stderr.off('data', check);
        resolve(m);
      };
      p.stderr.on('data', check);
      check();
    });
  /** The NATS URL it prints on stdout, once printed. */
  const natsUrl = async () => {
    while (!stdout.endsWith('\n')) await new Promise((r) => setTimeout(r, 50));
    return stdout.trim();
  };
  /**
   * Ends it if it still runs: SIGTERM (it stops its cluster), SIGKILL only if that takes too long —
   * a SIGKILL alone would leave the cluster's processes running.
   */
  const close = async () => {
    if (p.exitCode !== null || p.signalCode !== null) return;
    const gone = new Promise((resolve) => p.once('exit', resolve));
    p.kill('SIGTERM');
    const t = setTimeout(() => p.kill('SIGKILL'), 20_000);
    await gone;
    clearTimeout(t);
  };
  return { p, waitFor, stdout: () => stdout, natsUrl, close };
}

/** The rows of a table `quarry` printed, as trimmed cells (header, rule and row count left out). */
const tableRows = (text: string) =>
  text
    .trim()
    .split('\n')
    .slice(2, -1)
    .map((line) => line.split('|').map((cell) => cell.trim()));

describe('quarry local', function () {
  this.timeout(90_000);

  it('adds and removes workers while running, from commands on stdin', async () => {
    const { p, waitFor, stdout: out, close } = startLocal(['--workers', '1', '--slots', '1']);
    try {
      await waitFor(/cluster ready/);
      p.stdin.write('add 2\n');
      await waitFor(/started worker-2, worker-3/);
      expect(out()).to.match(/^nats:\/\/127\.0\.0\.1:\d+\n$/, 'the NATS URL on stdout');
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
      await close();
    }
  });

  it('stops what it started when SIGTERM comes while the cluster is still starting', async () => {
    const { p } = startLocal(['--workers', '2']);
    const exited = new Promise<number | null>((resolve) => p.once('exit', resolve));
    // strike once its first servers run and before the cluster is ready
    let children: number[] = [];
    while (children.length < 2 && p.exitCode === null) {
      await new Promise((r) => setTimeout(r, 20));
      children = childrenOf(p.pid!);
    }
    p.kill('SIGTERM');
    expect(await exited).to.equal(143);
    expect(children.filter(alive), 'processes of the local cluster left running').to.deep.equal([]);
  });

  it('runs several coordinators: kill-leader hands over to a standby, add-coordinator starts one more', async () => {
    const refused = spawnSync(process.execPath, [CLI_MAIN, 'local', '--coordinators', '0'], {
      encoding: 'utf8',
    });
    expect(refused.status).to.equal(1);
    expect(refused.stderr).to.match(/--coordinators must be an integer in \[1, 16\], got '0'/);

    const { p, waitFor, natsUrl, close } = startLocal(['--workers', '1', '--coordinators', '2']);
    try {
      await waitFor(/2 coordinators and 1 worker/);
      const [, leaderPid, epoch, standbyPid] = await waitFor(
        /^coordinator \(pid (\d+)\) leads under epoch (\d+); standing by: coordinator-2 \(pid (\d+)\)$/m,
      );
      const at = ['--server', await natsUrl()];
      // `quarry coordinators`: the leader first, then the standby, as the processes are
      const before = await quarry(['coordinators', ...at]);
      expect(before.code, before.stderr).to.equal(0);
      expect(before.stdout).to.match(
        /^ coordinator +\| role +\| epoch \| host +\| pid +\| up for +\| last seen/,
      );
      expect(tableRows(before.stdout).map(([, role, e, , pid]) => [role, e, pid])).to.deep.equal([
        ['leader', epoch, leaderPid],
        ['standby', epoch, standbyPid],
      ]);
      expect(tableRows(before.stdout)[0]![6]).to.match(/ ago$/);

      p.stdin.write('kill-leader\n');
      await waitFor(
        new RegExp(
          `^killed coordinator \\(pid ${leaderPid}\\), the leader under epoch ${epoch} \\(SIGKILL\\)$`,
          'm',
        ),
      );
      const [, newEpoch] = await waitFor(
        new RegExp(
          `^coordinator-2 \\(pid ${standbyPid}\\) took over under epoch (\\d+), \\S+ after the kill$`,
          'm',
        ),
      );
      expect(Number(newEpoch)).to.be.greaterThan(Number(epoch));
      const after = tableRows((await quarry(['coordinators', ...at])).stdout);
      expect(after[0]!.slice(1, 3).concat(after[0]![4]!)).to.deep.equal(['leader', newEpoch, standbyPid]);
      // the killed one stays listed as a standby not seen since, until its registration goes stale
      for (const row of after.slice(1)) expect(row[1]).to.equal('standby');

      p.stdin.write('add-coordinator\n');
      await waitFor(
        new RegExp(
          `^started coordinator-3 \\(pid \\d+\\)\ncoordinator-2 \\(pid ${standbyPid}\\) leads under epoch ${newEpoch}; standing by: coordinator-3 \\(pid \\d+\\)$`,
          'm',
        ),
      );
      const q = await quarry(['query', ...at, '--format', 'csv', 'select count(*) from tpch.tiny.nation']);
      expect(q.stdout, q.stderr).to.equal('_col0\n25\n');
      const exited = new Promise<number | null>((resolve) => p.once('exit', resolve));
      p.stdin.write('stop\n');
      expect(await exited).to.equal(0);
    } finally {
      await close();
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

/** The pids of a process's children (from /proc). */
function childrenOf(pid: number): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        return readFileSync(`/proc/${d}/stat`, 'utf8').split(') ')[1]?.split(' ')[1] === String(pid);
      } catch {
        return false; // gone meanwhile
      }
    })
    .map(Number);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
