#!/usr/bin/env node
// Every repository path the docs name exists (npm run lint). The docs are the repository's markdown
// files (README.md, docs/, packages/*/README.md, bench/, testdata/, deploy/ …). A path is named in
// inline code (`packages/sql/src/parser`, or a word of a command such as `node bench/tpch.ts`) or as a
// markdown link target, and looks like a path into the repository when it contains a `/` or ends in a
// file extension. It must resolve against the repository root, the doc's folder or, for a package's
// README, that package's src/ — or, as the docs name files within the package they describe
// (`planner/constraint.ts`, `runtime/src/failure-detector.ts`), end a path of the repository; a bare
// file name (`scheduler.ts`) must name a file of the repository (of the package, for a doc inside
// one); a glob
// (`deploy/etc/*.properties`) must match at least one file.
// Not paths: URLs and schemes (`s3://…`, `node:fs`), absolute paths (`/data/lake`), flags, package
// names (`@quarry/sql`), bare extensions (`.tbl`) and placeholders (`<queryId>/…`, `DIR/x`, `qNN.sql`).
//
// Usage: node tools/check-docs.mjs [repo-root]
import { readFileSync, readdirSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';

const root = resolve(process.argv[2] ?? process.cwd());

/** Names that look like repository paths but are not: the places a deployment has, per doc. */
const NOT_IN_REPO = {
  // The configuration directory of a running server, and Trino's layout of it.
  'docs/CONFIGURATION.md': ['./etc', 'etc/catalog/', 'tpch.properties'],
  'packages/exchange/README.md': ['exchange-manager.properties'],
};
const SKIP_DIRS = new Set(['node_modules', 'dist', '.nx', '.git', 'results']);
const EXTENSION =
  /\.(?:[cm]?[jt]s|tsx|json|md|sql|properties|dss|tbl|gz|csv|out|ya?ml|sh|txt|toml|html|parquet)$/;

/** Every file under `dir`, repository-relative with `/` separators. */
function walk(dir) {
  const out = [];
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
    const path = dir ? `${dir}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name)) out.push(...walk(path));
    } else out.push(path);
  }
  return out;
}

/** The path-like names a markdown text mentions, with their lines (fenced code blocks are skipped). */
export function mentions(text) {
  const found = [];
  let fenced = false;
  text.split('\n').forEach((line, i) => {
    if (/^\s*(?:```|~~~)/.test(line)) fenced = !fenced;
    if (fenced) return;
    for (const [, code] of line.matchAll(/`([^`]+)`/g))
      for (const word of code.split(/\s+/)) if (looksLikePath(word)) found.push({ name: word, line: i + 1 });
    for (const [, target] of line.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
      const name = target.replace(/#.*$/, '');
      if (name && looksLikePath(name, true)) found.push({ name, line: i + 1 });
    }
  });
  return found;
}

/** A placeholder segment: `DIR`, `qNN.sql`, `<id>`, `$TMPDIR`, `…`. */
const placeholder = (segment) =>
  /^[A-Z][A-Z0-9_]+$/.test(segment) || /NN|[<>{}$…]|\.\.\.|\(|\)|=|,/.test(segment);

function looksLikePath(word, isLink = false) {
  if (!word || /^[a-z][a-z0-9+.-]*:/i.test(word)) return false; // URL, scheme, node:fs
  if (/^[/@~-]/.test(word) || /^\.[^./]/.test(word) || word.startsWith('*')) return false;
  if (word.split('/').some(placeholder)) return false;
  return isLink || word.includes('/') || EXTENSION.test(word);
}

/** Matches a simple glob (`*` within one path segment) against the repository's files. */
const globMatches = (pattern, files) => {
  const regex = new RegExp(
    '^' +
      pattern
        .split('*')
        .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('[^/]*') +
      '$',
  );
  return files.some((f) => regex.test(f));
};

const files = walk('');
const fileSet = new Set(files);
const dirSet = new Set(
  files.flatMap((f) =>
    f
      .split('/')
      .slice(0, -1)
      .map((_, i, a) => a.slice(0, i + 1).join('/')),
  ),
);
const exists = (path) => fileSet.has(path) || dirSet.has(path) || path === '';

/** Where a name may resolve, repository-relative (those that leave the repository are dropped). */
function bases(doc) {
  const folder = dirname(doc) === '.' ? '' : dirname(doc);
  const out = ['', folder];
  if (/^packages\/[^/]+$/.test(folder)) out.push(`${folder}/src`);
  return out;
}

/** The files a doc's loose names may mean: its package's when it is in one, else the repository's. */
function scope(doc) {
  const pkg = /^packages\/[^/]+\//.exec(doc)?.[0] ?? '';
  return [...fileSet, ...dirSet].filter((p) => p.startsWith(pkg));
}

function resolves(doc, name) {
  if (NOT_IN_REPO[doc]?.includes(name)) return true;
  const clean = name.replace(/\/$/, '');
  const candidates = bases(doc).map((b) =>
    relative(root, resolve(root, b, clean))
      .split(sep)
      .join('/'),
  );
  const inRepo = candidates.filter((c) => !c.startsWith('..'));
  if (clean.includes('*')) return inRepo.some((c) => globMatches(c, files));
  if (inRepo.some(exists)) return true;
  if (clean.startsWith('.')) return false;
  if (!clean.includes('/') && !name.endsWith('/'))
    return scope(doc).some((p) => basename(p) === clean && fileSet.has(p));
  return [...fileSet, ...dirSet].some((p) => p.endsWith('/' + clean));
}

const docs = files.filter((f) => f.endsWith('.md'));
const problems = [];
for (const doc of docs) {
  for (const { name, line } of mentions(readFileSync(join(root, doc), 'utf8'))) {
    if (!resolves(doc, name)) problems.push(`${doc}:${line}: names \`${name}\`, which does not exist`);
  }
}
if (problems.length) {
  console.error(`docs: ${problems.length} path(s) named in the docs do not exist`);
  for (const p of problems) console.error(`  ${p}`);
  process.exit(1);
}
console.log(`docs: ${docs.length} markdown files, every path they name exists`);
