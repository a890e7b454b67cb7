#!/usr/bin/env node
// Runs every test file with mocha and ends with one line: "N passed, N failed".
// Usage: node --import tsx tools/run-tests.mjs [dir-or-file ...]   (npm test does this after building)
import Mocha from 'mocha';
import { existsSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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
const files = [...new Set(roots.flatMap(testFiles))].sort();

// what the CLI keeps for its user (query capabilities) goes to a folder of this run, not to $HOME
process.env.QUARRY_STATE_DIR ??= mkdtempSync(join(tmpdir(), 'quarry-test-state-'));

const mocha = new Mocha({ timeout: 30_000, reporter: 'spec', color: process.stdout.isTTY });
for (const f of files) mocha.addFile(f);

let passed = 0;
let failed = 0;
try {
  await mocha.loadFilesAsync();
  const runner = mocha.run();
  runner.on('pass', () => passed++);
  runner.on('fail', () => failed++);
  await new Promise((resolve) => runner.on('end', resolve));
} catch (e) {
  console.error(e);
  failed++;
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
