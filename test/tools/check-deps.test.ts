import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The layer check against planted violations: each test builds a small repository that passes, plants
// one violation, and runs tools/check-deps.mjs on it with the real layer table (tools/layers.mjs).
const run = (root?: string) =>
  spawnSync(process.execPath, ['tools/check-deps.mjs', ...(root ? [root] : [])], { encoding: 'utf8' });

const manifest = (name: string, deps: string[] = [], devDeps: string[] = []) =>
  JSON.stringify({
    name,
    dependencies: Object.fromEntries(deps.map((d) => [d, '0.1.0'])),
    devDependencies: Object.fromEntries(devDeps.map((d) => [d, '0.1.0'])),
  });

const NO_KNOWN = 'export const KNOWN_IMPORTS = [];\nexport const KNOWN_CYCLES = [];\n';

/** A repository that passes: five packages at their ranks, a test, a benchmark; plus `planted`. */
function repo(planted: Record<string, string> = {}): string {
  const root = mkdtempSync(join(tmpdir(), 'quarry-deps-'));
  const files: Record<string, string> = {
    'package.json': JSON.stringify({ name: 'quarry', devDependencies: { chai: '1', mocha: '1' } }),
    'tools/known-drift.mjs': NO_KNOWN,
    'packages/common/package.json': manifest('@quarry/common', ['pino']),
    'packages/common/src/index.ts': "import { pino } from 'pino';\nexport const log = pino();\n",
    'packages/sql/package.json': manifest('@quarry/sql', ['@quarry/common']),
    'packages/sql/src/index.ts': "export * from './planner/plan.js';\n",
    'packages/sql/src/planner/plan.ts': "import { log } from '@quarry/common';\nexport const plan = log;\n",
    'packages/sql/src/optimizer/rule.ts':
      "import type { plan } from '../planner/plan.js';\nexport type P = typeof plan;\n",
    'packages/sql/test/plan.test.ts':
      "import { expect } from 'chai';\nimport { plan } from '../src/index.js';\nexpect(plan);\n",
    'packages/runtime/package.json': manifest('@quarry/runtime', [
      '@quarry/common',
      '@nats-io/transport-node',
    ]),
    'packages/runtime/src/index.ts':
      "import { connect } from '@nats-io/transport-node';\nexport { connect };\n",
    'packages/exchange/package.json': manifest('@quarry/exchange', ['@quarry/common', 'lz4']),
    'packages/exchange/src/index.ts': "import lz4 from 'lz4';\nexport { lz4 };\n",
    'packages/cluster-protocol/package.json': manifest('@quarry/cluster-protocol', [
      '@quarry/common',
      '@quarry/sql',
    ]),
    'packages/cluster-protocol/src/index.ts': "export type { P } from '@quarry/sql';\n",
    'bench/plan.ts': "import { plan } from '@quarry/sql';\nconsole.log(plan);\n",
    ...planted,
  };
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  copyFileSync('tools/layers.mjs', join(root, 'tools/layers.mjs'));
  return root;
}

