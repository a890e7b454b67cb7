import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const run = (root?: string) =>
  spawnSync(process.execPath, ['tools/check-deps.mjs', ...(root ? [root] : [])], { encoding: 'utf8' });

function fakeRepo(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'quarry-deps-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

const pkg = (name: string, deps: string[] = []) =>
  JSON.stringify({ name, dependencies: Object.fromEntries(deps.map((d) => [d, '0.1.0'])) });

describe('package boundary check', () => {
  it('passes on this repository', () => {
    const r = run();
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/no cycles, no internal or undeclared imports/);
  });

  it('fails on a cycle, a deep import, an undeclared import, a relative escape and a layering breach', () => {
    const root = fakeRepo({
      'packages/a/package.json': pkg('@quarry/a', ['@quarry/b']),
      'packages/a/src/index.ts':
        "import { x } from '@quarry/b/src/internal.js';\nimport { y } from '@quarry/c';\n",
      'packages/b/package.json': pkg('@quarry/b', ['@quarry/a']),
      'packages/b/src/index.ts': "import { z } from '../../a/src/index.js';\n",
      'packages/runtime/package.json': pkg('@quarry/runtime', ['@quarry/sql']),
      'packages/runtime/src/index.ts': "import { parse } from '@quarry/sql';\n",
      'packages/sql/package.json': pkg('@quarry/sql'),
      'packages/sql/src/index.ts': 'export const parse = 1;\n',
    });
    try {
      const r = run(root);
      expect(r.status).to.equal(1);
      expect(r.stderr).to.include("reaches into another package's internals");
      expect(r.stderr).to.include("imports @quarry/c, which @quarry/a's package.json does not declare");
      expect(r.stderr).to.include("relative import '../../a/src/index.js' leaves the package");
      expect(r.stderr).to.match(/package cycle: @quarry\/a → @quarry\/b → @quarry\/a/);
      expect(r.stderr).to.include('@quarry/runtime must not import @quarry/sql (layering)');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
