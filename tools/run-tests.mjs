#!/usr/bin/env node
// Runs every test file with mocha and ends with one line: "N passed, N failed".
// Usage: node --import tsx tools/run-tests.mjs [dir-or-file ...]   (npm test does this after building)
// Files run in QUARRY_TEST_JOBS processes at once (default 2: most of the suite waits on servers and
// timers, not on a core), the slowest first, as tools/test-durations.json has them. Each file's time
// goes to test-output/test-durations.json; copy it over tools/test-durations.json to rebalance.
import Mocha from 'mocha';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

/** Every *.test.ts under a directory (or the file itself). */
function testFiles(path) {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path, { recursive: true })
    .map((f) => join(path, String(f)))
    .filter((f) => f.endsWith('.test.ts') && !f.includes('node_modules'));
}

const roots = process.argv.slice(2).length
  ? process.argv.slice(2)
  : [...readdirSync('packages').map((p) => join('packages', p, 'test')), 'test'];
const known = JSON.parse(readFileSync('tools/test-durations.json', 'utf8'));
// the slowest first, so that no long file starts last; files not timed yet count as slow
const files = [...new Set(roots.flatMap(testFiles))]
  .sort()
  .sort((a, b) => (known[b] ?? 60_000) - (known[a] ?? 60_000));
const jobs = Math.max(1, Number(process.env.QUARRY_TEST_JOBS ?? 2));
const WORKER_TIMES = 'test-output/test-durations.jsonl';

// what the CLI keeps for its user (query capabilities) goes to a folder of this run, not to $HOME
process.env.QUARRY_STATE_DIR ??= mkdtempSync(join(tmpdir(), 'quarry-test-state-'));

const mocha = new Mocha({
  timeout: 30_000,
  reporter: 'spec',
  color: process.stdout.isTTY,
  parallel: jobs > 1 && files.length > 1,
  jobs,
  // in a parallel run, each worker process times its files (see the file)
  require: [join(import.meta.dirname, 'test-timing.mjs')],
});
mkdirSync('test-output', { recursive: true });
rmSync(WORKER_TIMES, { force: true });

/** The times the worker processes of a parallel run wrote, as [file, ms]. */
function timedByWorkers() {
  if (!existsSync(WORKER_TIMES)) return [];
  return readFileSync(WORKER_TIMES, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line))
    .map(({ file, ms }) => [file, ms]);
}
for (const f of files) mocha.addFile(f);

let passed = 0;
let failed = 0;
const took = {};
try {
  if (!mocha.options.parallel) await mocha.loadFilesAsync();
  const runner = mocha.run();
  runner.on('pass', () => passed++);
  runner.on('fail', () => failed++);
  // a file's time, in a serial run: from its first test or hook to its last (its top-level suites)
  runner.on('suite', (s) => s.file && s.parent?.root && (took[s.file] ??= { from: Date.now(), to: 0 }));
  runner.on('suite end', (s) => s.file && s.parent?.root && took[s.file] && (took[s.file].to = Date.now()));
  await new Promise((resolve) => runner.on('end', resolve));
  const durations = Object.fromEntries(
    [...Object.entries(took).map(([f, t]) => [f, Math.max(0, t.to - t.from)]), ...timedByWorkers()]
      .map(([f, ms]) => [relative(process.cwd(), f), ms])
      .sort(([, a], [, b]) => b - a),
  );
  writeFileSync('test-output/test-durations.json', JSON.stringify(durations, null, 2) + '\n');
} catch (e) {
  console.error(e);
  failed++;
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