/** Runs the check on a repository with `planted`, expecting it to fail; returns what it said. */
function failsWith(planted: Record<string, string>): string {
  const root = repo(planted);
  try {
    const r = run(root);
    expect(r.status, r.stdout + r.stderr).to.equal(1);
    return r.stderr;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

describe('package boundary check (tools/check-deps.mjs)', function () {
  this.timeout(60_000);

  it('passes on this repository, listing its known problems as known', () => {
    const r = run();
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/layers respected, no new cycles/);
  });

  it('passes on the unplanted fixture', () => {
    const root = repo();
    try {
      const r = run(root);
      expect(r.status, r.stderr).to.equal(0);
      expect(r.stdout).to.match(/9 files: layers respected, no new cycles \(0 known\)/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('fails on an upward import, even when declared', () => {
    const err = failsWith({
      'packages/common/package.json': manifest('@quarry/common', ['pino', '@quarry/sql']),
      'packages/common/src/upward.ts': "import { plan } from '@quarry/sql';\nexport const p = plan;\n",
    });
    expect(err).to.include(
      'packages/common/src/upward.ts:1: @quarry/common (rank 0) must not import @quarry/sql (rank 1)',
    );
    expect(err).to.include(
      'packages/common/package.json: @quarry/common (rank 0) depends on @quarry/sql (rank 1)',
    );
  });

  it('fails on an import through a declared package of higher rank (runtime → cluster-protocol → sql)', () => {
    const err = failsWith({
      'packages/runtime/package.json': manifest('@quarry/runtime', [
        '@quarry/common',
        '@quarry/cluster-protocol',
        '@nats-io/transport-node',
      ]),
      'packages/runtime/src/messages.ts':
        "import type { P } from '@quarry/cluster-protocol';\nexport type M = P;\n",
    });
    expect(err).to.include(
      'packages/runtime/src/messages.ts:1: @quarry/runtime (rank 1) must not import @quarry/cluster-protocol (rank 2)',
    );
  });

  it('fails on an external library outside the package’s list (exchange → NATS)', () => {
    const err = failsWith({
      'packages/exchange/package.json': manifest('@quarry/exchange', [
        '@quarry/common',
        'lz4',
        '@nats-io/transport-node',
      ]),
      'packages/exchange/src/notify.ts':
        "// a comment naming 'pino' is not an import\nimport { connect } from '@nats-io/transport-node';\nexport { connect };\n",
    });
    expect(err).to.include(
      'packages/exchange/src/notify.ts:2: @quarry/exchange may not import @nats-io/transport-node',
    );
    expect(err).not.to.include('pino');
  });

  it("fails on a test reaching into another package's src/, by path or by name, statically or dynamically", () => {
    const err = failsWith({
      'packages/cluster-protocol/test/deep.test.ts':
        "import { plan } from '@quarry/sql/src/planner/plan.js';\n" +
        "export const p = plan;\nexport const q = () => import('../../sql/src/index.js');\n",
    });
    expect(err).to.include(
      "packages/cluster-protocol/test/deep.test.ts:1: '@quarry/sql/src/planner/plan.js' reaches into @quarry/sql's src/",
    );
    expect(err).to.include(
      'packages/cluster-protocol/test/deep.test.ts:3: reaches into packages/sql/src/index.ts (package @quarry/sql) by path',
    );
  });

  it('fails on a benchmark importing a src/ path', () => {
    const err = failsWith({
      'bench/plan.ts': "import { plan } from '../packages/sql/src/planner/plan.js';\nconsole.log(plan);\n",
    });
    expect(err).to.include(
      'bench/plan.ts:1: reaches into packages/sql/src/planner/plan.ts by path; import @quarry/sql through its public entry',
    );
  });

  it('fails on a new cycle between files, reporting it once as a path', () => {
    const err = failsWith({
      'packages/sql/src/planner/select.ts': "import { b } from './subquery.js';\nexport const a = () => b;\n",
      'packages/sql/src/planner/subquery.ts': "import { a } from './select.js';\nexport const b = () => a;\n",
    });
    expect(err).to.include(
      'packages/sql/src: file cycle: planner/select.ts → planner/subquery.ts → planner/select.ts',
    );
    expect(err.match(/file cycle/g)).to.have.length(1);
  });

  it('fails on a new cycle between top-level folders that no file cycle shows', () => {
    const err = failsWith({
      'packages/sql/src/planner/optimize.ts':
        "import { rule } from '../optimizer/rule.js';\nexport const o = rule;\n",
      'packages/sql/src/optimizer/rule.ts':
        "import { plan } from '../planner/plan.js';\nexport const rule = plan;\n",
    });
    expect(err).to.include('packages/sql/src: folder cycle: optimizer/ → planner/ → optimizer/');
    expect(err).not.to.include('file cycle');
  });

  it('fails on an undeclared package, and on a subpath its exports map does not offer', () => {
    const err = failsWith({
      'packages/exchange/src/pages.ts': "import type { P } from '@quarry/sql';\nexport type Page = P;\n",
      'packages/cluster-protocol/src/plan.ts':
        "import type { P } from '@quarry/sql/internal';\nexport type Q = P;\n",
    });
    expect(err).to.include(
      "packages/exchange/src/pages.ts:1: imports @quarry/sql, which @quarry/exchange's package.json does not declare",
    );
    expect(err).to.include(
      "packages/cluster-protocol/src/plan.ts:1: '@quarry/sql/internal' is not an entry of @quarry/sql",
    );
  });

  it('accepts a subpath the exports map offers (an internal entry for siblings)', () => {
    const sql = JSON.parse(manifest('@quarry/sql', ['@quarry/common']));
    sql.exports = { '.': './dist/index.js', './internal': './dist/internal.js' };
    const root = repo({
      'packages/sql/package.json': JSON.stringify(sql),
      'packages/cluster-protocol/src/plan.ts':
        "import type { P } from '@quarry/sql/internal';\nexport type Q = P;\n",
    });
    try {
      const r = run(root);
      expect(r.status, r.stderr).to.equal(0);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('fails on a workspace package missing from the layer table', () => {
    const err = failsWith({
      'packages/blobs/package.json': manifest('@quarry/blobs', ['@quarry/common']),
      'packages/blobs/src/index.ts': 'export const blobs = 1;\n',
    });
    expect(err).to.include(
      'packages/blobs/package.json: @quarry/blobs is not in the layer table: add it to the layer table (tools/layers.mjs)',
    );
  });

  it('tolerates a listed known cycle, and fails once a listed one is gone', () => {
    const cycle = {
      'packages/sql/src/planner/select.ts': "import { b } from './subquery.js';\nexport const a = () => b;\n",
      'packages/sql/src/planner/subquery.ts': "import { a } from './select.js';\nexport const b = () => a;\n",
    };
    const known =
      'export const KNOWN_IMPORTS = [];\nexport const KNOWN_CYCLES = [\n' +
      "  '@quarry/sql file cycle: planner/select.ts → planner/subquery.ts → planner/select.ts',\n];\n";
    const root = repo({ ...cycle, 'tools/known-drift.mjs': known });
    try {
      const r = run(root);
      expect(r.status, r.stderr).to.equal(0);
      expect(r.stdout).to.include('known, to be removed: packages/sql/src: file cycle: planner/select.ts');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
    const err = failsWith({ 'tools/known-drift.mjs': known });
    expect(err).to.include(
      'listed in tools/known-drift.mjs but no longer found (remove it from the list): @quarry/sql file cycle: planner/select.ts',
    );
  });
});
