// Reads the import graph the build uses: every module specifier a file names, found by TypeScript's own
// scanner rather than by regular expressions (so comments and strings never count, and multi-line or
// type-only imports always do).
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import ts from 'typescript';

/** Source files the checks read; declaration files describe, they do not import. */
export const SOURCE = /\.(?:[cm]?ts|tsx|[cm]?js)$/;
const SKIP_DIRS = new Set(['node_modules', 'dist', '.nx', '.git']);

/** Every source file under `dir` (recursive), skipping build outputs and dependencies. */
export function sourceFiles(dir) {
  if (!existsSync(dir)) return [];
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name)) out.push(...sourceFiles(path));
    } else if (SOURCE.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(path);
  }
  return out.sort();
}

/**
 * The module specifiers of one file: static `import … from`, side-effect `import '…'`, `import type`,
 * `export … from`, `import x = require('…')`, and `import('…')` / `require('…')` of string literals
 * anywhere in the file, each with its 1-based line. TypeScript's import pre-processor finds them with
 * its own scanner (so comments and strings never count); it gives the same imports as walking the
 * tree of `ts.createSourceFile` on every file of this repository, in a third of the time.
 */
export function importsOf(file) {
  let found = parsed.get(file);
  if (!found) parsed.set(file, (found = parse(file)));
  return found;
}
const parsed = new Map();

function parse(file) {
  const text = readFileSync(file, 'utf8');
  const { importedFiles } = ts.preProcessFile(text, true, true);
  const lineStarts = ts.computeLineStarts(text);
  return importedFiles.map(({ fileName, pos }) => ({
    spec: fileName,
    line: ts.computeLineAndCharacterOfPosition(lineStarts, pos).line + 1,
  }));
}

/** True for `node:fs`, `fs`, `fs/promises` and the like. */
export function isBuiltin(spec) {
  return spec.startsWith('node:') || builtinModules.includes(spec.split('/')[0]);
}

/** The package a bare specifier names: `@scope/name` or `name`, and the subpath after it ('' if none). */
export function packageOf(spec) {
  const parts = spec.split('/');
  const n = spec.startsWith('@') ? 2 : 1;
  return { name: parts.slice(0, n).join('/'), subpath: parts.slice(n).join('/') };
}

const EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.mjs', '.cjs'];

/**
 * The file a relative specifier resolves to, the way TypeScript's NodeNext resolution does for
 * sources: `./x.js` is `./x.ts` when that exists; a folder resolves to its index. Falls back to the
 * plain resolved path (which may not exist) so that callers can still say where it points.
 */
export function resolveRelative(fromFile, spec) {
  const base = resolve(dirname(fromFile), spec);
  const stem = base.replace(/\.(?:[cm]?js|jsx)$/, '');
  const candidates = [
    ...EXTENSIONS.map((e) => stem + e),
    base,
    ...EXTENSIONS.map((e) => join(base, 'index' + e)),
  ];
  for (const c of candidates) {
    if (existsSync(c) && statSync(c).isFile()) return c;
  }
  return base;
}
