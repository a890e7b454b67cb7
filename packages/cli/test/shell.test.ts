import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI_MAIN } from '@quarry/cli';
import { startInProcessCluster, type InProcessCluster } from '@quarry/testkit';
import { onTerminal } from './support/pty.js';

/** Runs `quarry` with `input` on its stdin (a pipe, not a terminal). */
function quarry(
  args: string[],
  input = '',
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [CLI_MAIN, ...args], { env });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('exit', (code) => resolve({ code, stdout, stderr }));
    p.stdin.end(input);
  });
}

/** Polls until `check` gives a value, for up to 30 s. */
async function eventually<T>(what: string, check: () => T | undefined): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('the quarry shell', function () {
  this.timeout(120_000);
  let cluster: InProcessCluster;
  let at: string[];
  let dir: string;

  before(async () => {
    cluster = await startInProcessCluster({ workers: 1 });
    at = ['--server', cluster.servers.nats.url, '--prefix', cluster.prefix];
    dir = mkdtempSync(join(tmpdir(), 'quarry-shell-'));
  });
  after(async () => {
    await cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('--execute runs its statements in order and stops at the first that fails, a caret under the error', async () => {
    const r = await quarry([
      ...at,
      '--execute',
      'select 1 as a; select r_nope from tpch.tiny.region\n where r_regionkey = 1; select 3 as c',
    ]);
    expect(r.code).to.equal(1);
    expect(r.stdout).to.equal(' a\n---\n 1\n(1 row)\n');
    expect(r.stderr).to.match(
      /^Query \S+ failed: COLUMN_NOT_FOUND: line 1:8: Column 'r_nope' cannot be resolved\nselect r_nope from tpch.tiny.region\n {7}\^\n where r_regionkey = 1\n$/,
    );
  });

  it('-f runs the statements of a file; the USE of one applies to the next', async () => {
    const file = join(dir, 'two.sql');
    writeFileSync(
      file,
      '-- two statements\nUSE tpch.tiny;\nselect r_name\n  from region -- ; not the end\n where r_regionkey < 2\n order by 1;\n\nselect count(*) as "n;" from nation;\n',
    );
    const r = await quarry([...at, '-f', file, '--output-format', 'csv_header']);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.equal('"r_name"\n"AFRICA"\n"AMERICA"\n"n;"\n"25"\n');
    expect(r.stderr).to.equal('');
    const missing = await quarry([...at, '-f', join(dir, 'nope.sql')]);
    expect(missing.code).to.equal(1);
    expect(missing.stderr).to.equal(
      `quarry: INVALID_ARGUMENTS: --file: cannot read ${join(dir, 'nope.sql')}: ENOENT\n`,
    );
    const both = await quarry([...at, '-f', file, '--format', 'csv', '--output-format', 'CSV']);
    expect(both.stderr).to.equal('quarry: give --format or --output-format, not both\n');
  });

  it('reads statements from stdin when it is not a terminal; SET SESSION applies to those after it', async () => {
    const grouped = 'select count(*) as groups from (select n_regionkey from tpch.tiny.nation group by 1)';
    const set = await quarry([...at], `SET SESSION hash_partition_count = 5000;\n${grouped};\nselect 2;`);
    expect(set.code).to.equal(1);
    expect(set.stdout).to.equal('');
    expect(set.stderr).to.match(
      /^Query \S+ failed: INVALID_SESSION_PROPERTY: Session property hash_partition_count='5000' is invalid/,
    );
    const reset = await quarry(
      [...at, '--format', 'csv'],
      `SET SESSION hash_partition_count = 5000;\nRESET SESSION hash_partition_count;\n${grouped}`,
    );
    expect(reset.code, reset.stderr).to.equal(0);
    expect(reset.stdout).to.equal('groups\n5\n');
    const bad = await quarry([...at], 'USE tpch.no_such_schema;\nselect 1;');
    expect(bad.code).to.equal(1);
    expect(bad.stderr).to.equal(
      "SCHEMA_NOT_FOUND: Schema 'tpch.no_such_schema' does not exist\nUSE tpch.no_such_schema\n",
    );
  });

  it('on a terminal: multi-line statements, USE, SET SESSION, errors with a caret, the pager, Ctrl-C, history', async () => {
    const history = join(dir, 'history');
    const paged = join(dir, 'paged');
    const term = onTerminal([process.execPath, CLI_MAIN, ...at], {
      ...process.env,
      QUARRY_HISTORY_FILE: history,
      QUARRY_PAGER: `cat >> '${paged}'`,
    });
    try {
      await term.waitFor(/quarry> $/);
      term.type('use tpch.tiny;\r');
      await term.waitFor(/\nUSE\n/);
      await term.waitFor(/quarry:tiny> $/);
      term.type('select r_name\r');
      await term.waitFor(/ {9}-> $/);
      term.type('from region\r');
      await term.waitFor(/-> $/);
      term.type('where r_regionkey = 1;\r');
      const result = await eventually('the result in the pager', () => {
        const text = existsSync(paged) ? readFileSync(paged, 'utf8') : '';
        return text.includes('(1 row)') ? text : undefined;
      });
      expect(result).to.equal(' r_name \n---------\n AMERICA\n(1 row)\n');
      await term.waitFor(/quarry:tiny> $/);

      term.type('SET SESSION hash_partition_count = 5000;\r');
      await term.waitFor(/\nSET SESSION\n/);
      term.type('select n_regionkey, count(*) from nation group by 1;\r');
      await term.waitFor(/INVALID_SESSION_PROPERTY: Session property hash_partition_count='5000' is invalid/);
      term.type('RESET SESSION hash_partition_count;\r');
      await term.waitFor(/\nRESET SESSION\n/);

      term.type('select x\r');
      term.type('from region;\r');
      await term.waitFor(
        /failed: COLUMN_NOT_FOUND: line 1:8: Column 'x' cannot be resolved\nselect x\n {7}\^\nfrom region\n/,
      );

      // Ctrl-C while typing clears the statement; while a query runs, cancels it, not the shell
      term.type('select 1\x03');
      await term.waitFor(/\^C\n/);
      term.type('select sum(l_quantity) from tpch.sf100.lineitem;\r');
      await term.waitFor(/tasks \|/);
      term.type('\x03');
      await term.waitFor(/Query \S+ was canceled\n/);
      term.type('select 42 as answer;\r');
      await eventually('the second result', () =>
        readFileSync(paged, 'utf8').includes(' answer\n--------\n     42\n(1 row)\n') ? true : undefined,
      );
      term.type('quit\r');
      expect(await term.exited()).to.equal(0);
    } catch (e) {
      throw new Error(`${(e as Error).message}\non the terminal:\n${term.output()}`);
    } finally {
      if (term.process.exitCode === null) term.process.kill();
    }
    const lines = readFileSync(history, 'utf8').trim().split('\n');
    expect(lines.slice(0, 4)).to.deep.equal([
      'use tpch.tiny;',
      'select r_name',
      'from region',
      'where r_regionkey = 1;',
    ]);
    expect(lines.at(-1)).to.equal('quit');
    expect(statSync(history).mode & 0o777).to.equal(0o600);
  });
});
