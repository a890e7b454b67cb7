#!/usr/bin/env node
// Package boundaries, checked in CI (npm run lint):
//  - a package imports another only through its public entry (`@quarry/x`), never `@quarry/x/src/...`
//    or a relative path into another package;
//  - every @quarry import is declared in the importer's package.json dependencies;
//  - the package graph has no cycles;
//  - layers point one way: runtime and sql know nothing of each other, sql knows nothing of NATS,
//    Redis or S3, exchange knows no SQL.
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join, resolve, relative, dirname } from 'node:path';

const FORBIDDEN = {
  '@quarry/common': ['@quarry/*'],
  '@quarry/runtime': [
    '@quarry/sql',
    '@quarry/exchange',
    '@quarry/connectors',
    '@quarry/coordinator',
    '@quarry/worker',
    '@quarry/client',
    '@quarry/cli',
  ],
  '@quarry/sql': [
    '@quarry/runtime',
    '@quarry/exchange',
    '@quarry/coordinator',
    '@quarry/worker',
    '@quarry/client',
    '@quarry/cli',
    '@quarry/protocol',
    '@nats-io/*',
    'ioredis',
    '@aws-sdk/*',
  ],
  '@quarry/exchange': [
    '@quarry/sql',
    '@quarry/runtime',
    '@quarry/coordinator',
    '@quarry/worker',
    '@quarry/connectors',
  ],
  '@quarry/connectors': [
    '@quarry/runtime',
    '@quarry/coordinator',
    '@quarry/worker',
    '@quarry/client',
    '@quarry/cli',
  ],
  // client-facing messages: nothing of the engine, so that the client installs without it
  '@quarry/protocol': [
    '@quarry/runtime',
    '@quarry/sql',
    '@quarry/exchange',
    '@quarry/connectors',
    '@quarry/cluster-protocol',
    '@quarry/coordinator',
    '@quarry/worker',
    '@quarry/client',
    '@quarry/cli',
  ],
  // cluster-internal messages: plan fragments and exchange files are opaque or re-declared here
  '@quarry/cluster-protocol': [
    '@quarry/runtime',
    '@quarry/sql',
    '@quarry/exchange',
    '@quarry/connectors',
    '@quarry/coordinator',
    '@quarry/worker',
    '@quarry/client',
    '@quarry/cli',
  ],
  '@quarry/client': [
    '@quarry/coordinator',
    '@quarry/worker',
    '@quarry/sql',
    '@quarry/exchange',
    '@quarry/connectors',
    '@quarry/cluster-protocol',
    '@quarry/cli',
  ],
  '@quarry/coordinator': ['@quarry/worker', '@quarry/client', '@quarry/cli'],
  '@quarry/worker': ['@quarry/coordinator', '@quarry/client', '@quarry/cli'],
};

// Usage: node tools/check-deps.mjs [repo-root]
const root = resolve(process.argv[2] ?? process.cwd());
const packages = readdirSync(join(root, 'packages'))
  .filter((d) => existsSync(join(root, 'packages', d, 'package.json')))
  .map((d) => {
    const dir = join(root, 'packages', d);
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    return { dir, name: pkg.name, deps: new Set(Object.keys(pkg.dependencies ?? {})) };
  });
const problems = [];

function sources(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .map((f) => join(dir, f));
}

const IMPORT =
  /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|^import\s+['"]([^'"]+)['"]/gm;
const matches = (pattern, name) =>
  pattern.endsWith('/*') ? name.startsWith(pattern.slice(0, -1)) : name === pattern;

for (const pkg of packages) {
  for (const file of sources(join(pkg.dir, 'src'))) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(IMPORT)) {
      const spec = m[1] ?? m[2] ?? m[3];
      const where = relative(root, file);
      if (spec.startsWith('.')) {
        const target = resolve(dirname(file), spec);
        if (!target.startsWith(pkg.dir + '/'))
          problems.push(`${where}: relative import '${spec}' leaves the package`);
        continue;
      }
      const base = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
      if (spec.startsWith('@quarry/')) {
        if (spec !== base)
          problems.push(`${where}: '${spec}' reaches into another package's internals; import '${base}'`);
        if (!pkg.deps.has(base) && base !== pkg.name)
          problems.push(`${where}: imports ${base}, which ${pkg.name}'s package.json does not declare`);
      }
      for (const pattern of FORBIDDEN[pkg.name] ?? []) {
        if (matches(pattern, base) && base !== pkg.name)
          problems.push(`${where}: ${pkg.name} must not import ${base} (layering)`);
      }
    }
  }
}

// cycles in the declared package graph
const graph = new Map(packages.map((p) => [p.name, [...p.deps].filter((d) => d.startsWith('@quarry/'))]));
const state = new Map();
function visit(name, path) {
  if (state.get(name) === 'done') return;
  if (state.get(name) === 'active') {
    problems.push(`package cycle: ${[...path.slice(path.indexOf(name)), name].join(' → ')}`);
    return;
  }
  state.set(name, 'active');
  for (const d of graph.get(name) ?? []) visit(d, [...path, name]);
  state.set(name, 'done');
}
for (const name of graph.keys()) visit(name, []);

if (problems.length) {
  console.error(`package boundaries: ${problems.length} problem(s)`);
  for (const p of problems) console.error(`  ${p}`);
  process.exit(1);
}
console.log(`package boundaries: ${packages.length} packages, no cycles, no internal or undeclared imports`);
