import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { CLI_MAIN } from '@quarry/cli';

/** Runs `quarry demo` as a user would; resolves with its exit code and output. */
function demo(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [CLI_MAIN, 'demo', ...args]);
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The first line of `text` matching `re` (with its index among the lines), or a failure naming the output. */
function line(lines: string[], re: RegExp): { match: RegExpExecArray; at: number } {
  const at = lines.findIndex((l) => re.test(l));
  expect(at, `no line matches ${re} in:\n${lines.join('\n')}`).to.be.at.least(0);
  return { match: re.exec(lines[at]!)!, at };
}

/**
 * `quarry demo`, the README's first command, end to end: two coordinators, a worker killed and then
 * the leading coordinator killed in the middle of TPC-H Q1, the standby's takeover shown live, and the
 * result checked against a run without failures.
 */
describe('quarry demo', function () {
  this.timeout(180_000);

  it('kills a worker and the leader mid-query, shows the takeover, and gets the right result', async () => {
    const r = await demo([]);
    const lines = r.stdout.split('\n');
    expect(r.code, `${r.stdout}\n${r.stderr}`).to.equal(0);

    const start = line(
      lines,
      /^• coordinator \(pid (\d+)\) leads under epoch (\d+); standing by: coordinator-2 \(pid (\d+)\)/,
    );
    const [, leaderPid, epoch, standbyPid] = start.match;
    const workerKill = line(lines, /^ +\+ *\S+ +✖ kill -9 worker-\d \(pid \d+\) while it runs \d/);
    const leaderKill = line(
      lines,
      new RegExp(
        `^ +\\+ *\\S+ +✖ kill -9 coordinator \\(pid ${leaderPid}\\), the leading coordinator \\(epoch ${epoch}\\), while \\d`,
      ),
    );
    const failover = line(
      lines,
      /^ +\+ *\S+ +COORDINATOR_FAILOVER to (\S+) \(epoch (\d+)\): \d+ running tasks taken over$/,
    );
    const [, newLeaderId, newEpoch] = failover.match;
    const leads = line(
      lines,
      new RegExp(
        `^ +\\+ *\\S+ +✓ coordinator-2 \\(pid ${standbyPid}\\), ${newLeaderId}, leads now under epoch ${newEpoch}, \\S+ after the kill`,
      ),
    );
    const finished = line(lines, /^ +\+ *\S+ +FINISHED 4 rows in /);
    // in that order, and the takeover while the query still ran
    expect([workerKill.at, leaderKill.at, failover.at, leads.at, finished.at]).to.deep.equal(
      [workerKill.at, leaderKill.at, failover.at, leads.at, finished.at].sort((a, b) => a - b),
    );
    expect(Number(newEpoch)).to.be.greaterThan(Number(epoch));

    line(lines, /^✓ identical to the result of a run without failures$/);
    line(lines, /^✓ worker-\d was killed; its tasks ran again on other workers/);
    line(
      lines,
      new RegExp(
        `^✓ coordinator, the leader \\(epoch ${epoch}\\), was killed; the standby ${newLeaderId} took over under epoch ${newEpoch} in \\S+ and rebuilt the query from Redis`,
      ),
    );
    expect(lines.filter((l) => l.startsWith('✗'))).to.deep.equal([]);
    expect(r.stdout).to.match(/stopped: cluster, NATS, Redis and the S3 store\n$/);
  });
});
