import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const run = (root?: string) =>
  spawnSync(process.execPath, ['tools/check-docs.mjs', ...(root ? [root] : [])], { encoding: 'utf8' });

function repo(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'quarry-docs-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

// Paths the docs may name: from the root, the doc's folder, a package README's src/, the tail of a
// repository path, a bare file name, a glob; and words that are not paths at all.
const SOURCES = {
  'packages/sql/package.json': '{}',
  'packages/sql/src/planner/select.ts': '',
  'packages/sql/src/index.ts': '',
  'deploy/etc/config.properties': '',
  'docs/PROTOCOL.md': '# protocol\n',
};
const GOOD_README =
  'See [the protocol](docs/PROTOCOL.md#subjects), `packages/sql/src/planner/`, `planner/select.ts`,\n' +
  '`select.ts`, `deploy/etc/*.properties`, `node --import tsx packages/sql/src/index.ts`.\n' +
  'Not paths: `s3://bucket/prefix`, `node:fs`, `/data/lake`, `@quarry/sql`, `.tbl`, `<queryId>/<n>`,\n' +
  '`DIR/config.properties`, `queries/qNN.sql`, `query.max-memory`, [nats](https://nats.io).\n\n' +
  '```\nmissing/in/a/code/block.ts\n```\n';

describe('docs check (tools/check-docs.mjs)', function () {
  this.timeout(30_000);

  it('passes on this repository', () => {
    const r = run();
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/every path they name exists/);
  });

  it('passes on docs whose paths all exist', () => {
    const root = repo({
      ...SOURCES,
      'README.md': GOOD_README,
      'packages/sql/README.md': 'Entry point: `src/index.ts`; `index.ts`, `planner/`.\n',
    });
    try {
      const r = run(root);
      expect(r.status, r.stderr).to.equal(0);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('fails on paths named in the docs that do not exist, with doc and line', () => {
    const root = repo({
      ...SOURCES,
      'README.md': GOOD_README + 'Moved: `packages/sql/src/planner/old.ts`, [gone](docs/GONE.md).\n',
      'docs/PROTOCOL.md': 'Once here: `planner/subquery.ts`; outside: `../elsewhere/BRIEF.md`.\n',
      'packages/sql/README.md': 'Not in this package: `config.properties`; `*.ts` in `optimizer/*.ts`.\n',
    });
    try {
      const r = run(root);
      expect(r.status, r.stdout).to.equal(1);
      expect(r.stderr).to.include('docs: 6 path(s) named in the docs do not exist');
      expect(r.stderr).to.include(
        'README.md:9: names `packages/sql/src/planner/old.ts`, which does not exist',
      );
      expect(r.stderr).to.include('README.md:9: names `docs/GONE.md`');
      expect(r.stderr).to.include('docs/PROTOCOL.md:1: names `planner/subquery.ts`');
      expect(r.stderr).to.include('docs/PROTOCOL.md:1: names `../elsewhere/BRIEF.md`');
      expect(r.stderr).to.include('packages/sql/README.md:1: names `config.properties`');
      expect(r.stderr).to.include('packages/sql/README.md:1: names `optimizer/*.ts`');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
