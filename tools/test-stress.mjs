#!/usr/bin/env node
// The test suite on a busy machine: one CPU-bound process per core (nice 0, like any other user's
// job) runs for as long as the tests do. Timing assertions must hold here too; a worker declared
// dead under this load is a product bug. Usage: npm run test:stress [-- test paths...]
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';

const hogs = Array.from({ length: availableParallelism() }, () =>
  spawn(process.execPath, ['-e', 'for (;;) Math.sqrt(Math.random());'], { stdio: 'ignore' }),
);
const stopHogs = () => hogs.forEach((h) => h.kill('SIGKILL'));
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => (stopHogs(), process.exit(130)));
console.log(`test:stress: ${hogs.length} CPU hogs running beside the suite`);

const tests = spawn(process.execPath, ['--import', 'tsx', 'tools/run-tests.mjs', ...process.argv.slice(2)], {
  stdio: 'inherit',
});
tests.on('exit', (code, signal) => {
  stopHogs();
  process.exit(code ?? (signal ? 1 : 0));
});
