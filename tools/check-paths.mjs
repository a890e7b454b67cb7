#!/usr/bin/env node
// No code reads a file outside the repository (npm run lint). A clone must stand alone, so a path a
// source file builds relative to itself — `new URL('../x', import.meta.url)`, or
// `join(import.meta.dirname, '..', 'x')` / `resolve(__dirname, …)` with literal segments — must stay
// inside the repository root. The literal prefix of such a path is resolved against the file's folder;
// a segment that is not a string literal ends it.
//
// Usage: node tools/check-paths.mjs [repo-root]
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve, sep, isAbsolute } from 'node:path';

const root = resolve(process.argv[2] ?? process.cwd());
const SKIP_DIRS = new Set(['node_modules', 'dist', '.nx', '.git', 'results', 'testdata']);
const CODE = /\.(?:[cm]?[jt]s|tsx)$/;

function walk(dir) {
  const out = [];
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
    const path = dir ? `${dir}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name) && !entry.name.startsWith('.')) out.push(...walk(path));
    } else if (CODE.test(entry.name)) out.push(path);
  }
  return out;
}

const STRING = String.raw`'([^'\\\n]*)'|"([^"\\\n]*)"`;
const URL_FORM = new RegExp(String.raw`new URL\(\s*(?:${STRING})\s*,\s*import\.meta\.url`, 'g');
const JOIN_FORM =
  /\b(?:join|resolve)\(\s*(?:import\.meta\.dirname|__dirname)\s*((?:,\s*(?:'[^'\\\n]*'|"[^"\\\n]*")\s*)*)/g;

/** The relative paths a source text builds from its own location, with their lines. */
export function relativePaths(text) {
  const found = [];
  const lineOf = (index) => text.slice(0, index).split('\n').length;
  for (const m of text.matchAll(URL_FORM)) found.push({ path: m[1] ?? m[2], line: lineOf(m.index) });
  for (const m of text.matchAll(JOIN_FORM)) {
    const segments = [...m[1].matchAll(/'([^'\\\n]*)'|"([^"\\\n]*)"/g)].map((s) => s[1] ?? s[2]);
    if (segments.length > 0) found.push({ path: segments.join('/'), line: lineOf(m.index) });
  }
  return found;
}

const inside = (path) => {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
};

const problems = [];
for (const file of walk('')) {
  const text = readFileSync(join(root, file), 'utf8');
  for (const { path, line } of relativePaths(text)) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(path) || path.startsWith('/')) continue;
    const target = resolve(root, dirname(file), path);
    if (!inside(target)) problems.push(`${file}:${line}: '${path}' leads outside the repository`);
  }
}

if (problems.length > 0) {
  console.error(`${problems.length} path(s) outside the repository:\n${problems.join('\n')}`);
  process.exit(1);
}
console.log('no code builds a path outside the repository');
