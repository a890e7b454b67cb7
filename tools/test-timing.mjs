// Loaded by every mocha worker process of a parallel run (tools/run-tests.mjs): in parallel mode a
// root hook runs once per test file, so these time each file from start to end, its own hooks (a
// cluster started and stopped) included, and append the figure for the main process to gather.
import { appendFileSync, mkdirSync } from 'node:fs';

let started = 0;

export const mochaHooks = {
  beforeAll() {
    started = Date.now();
  },
  afterAll() {
    const file = this.test?.parent?.suites?.[0]?.file;
    if (!file) return;
    mkdirSync('test-output', { recursive: true });
    appendFileSync(
      'test-output/test-durations.jsonl',
      JSON.stringify({ file, ms: Date.now() - started }) + '\n',
    );
  },
};
