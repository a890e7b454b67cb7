import { expect } from 'chai';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** What a client must never install: the SQL engine, storage, AWS, native compression, DuckDB, Parquet. */
const FORBIDDEN = [
  /^@quarry\/(sql|exchange|connectors|cluster-protocol|coordinator|worker|cli)$/,
  /^@aws-sdk\//,
  /^lz4/,
  /^zstd/,
  /^@duckdb\//,
  /^hyparquet/,
];

interface Manifest {
  readonly name: string;
  readonly dependencies?: Record<string, string>;
  readonly optionalDependencies?: Record<string, string>;
  readonly peerDependencies?: Record<string, string>;
  readonly peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  readonly gypfile?: boolean;
}

interface Installed {
  readonly dir: string;
  readonly manifest: Manifest;
}

/** Where `name` resolves from a package in `from`: node_modules up the tree, workspaces linked. */
function locate(name: string, from: string): Installed | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json')))
      return { dir: candidate, manifest: JSON.parse(readFileSync(join(candidate, 'package.json'), 'utf8')) };
    if (dir === dirname(dir)) return undefined;
  }
}

/**
 * The production dependency tree of a package: `dependencies` and required peers, recursively
 * (never devDependencies). `optionalDependencies` are walked too but kept apart: npm installs them
 * only where it can, and `npm install --omit=optional` leaves them out.
 */
function productionTree(start: Installed): {
  required: Map<string, Installed>;
  optional: Map<string, Installed>;
} {
  const required = new Map<string, Installed>();
  const optional = new Map<string, Installed>();
  const visit = (pkg: Installed, viaOptional: boolean) => {
    const m = pkg.manifest;
    const peers = Object.keys(m.peerDependencies ?? {}).filter((p) => !m.peerDependenciesMeta?.[p]?.optional);
    const edges: [string, boolean][] = [
      ...Object.keys(m.dependencies ?? {}).map((d): [string, boolean] => [d, viaOptional]),
      ...peers.map((d): [string, boolean] => [d, viaOptional]),
      ...Object.keys(m.optionalDependencies ?? {}).map((d): [string, boolean] => [d, true]),
    ];
    for (const [name, isOptional] of edges) {
      const found = locate(name, pkg.dir);
      if (!found) {
        if (isOptional) continue; // an optional dependency npm could not install here
        throw new Error(`${m.name} depends on ${name}, which is not installed`);
      }
      const into = isOptional ? optional : required;
      if (required.has(name) || into.has(name)) continue;
      into.set(name, found);
      visit(found, isOptional);
    }
  };
  visit(start, false);
  for (const name of required.keys()) optional.delete(name);
  return { required, optional };
}

/** A package that compiles native code, or loads a prebuilt addon, when installed. */
function isNative(pkg: Installed): boolean {
  const deps = Object.keys(pkg.manifest.dependencies ?? {});
  return (
    pkg.manifest.gypfile === true ||
    existsSync(join(pkg.dir, 'binding.gyp')) ||
    deps.some((d) => ['node-gyp-build', 'prebuild-install', 'node-addon-api', 'bindings'].includes(d))
  );
}

describe('@quarry/client installs alone', () => {
  const client: Installed = {
    dir: join(ROOT, 'packages/client'),
    manifest: JSON.parse(readFileSync(join(ROOT, 'packages/client/package.json'), 'utf8')),
  };
  const tree = productionTree(client);

  it('with no SQL engine, exchange, connectors, AWS SDK, native compression, DuckDB or Parquet', () => {
    const all = [...tree.required.keys(), ...tree.optional.keys()];
    expect(all).to.include('@quarry/protocol');
    expect(all).to.include('@nats-io/transport-node');
    const offending = all.filter((name) => FORBIDDEN.some((f) => f.test(name)));
    expect(offending, `reached from @quarry/client: ${offending.join(', ')}`).to.deep.equal([]);
  });

  it('with no native module among its required dependencies (msgpackr-extract is optional)', () => {
    const native = [...tree.required.values()].filter(isNative).map((p) => p.manifest.name);
    expect(native).to.deep.equal([]);
    // msgpackr's accelerator is native and optional: msgpackr runs in plain JavaScript without it
    for (const p of tree.optional.values()) expect(tree.required.has(p.manifest.name)).to.equal(false);
  });

  it('the check itself sees what a server package pulls in', () => {
    const worker: Installed = {
      dir: join(ROOT, 'packages/worker'),
      manifest: JSON.parse(readFileSync(join(ROOT, 'packages/worker/package.json'), 'utf8')),
    };
    const names = [...productionTree(worker).required.keys()];
    expect(names).to.include('@quarry/sql');
    expect(names.some((n) => n.startsWith('@aws-sdk/'))).to.equal(true);
    expect([...productionTree(worker).required.values()].some(isNative)).to.equal(true);
  });
});
