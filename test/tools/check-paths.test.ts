import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const run = (root?: string) =>
  spawnSync(process.execPath, ['tools/check-paths.mjs', ...(root ? [root] : [])], { encoding: 'utf8' });

/** A repository of the given files, inside a parent folder (the outside the check guards). */
function repo(files: Record<string, string>): { parent: string; root: string } {
  const parent = mkdtempSync(join(tmpdir(), 'quarry-paths-'));
  const root = join(parent, 'repo');
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return { parent, root };
}

// The fixtures spell `import.meta` in pieces, so that this file does not trip the check itself.
const META = ['import', 'meta'].join('.');
const INSIDE =
  `const a = new URL('../../testdata/tpch/', ${META}.url);\n` +
  `const b = join(${META}.dirname, '..', 'support', 'x.json');\n` +
  "const c = resolve(__dirname, '..', '..', name, '..', '..', '..');\n" +
  `const d = new URL('file:///etc/passwd', ${META}.url);\n`;

describe('paths check (tools/check-paths.mjs)', function () {
  this.timeout(30_000);

  it('passes on this repository', () => {
    const r = run();
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/no code builds a path outside the repository/);
  });

  it('passes on paths that stay inside the repository (a non-literal segment ends the path)', () => {
    const { parent, root } = repo({ 'test/e2e/a.test.ts': INSIDE });
    try {
      const r = run(root);
      expect(r.status, r.stderr).to.equal(0);
    } finally {
      rmSync(parent, { recursive: true, force: true });
    }
  });

  it('fails on each form of a path that climbs out, naming file and line', () => {
    const { parent, root } = repo({
      'test/e2e/a.test.ts':
        `const TPCH = join(${META}.dirname, '..', '..', '..', 'elsewhere', 'data');\n` +
        `const Q = new URL('../../../elsewhere/data/queries/', ${META}.url);\n`,
      'bench/b.mjs': 'const x = resolve(__dirname, "..", "..", "data");\n',
    });
    try {
      const r = run(root);
      expect(r.status).to.equal(1);
      expect(r.stderr).to.include("test/e2e/a.test.ts:1: '../../../elsewhere/data' leads outside");
      expect(r.stderr).to.include("test/e2e/a.test.ts:2: '../../../elsewhere/data/queries/' leads outside");
      expect(r.stderr).to.include("bench/b.mjs:1: '../../data' leads outside");
      expect(r.stderr).to.match(/^3 path\(s\)/);
    } finally {
      rmSync(parent, { recursive: true, force: true });
    }
  });
});
