#!/usr/bin/env node
// Package boundaries and cycles, checked in CI (npm run lint), against the real import graph:
//  - the layer table (tools/layers.mjs): ranks, declared dependencies, public entries and allowed
//    externals, for packages' sources and tests, bench/ and test/ alike (rules in tools/deps/rules.mjs);
//  - no import cycle between the files of a package's src/, nor between its top-level folders.
// Problems listed in tools/known-drift.mjs are reported as "known, to be removed" and do not fail the
// check; a new problem fails it, and so does a listed one that is gone (so the list only shrinks).
//
// Usage: node tools/check-deps.mjs [repo-root]   (the table and the known list are read from the
// root's tools/ folder when it has them, so a copy of the repository is checked by its own table)
import { existsSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { findCycles, srcGraphs } from './deps/cycles.mjs';
import { importsOf, sourceFiles } from './deps/imports.mjs';
import { readRepo } from './deps/repo.mjs';
import { checkImport } from './deps/rules.mjs';

const root = resolve(process.argv[2] ?? process.cwd());

async function load(name) {
  const own = join(root, 'tools', name);
  const path = existsSync(own) ? own : join(dirname(fileURLToPath(import.meta.url)), name);
  return import(pathToFileURL(path).href);
}
const { LAYERS, TEST_EXTERNALS } = await load('layers.mjs');
const { KNOWN_IMPORTS, KNOWN_CYCLES } = await load('known-drift.mjs');
const config = { layers: LAYERS, testExternals: TEST_EXTERNALS };
const repo = readRepo(root);
const rel = (path) => relative(root, path).split(sep).join('/');

/** Each problem has a key (what the known list names) and the text shown. */
const problems = [];
let files = 0;

for (const pkg of repo.packages.values()) {
  const manifest = `${rel(pkg.dir)}/package.json`;
  const layer = LAYERS[pkg.name];
  if (!layer) {
    problems.push({
      key: manifest,
      text: `${manifest}: ${pkg.name} is not in the layer table: add it to the layer table (tools/layers.mjs) with its rank and allowed externals`,
    });
    continue;
  }
  for (const dep of pkg.deps) {
    const to = LAYERS[dep];
    if (!repo.packages.has(dep) || !to || to.rank < layer.rank) continue;
    problems.push({
      key: `${manifest} → ${dep}`,
      text: `${manifest}: ${pkg.name} (rank ${layer.rank}) depends on ${dep} (rank ${to.rank}); dependencies must have a lower rank`,
    });
  }
}

/** Checks every import of `file` against the layer table. */
function checkFile(file, where) {
  files++;
  for (const { spec, line } of importsOf(file)) {
    for (const message of checkImport({ repo, config, file, where, spec }))
      problems.push({ key: `${rel(file)} → ${spec}`, text: `${rel(file)}:${line}: ${message}` });
  }
}

for (const pkg of repo.packages.values()) {
  const test = join(pkg.dir, 'test');
  for (const file of sourceFiles(pkg.dir)) {
    const kind = file.startsWith(test + sep) ? 'test' : 'src';
    checkFile(file, { kind, pkg });
  }
}
for (const dir of ['bench', 'test']) {
  for (const file of sourceFiles(join(root, dir))) checkFile(file, { kind: 'root' });
}

// Cycles inside each package's src/: between files, and between top-level folders.
for (const pkg of repo.packages.values()) {
  const graphs = srcGraphs(pkg.src);
  for (const [graph, what] of [
    [graphs.files, 'file cycle'],
    [graphs.folders, 'folder cycle'],
  ]) {
    const { cycles, truncated } = findCycles(graph);
    for (const cycle of cycles) {
      const key = `${pkg.name} ${what}: ${cycle.join(' → ')}`;
      problems.push({ key, text: `${rel(pkg.src)}: ${what}: ${cycle.join(' → ')}` });
    }
    for (const component of truncated)
      problems.push({
        key: `${pkg.name} ${what}s: ${component.join(', ')}`,
        text: `${rel(pkg.src)}: too many ${what}s to list among ${component.join(', ')}`,
      });
  }
}

const known = new Set([...KNOWN_IMPORTS.map((k) => `${k.file} → ${k.import}`), ...KNOWN_CYCLES]);
const present = new Set(problems.map((p) => p.key));
const fresh = problems.filter((p) => !known.has(p.key));
const remaining = problems.filter((p) => known.has(p.key));
const gone = [...known].filter((k) => !present.has(k));

const summary = `package boundaries: ${repo.packages.size} packages, ${files} files`;
if (remaining.length) {
  console.log(`${summary}; known, to be removed (tools/known-drift.mjs):`);
  for (const p of remaining) console.log(`  known, to be removed: ${p.text}`);
}
if (fresh.length || gone.length) {
  console.error(`package boundaries: ${fresh.length + gone.length} problem(s)`);
  for (const p of fresh) console.error(`  ${p.text}`);
  for (const k of gone)
    console.error(`  listed in tools/known-drift.mjs but no longer found (remove it from the list): ${k}`);
  process.exit(1);
}
console.log(`${summary}: layers respected, no new cycles (${remaining.length} known)`);
