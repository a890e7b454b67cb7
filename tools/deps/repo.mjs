// What the dependency check reads of a repository: its workspace packages and their manifests.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'));
const keys = (...maps) => new Set(maps.flatMap((m) => Object.keys(m ?? {})));

/** The entries a package's `exports` map offers ('.', './internal', …). */
function entriesOf(json) {
  const exp = json.exports;
  if (exp === undefined || typeof exp === 'string') return new Set(['.']);
  const subpaths = Object.keys(exp).filter((k) => k.startsWith('.'));
  return new Set(subpaths.length ? subpaths : ['.']);
}

/**
 * The workspace packages under packages/ (each with dir, src, name, deps — dependencies, peer and
 * optional —, devDeps and entries) by name, and the root's declared dependencies.
 */
export function readRepo(root) {
  const packages = new Map();
  const dirs = existsSync(join(root, 'packages')) ? readdirSync(join(root, 'packages')).sort() : [];
  for (const d of dirs) {
    const dir = join(root, 'packages', d);
    if (!existsSync(join(dir, 'package.json'))) continue;
    const json = readJson(join(dir, 'package.json'));
    packages.set(json.name, {
      name: json.name,
      dir,
      src: join(dir, 'src'),
      deps: keys(json.dependencies, json.peerDependencies, json.optionalDependencies),
      devDeps: keys(json.devDependencies),
      entries: entriesOf(json),
    });
  }
  const rootJson = existsSync(join(root, 'package.json')) ? readJson(join(root, 'package.json')) : {};
  return { root, packages, rootDeps: keys(rootJson.dependencies, rootJson.devDependencies) };
}
