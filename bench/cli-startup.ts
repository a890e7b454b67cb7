/**
 * Start-up time of the `quarry` command: `quarry --version`, `quarry query --help`, and two client
 * commands against a running local cluster — `quarry workers` (connect, one request) and
 * `quarry --execute 'select 1'` (connect, a query, its result), and `quarry workers` again without
 * the bundle of the client commands (QUARRY_CLI_BUNDLE=0) — each as a fresh process, against
 * `node -e 0` as the baseline, taking turns round by round. A last row loads the coordinator and
 * worker packages, what every command loaded before commands imported their modules on demand.
 * Bar: ≤ 300 ms for client commands (issue 17), judged on the wall time's median; the CPU time
 * (user + system, from GNU time) is printed beside it, as other work on this shared machine sways
 * it less. Usage: npm run bench -- cli-startup [--rounds 10]
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { CLI_MAIN } from '@quarry/cli';
import { startProcessCluster } from '@quarry/testkit';
import { median, option, round, table } from './_support.js';

const rounds = Number(option('rounds', '10'));
const BAR_MS = 300;

const cluster = await startProcessCluster({ workers: 1 });
const at = ['--server', cluster.natsUrl, '--prefix', cluster.prefix];

const commands: { name: string; args: string[]; client: boolean; env?: NodeJS.ProcessEnv }[] = [
  { name: 'node -e 0 (baseline)', args: ['-e', '0'], client: false },
  { name: 'quarry --version', args: [CLI_MAIN, '--version'], client: true },
  { name: 'quarry query --help', args: [CLI_MAIN, 'query', '--help'], client: true },
  { name: 'quarry workers', args: [CLI_MAIN, 'workers', ...at], client: true },
  { name: "quarry --execute 'select 1'", args: [CLI_MAIN, ...at, '--execute', 'select 1'], client: true },
  {
    name: 'quarry workers, unbundled',
    args: [CLI_MAIN, 'workers', ...at],
    client: true,
    env: { QUARRY_CLI_BUNDLE: '0' },
  },
  {
    name: 'loading coordinator + worker',
    args: [
      '--input-type=module',
      '-e',
      "await import('@quarry/coordinator'); await import('@quarry/worker')",
    ],
    client: false,
  },
];

/** GNU time, for the CPU time of each run (user + system), which other work on the machine sways less. */
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

/** Wall and CPU time of one run, in ms; a failed run stops the benchmark. */
function timed(args: string[], extraEnv: NodeJS.ProcessEnv = {}): { wall: number; cpu: number } {
  const options = { encoding: 'utf8', env: { ...process.env, ...extraEnv } } as const;
  const start = process.hrtime.bigint();
  const r = TIME
    ? spawnSync(TIME, ['-f', 'cpu %U %S', process.execPath, ...args], options)
    : spawnSync(process.execPath, args, options);
  const wall = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  const m = /cpu ([\d.]+) ([\d.]+)\s*$/.exec(r.stderr);
  return { wall, cpu: m ? (Number(m[1]) + Number(m[2])) * 1000 : NaN };
}

const wall = commands.map(() => [] as number[]);
const cpu = commands.map(() => [] as number[]);
try {
  for (const c of commands) timed(c.args, c.env); // warm the file cache
  for (let r = 0; r < rounds; r++) {
    commands.forEach((c, k) => {
      const t = timed(c.args, c.env);
      wall[k]!.push(t.wall);
      cpu[k]!.push(t.cpu);
    });
  }
} finally {
  await cluster.stop();
}

const p50 = wall.map(median);
const cpu50 = cpu.map(median);
console.log(
  `\n${rounds} rounds, each command a fresh process, taking turns; load average ${loadavg()[0]!.toFixed(1)}\n`,
);
console.log(
  table(
    ['command', 'p50 (ms)', 'min (ms)', 'max (ms)', 'over node (ms)', 'CPU p50 (ms)', `≤ ${BAR_MS} ms`],
    commands.map((c, k) => [
      c.name,
      round(p50[k]!, 0),
      round(Math.min(...wall[k]!), 0),
      round(Math.max(...wall[k]!), 0),
      k === 0 ? '' : round(p50[k]! - p50[0]!, 0),
      round(cpu50[k]!, 0),
      c.client ? (p50[k]! <= BAR_MS ? 'yes' : 'NO') : '',
    ]),
  ),
);
console.log(
  JSON.stringify({
    bench: 'cli-startup',
    rounds,
    barMs: BAR_MS,
    load: round(loadavg()[0]!, 1),
    p50Ms: Object.fromEntries(commands.map((c, k) => [c.name, round(p50[k]!, 1)])),
    cpuP50Ms: Object.fromEntries(commands.map((c, k) => [c.name, round(cpu50[k]!, 1)])),
  }),
);
