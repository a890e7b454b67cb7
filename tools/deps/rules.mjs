// The rules of the layer table, applied to one file's imports. A file is one of:
//  - 'src'   a package's sources (packages/<p>/src, and other shipped folders such as bin/),
//  - 'test'  a package's tests (packages/<p>/test),
//  - 'root'  the repository's own tests and benchmarks (test/, bench/), which stand above every package.
import { relative, sep } from 'node:path';
import { isBuiltin, packageOf, resolveRelative } from './imports.mjs';

/** True when `name` matches one of the patterns ('x' exactly, '@scope/*' any package of the scope). */
export function allowedBy(patterns, name) {
  return patterns.some((p) => (p.endsWith('/*') ? name.startsWith(p.slice(0, -1)) : p === name));
}

const inside = (dir, path) => path === dir || path.startsWith(dir + sep);

/**
 * The problems of one import. `where` is { kind, pkg } (pkg: the importing package, absent for
 * 'root'); `repo` and `config` are what check-deps.mjs read. Returns a list of messages.
 */
export function checkImport({ repo, config, file, where, spec }) {
  if (spec.startsWith('.') || spec.startsWith('/')) return checkPath({ repo, file, where, spec });
  if (isBuiltin(spec)) return [];
  const { name, subpath } = packageOf(spec);
  const target = repo.packages.get(name);
  if (target) return checkWorkspace({ config, where, target, subpath, spec });
  if (name.startsWith('@quarry/')) return [`imports ${name}, which is not a workspace package`];
  return checkExternal({ repo, config, where, name });
}

/** A relative import: tests may reach their own package's src; nothing reaches another package's files. */
function checkPath({ repo, file, where, spec }) {
  const target = resolveRelative(file, spec);
  const owner = [...repo.packages.values()].find((p) => inside(p.dir, target));
  const shown = relative(repo.root, target);
  if (where.kind === 'root') {
    if (!owner) return [];
    return [`reaches into ${shown} by path; import ${owner.name} through its public entry`];
  }
  const pkg = where.pkg;
  if (owner && owner !== pkg)
    return [`reaches into ${shown} (package ${owner.name}) by path; import ${owner.name} instead`];
  if (!owner) return [`relative import '${spec}' leaves ${pkg.name} (to ${shown})`];
  if (where.kind === 'src' && inside(pkg.src, file) && !inside(pkg.src, target))
    return [`relative import '${spec}' leaves ${pkg.name}'s src/ (to ${shown})`];
  return [];
}

/** An import of a workspace package by name. */
function checkWorkspace({ config, where, target, subpath, spec }) {
  const problems = [];
  if (/(?:^|\/)(?:src|dist)(?:\/|$)/.test(subpath))
    problems.push(`'${spec}' reaches into ${target.name}'s ${subpath.split('/')[0]}/; import ${target.name}`);
  else if (subpath && !target.entries.has('./' + subpath))
    problems.push(
      `'${spec}' is not an entry of ${target.name} (its package.json "exports" lists no ./${subpath})`,
    );
  if (where.kind === 'root') return problems;
  const pkg = where.pkg;
  if (target === pkg) {
    if (where.kind === 'src')
      problems.push(`imports its own package ${pkg.name} by name; use a relative path`);
    return problems;
  }
  const from = config.layers[pkg.name];
  const to = config.layers[target.name];
  if (!from || !to) return problems; // reported once as an unknown package
  if (where.kind === 'test' && to.testSupport) return problems;
  if (to.rank >= from.rank)
    problems.push(
      `${pkg.name} (rank ${from.rank}) must not import ${target.name} (rank ${to.rank}): ` +
        'a package imports only packages of lower rank (tools/layers.mjs)',
    );
  else if (!pkg.deps.has(target.name) && !(where.kind === 'test' && pkg.devDeps.has(target.name)))
    problems.push(`imports ${target.name}, which ${pkg.name}'s package.json does not declare`);
  return problems;
}

/** An import of a library from the registry. */
function checkExternal({ repo, config, where, name }) {
  if (where.kind === 'root') {
    if (repo.rootDeps.has(name)) return [];
    return [`imports ${name}, which the root package.json does not declare`];
  }
  const pkg = where.pkg;
  const layer = config.layers[pkg.name];
  if (!layer) return [];
  const allowed =
    allowedBy(layer.externals, name) ||
    (where.kind === 'test' && (pkg.devDeps.has(name) || allowedBy(config.testExternals, name)));
  if (!allowed) return [`${pkg.name} may not import ${name} (not among its externals in tools/layers.mjs)`];
  if (where.kind === 'src' && !pkg.deps.has(name))
    return [`imports ${name}, which ${pkg.name}'s package.json does not declare`];
  return [];
}
