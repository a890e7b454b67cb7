// Cycles in a directed graph, each reported once as a closed path of nodes; and the graphs of a
// package's src/ to look for them in.
import { relative, sep } from 'node:path';
import { importsOf, resolveRelative, sourceFiles } from './imports.mjs';

/** Strongly connected components (Tarjan), each a list of nodes; only those that can hold a cycle. */
function components(graph) {
  const index = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const out = [];
  let next = 0;
  const connect = (v) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), index.get(w)));
    }
    if (low.get(v) !== index.get(v)) return;
    const component = [];
    let w;
    do {
      w = stack.pop();
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || (graph.get(v) ?? new Set()).has(v)) out.push(component.sort());
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) connect(v);
  return out;
}

/**
 * Every elementary cycle of `graph` (a Map from node to a Set of nodes), as arrays that start at the
 * cycle's smallest node and end where they start, sorted; at most `limit` per strongly connected
 * component (then `truncated` lists the components cut short). Each cycle is found once: from its
 * smallest node, through larger nodes only.
 */
export function findCycles(graph, limit = 200) {
  const cycles = [];
  const truncated = [];
  for (const component of components(graph)) {
    const members = new Set(component);
    let found = 0;
    let steps = 0; // bounds the search on a dense component, whose paths can be exponentially many
    for (const start of component) {
      const path = [start];
      const onPath = new Set(path);
      const walk = (v) => {
        for (const w of [...(graph.get(v) ?? [])].sort()) {
          if (found >= limit || ++steps > 1_000_000 || !members.has(w) || w < start) continue;
          if (w === start) {
            cycles.push([...path, start]);
            found++;
          } else if (!onPath.has(w)) {
            path.push(w);
            onPath.add(w);
            walk(w);
            onPath.delete(w);
            path.pop();
          }
        }
      };
      walk(start);
    }
    if (found >= limit || steps > 1_000_000) truncated.push(component);
  }
  return { cycles: cycles.sort((a, b) => a.join().localeCompare(b.join())), truncated };
}

/**
 * The import graphs of the files under `src` (a Map from each file, relative with `/`, to the files it
 * imports, type-only imports included) and of its top-level units: each folder (`planner/`) and each
 * file directly in src/ (`index.ts`), with an edge where a file of one imports a file of another.
 */
export function srcGraphs(src) {
  const files = new Map();
  const folders = new Map();
  const name = (path) => relative(src, path).split(sep).join('/');
  const unit = (path) => {
    const [first, ...rest] = name(path).split('/');
    return rest.length ? `${first}/` : first;
  };
  for (const file of sourceFiles(src)) {
    const edges = new Set();
    files.set(name(file), edges);
    for (const { spec } of importsOf(file)) {
      if (!spec.startsWith('.')) continue;
      const target = resolveRelative(file, spec);
      if (!target.startsWith(src + sep)) continue;
      edges.add(name(target));
      if (unit(file) !== unit(target)) {
        folders.set(unit(file), (folders.get(unit(file)) ?? new Set()).add(unit(target)));
      }
    }
  }
  return { files, folders };
}
